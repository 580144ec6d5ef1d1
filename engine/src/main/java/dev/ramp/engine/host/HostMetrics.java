package dev.ramp.engine.host;

import dev.ramp.engine.plugin.PluginAvailability;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The plugin host's meters. In Prometheus format: {@code ramp_plugin_calls_total{plugin,method,
 * outcome}}, {@code ramp_plugin_call_seconds{plugin,method}}, {@code
 * ramp_plugin_restarts_total{plugin}} and {@code ramp_plugin_state{plugin,state}} (1 for the
 * current state, 0 for the others).
 */
final class HostMetrics {

  static final String OK = "ok";

  private final MeterRegistry registry;
  private final Map<String, List<Meter>> stateGauges = new ConcurrentHashMap<>();

  HostMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Counts one call.
   *
   * @param outcome {@link #OK} or the failure's reason in lower case
   * @param latency null when the call never reached the plugin (circuit open, busy)
   */
  void call(String plugin, String method, String outcome, Duration latency) {
    Counter.builder("ramp.plugin.calls")
        .description("Calls to plugins by outcome")
        .tags("plugin", plugin, "method", method, "outcome", outcome)
        .register(registry)
        .increment();
    if (latency != null) {
      Timer.builder("ramp.plugin.call")
          .description("Latency of plugin calls that reached the plugin")
          .tags("plugin", plugin, "method", method)
          .register(registry)
          .record(latency);
    }
  }

  void restart(String plugin) {
    Counter.builder("ramp.plugin.restarts")
        .description("Plugin process restarts after a crash or failed health checks")
        .tags("plugin", plugin)
        .register(registry)
        .increment();
  }

  /**
   * Publishes the plugin's state as one gauge per state, 1 for the current one. The supplier stays
   * the same for the plugin's whole life in the configuration, across restarts and replacements.
   */
  void trackState(String plugin, Supplier<PluginAvailability.State> state) {
    stateGauges.computeIfAbsent(
        plugin,
        p -> {
          List<Meter> gauges = new ArrayList<>();
          for (PluginAvailability.State s : PluginAvailability.State.values()) {
            if (s == PluginAvailability.State.UNKNOWN) {
              continue;
            }
            gauges.add(
                Gauge.builder("ramp.plugin.state", () -> state.get() == s ? 1 : 0)
                    .description("The plugin's state: 1 for the current one")
                    .tags("plugin", p, "state", s.name().toLowerCase(Locale.ROOT))
                    .register(registry));
          }
          return gauges;
        });
  }

  /** Drops the state gauges of a plugin that was removed from the configuration. */
  void forget(String plugin) {
    List<Meter> gauges = stateGauges.remove(plugin);
    if (gauges != null) {
      gauges.forEach(registry::remove);
    }
  }
}
