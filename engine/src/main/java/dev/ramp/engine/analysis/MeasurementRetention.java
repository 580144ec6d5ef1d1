package dev.ramp.engine.analysis;

import java.util.List;
import java.util.OptionalInt;

/**
 * How many measurements a metric keeps in the run's status, as Argo's {@code
 * garbageCollectMeasurements} in {@code analysis/analysis.go}: the last 10, or the metric's {@code
 * measurementRetention} limit if above 0. The controller asks {@link #garbageCollectLimit}, calls
 * the provider's {@code GarbageCollect} with that limit, and only when that succeeded applies
 * {@link #trim}.
 */
final class MeasurementRetention {

  private MeasurementRetention() {}

  /** The limit to pass to {@code GarbageCollect}, when the metric holds more than it keeps. */
  static OptionalInt garbageCollectLimit(MetricSettings metric, MetricState state) {
    int limit = metric.effectiveRetentionLimit();
    return state.measurements().size() > limit ? OptionalInt.of(limit) : OptionalInt.empty();
  }

  /** The metric with only its newest {@code limit} measurements, oldest first as before. */
  static MetricState trim(MetricState state, int limit) {
    List<MeasurementRecord> all = state.measurements();
    if (all.size() <= limit) {
      return state;
    }
    return state.withMeasurements(all.subList(all.size() - limit, all.size()));
  }
}
