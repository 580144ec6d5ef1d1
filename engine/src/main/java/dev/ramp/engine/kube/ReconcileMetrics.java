package dev.ramp.engine.kube;

import dev.ramp.engine.model.Rollout;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The controller's own metrics: reconciles by result, their latency, and Rollouts by phase read
 * from the informer cache at scrape time (so a gauge never lags the cache).
 */
class ReconcileMetrics {

  /** The phases a status can carry, plus {@code Unknown} for a Rollout without a status yet. */
  static final List<String> PHASES =
      java.util.stream.Stream.concat(
              java.util.Arrays.stream(dev.ramp.engine.model.Phase.values()).map(Enum::name),
              java.util.stream.Stream.of("Unknown"))
          .toList();

  static final ReconcileMetrics NONE = new ReconcileMetrics(null, phase -> 0);

  private final MeterRegistry registry;
  private final ToLongFunction<String> countPhase;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer latency;
  private final List<Meter> gauges = new ArrayList<>();

  ReconcileMetrics(MeterRegistry registry, ToLongFunction<String> countPhase) {
    this.registry = registry;
    this.countPhase = countPhase;
    this.latency =
        registry == null
            ? null
            : Timer.builder("ramp.reconcile")
                .description("Time of one reconcile of one Rollout")
                .publishPercentileHistogram()
                .register(registry);
  }

  static String phaseOf(Rollout r) {
    String phase = r.getStatus() == null ? null : r.getStatus().phase;
    return phase == null || !PHASES.contains(phase) ? "Unknown" : phase;
  }

  void record(String result, long nanos) {
    if (registry == null) {
      return;
    }
    counters
        .computeIfAbsent(
            result,
            r ->
                Counter.builder("ramp.reconcile")
                    .description("Reconciles by result: success, conflict (stale read), error")
                    .tag("result", r)
                    .register(registry))
        .increment();
    latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Registers the phase gauges; a controller that starts again (a new leader term) rebinds. */
  synchronized void bind() {
    if (registry == null || !gauges.isEmpty()) {
      return;
    }
    for (String phase : PHASES) {
      gauges.add(
          Gauge.builder("ramp.rollouts", () -> countPhase.applyAsLong(phase))
              .description("Rollouts handled by this controller, by phase")
              .tag("phase", phase)
              .strongReference(true)
              .register(registry));
    }
  }

  /** Removes the phase gauges, so a standby does not report Rollouts it no longer handles. */
  synchronized void unbind() {
    if (registry == null) {
      return;
    }
    gauges.forEach(registry::remove);
    gauges.clear();
  }
}
