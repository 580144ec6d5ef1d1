package dev.ramp.engine.analysis;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A metric's result in the run's status: its phase, its latest measurements and the counters the
 * limits read; Argo's {@code MetricResult} in {@code pkg/apis/rollouts/v1alpha1/analysis_types.go}.
 *
 * @param count finished measurements that were not Errors
 * @param error Error measurements; not part of {@code count}
 * @param consecutiveError Errors in a row; reset by any other finished measurement
 * @param consecutiveSuccess Successes in a row; reset by any other finished measurement
 * @param dryRun the metric runs in dry-run mode
 * @param metadata the provider's metadata of the metric
 */
record MetricState(
    String name,
    AnalysisPhase phase,
    List<MeasurementRecord> measurements,
    int count,
    int successful,
    int failed,
    int inconclusive,
    int error,
    int consecutiveError,
    int consecutiveSuccess,
    String message,
    boolean dryRun,
    Map<String, String> metadata) {

  MetricState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(phase, "phase");
    measurements = measurements == null ? List.of() : List.copyOf(measurements);
    message = message == null ? "" : message;
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A result as Argo creates it for a metric's first measurement: Running, all counters 0. */
  static MetricState start(String name, boolean dryRun) {
    return new MetricState(
        name, AnalysisPhase.Running, List.of(), 0, 0, 0, 0, 0, 0, 0, "", dryRun, Map.of());
  }

  /** Argo's {@code LastMeasurement}: the latest measurement started or finished. */
  Optional<MeasurementRecord> last() {
    return measurements.isEmpty()
        ? Optional.empty()
        : Optional.of(measurements.get(measurements.size() - 1));
  }

  MetricState withPhase(AnalysisPhase value) {
    return new MetricState(
        name,
        value,
        measurements,
        count,
        successful,
        failed,
        inconclusive,
        error,
        consecutiveError,
        consecutiveSuccess,
        message,
        dryRun,
        metadata);
  }

  MetricState withMessage(String value) {
    return new MetricState(
        name,
        phase,
        measurements,
        count,
        successful,
        failed,
        inconclusive,
        error,
        consecutiveError,
        consecutiveSuccess,
        value,
        dryRun,
        metadata);
  }

  MetricState withMeasurements(List<MeasurementRecord> value) {
    return new MetricState(
        name,
        phase,
        value,
        count,
        successful,
        failed,
        inconclusive,
        error,
        consecutiveError,
        consecutiveSuccess,
        message,
        dryRun,
        metadata);
  }

  MetricState withMetadata(Map<String, String> value) {
    return new MetricState(
        name,
        phase,
        measurements,
        count,
        successful,
        failed,
        inconclusive,
        error,
        consecutiveError,
        consecutiveSuccess,
        message,
        dryRun,
        value);
  }

  /**
   * The counters as given, the rest unchanged: count, successful, failed, inconclusive, error,
   * consecutiveError, consecutiveSuccess.
   */
  MetricState withCounters(
      int count,
      int successful,
      int failed,
      int inconclusive,
      int error,
      int consecutiveError,
      int consecutiveSuccess) {
    return new MetricState(
        name,
        phase,
        measurements,
        count,
        successful,
        failed,
        inconclusive,
        error,
        consecutiveError,
        consecutiveSuccess,
        message,
        dryRun,
        metadata);
  }
}
