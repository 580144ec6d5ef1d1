package dev.ramp.engine.analysis;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One measurement of a metric as the run's status keeps it; Argo's {@code Measurement} in {@code
 * pkg/apis/rollouts/v1alpha1/analysis_types.go}.
 *
 * @param phase Running while in flight, then Successful, Failed, Inconclusive or Error
 * @param finishedAt null while in flight
 * @param resumeAt for an in-flight measurement: when to resume it; null to resume at once
 */
record MeasurementRecord(
    AnalysisPhase phase,
    String value,
    String message,
    Instant startedAt,
    Instant finishedAt,
    Instant resumeAt,
    Map<String, String> metadata) {

  MeasurementRecord {
    Objects.requireNonNull(phase, "phase");
    value = value == null ? "" : value;
    message = message == null ? "" : message;
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A finished measurement of {@code phase} at {@code at}. */
  static MeasurementRecord finished(AnalysisPhase phase, String value, Instant at) {
    return new MeasurementRecord(phase, value, "", at, at, null, Map.of());
  }

  /** A measurement started at {@code at} and still in flight. */
  static MeasurementRecord running(Instant at, Instant resumeAt) {
    return new MeasurementRecord(AnalysisPhase.Running, "", "", at, null, resumeAt, Map.of());
  }

  /**
   * In flight, as Argo's {@code generateMetricTasks} tells it: no {@code finishedAt} yet, whatever
   * the phase says.
   */
  boolean inFlight() {
    return finishedAt == null;
  }

  MeasurementRecord withMessage(String text) {
    return new MeasurementRecord(phase, value, text, startedAt, finishedAt, resumeAt, metadata);
  }

  MeasurementRecord withFinishedAt(Instant at) {
    return new MeasurementRecord(phase, value, message, startedAt, at, resumeAt, metadata);
  }
}
