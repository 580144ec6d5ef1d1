package dev.ramp.engine.plugin;

import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.MetricCall;
import java.util.Map;

/**
 * The controller's view of metric-provider plugins. The plugin host implements it; analysis and its
 * unit tests see only this, never gRPC or processes.
 *
 * <p>{@code run}, {@code resume} and {@code terminate} never throw for plugin trouble: a transport
 * failure, a deadline, an open circuit or a full bulkhead comes back as a measurement with phase
 * {@link Measurement.Phase#ERROR} and a message saying what happened. {@code garbageCollect} and
 * {@code metadata} throw {@link PluginCallException}.
 */
public interface MetricProviderClient {

  /** Whether the named plugin can be called now, and if not, why. */
  PluginAvailability availability(String pluginName);

  Measurement run(String pluginName, MetricCall call);

  Measurement resume(String pluginName, MetricCall call, Measurement measurement);

  Measurement terminate(String pluginName, MetricCall call, Measurement measurement);

  void garbageCollect(String pluginName, MetricCall call, int limit);

  /**
   * A status write recorded the answers to these calls ({@code Run}, {@code Resume}, {@code
   * Terminate} are answered once per call key until then, as step calls are).
   */
  default void recorded(java.util.Collection<CallKey> calls) {}

  Map<String, String> metadata(String pluginName, MetricCall call);
}
