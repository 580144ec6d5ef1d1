package dev.ramp.engine.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * When a metric measures: what to do with it now ({@link #due}, Argo's {@code generateMetricTasks}
 * in {@code analysis/analysis.go}) and when to look again ({@link #wakeAt}, Argo's {@code
 * calculateNextReconcileTime}). Time is the caller's {@code now}; a time that has come (equal
 * included) is due.
 */
final class MeasurementSchedule {

  /** Argo's {@code DefaultErrorRetryInterval}: an Error is measured again after 10 s. */
  static final Duration ERROR_RETRY = Duration.ofSeconds(10);

  private MeasurementSchedule() {}

  /** What the controller does with a metric in this reconcile. */
  enum Action {
    /** Take a new measurement (the provider's {@code Run}). */
    MEASURE,
    /** Resume the in-flight measurement (the provider's {@code Resume}). */
    RESUME,
    /** Terminate the in-flight measurement (the provider's {@code Terminate}). */
    TERMINATE,
    /** Nothing now; {@link #wakeAt} says when, if ever, something is due. */
    NONE
  }

  /**
   * Argo's {@code generateMetricTasks} for one metric.
   *
   * <ul>
   *   <li>A completed metric: nothing.
   *   <li>An in-flight last measurement: terminate it when the run is terminating; else resume it
   *       once its {@code resumeAt} has come (at once without one).
   *   <li>A terminating run takes no new measurement.
   *   <li>No measurement yet: measure once {@code initialDelay} has passed since the run's start
   *       (at once without one; never while the run has no start).
   *   <li>The effective count reached: nothing more ({@code count}; 1 with neither count nor
   *       interval; none with an interval alone, which measures until the run is terminated).
   *   <li>Otherwise measure when the last one finished {@code interval} ago, or 10 s ago after an
   *       Error (also with an interval); an Error does not count toward {@code count}.
   * </ul>
   *
   * @param state the metric's result; null before its first measurement
   * @param runStartedAt the run's {@code status.startedAt}; null if not set yet
   */
  static Action due(
      MetricSettings metric,
      MetricState state,
      Instant runStartedAt,
      boolean terminating,
      Instant now) {
    if (state != null && state.phase().completed()) {
      return Action.NONE;
    }
    Optional<MeasurementRecord> last = state == null ? Optional.empty() : state.last();
    if (last.isPresent() && last.get().inFlight()) {
      Instant resumeAt = last.get().resumeAt();
      if (terminating) {
        return Action.TERMINATE;
      }
      return resumeAt != null && now.isBefore(resumeAt) ? Action.NONE : Action.RESUME;
    }
    if (terminating) {
      return Action.NONE;
    }
    if (last.isEmpty()) {
      if (metric.initialDelay() == null) {
        return Action.MEASURE;
      }
      boolean waited =
          runStartedAt != null && !now.isBefore(runStartedAt.plus(metric.initialDelay()));
      return waited ? Action.MEASURE : Action.NONE;
    }
    if (countReached(metric, state)) {
      return Action.NONE;
    }
    Instant next = last.get().finishedAt().plus(pause(metric, last.get()));
    return now.isBefore(next) ? Action.NONE : Action.MEASURE;
  }

  /**
   * Argo's {@code calculateNextReconcileTime} for one metric: when something becomes due without an
   * outside event. Before the first measurement: the end of {@code initialDelay} (counted from
   * {@code now} while the run has no start), nothing without one. An in-flight measurement: its
   * {@code resumeAt}, nothing without one. After a finished one: {@code finishedAt} plus the 10 s
   * Error retry or the interval, nothing once the count is reached or without an interval.
   *
   * @param state the metric's result; null before its first measurement
   * @param runStartedAt the run's {@code status.startedAt}; null if not set yet
   */
  static Optional<Instant> wakeAt(
      MetricSettings metric, MetricState state, Instant runStartedAt, Instant now) {
    if (state != null && state.phase().completed()) {
      return Optional.empty();
    }
    Optional<MeasurementRecord> last = state == null ? Optional.empty() : state.last();
    if (last.isEmpty()) {
      if (metric.initialDelay() == null) {
        return Optional.empty();
      }
      Instant start = runStartedAt != null ? runStartedAt : now;
      return Optional.of(start.plus(metric.initialDelay()));
    }
    MeasurementRecord m = last.get();
    if (m.inFlight()) {
      return Optional.ofNullable(m.resumeAt());
    }
    if (countReached(metric, state)) {
      return Optional.empty();
    }
    if (m.phase() != AnalysisPhase.Error && metric.interval() == null) {
      return Optional.empty();
    }
    return Optional.of(m.finishedAt().plus(pause(metric, m)));
  }

  /** The earliest of the metrics' {@link #wakeAt} times: when to requeue the run, if at all. */
  static Optional<Instant> earliest(Collection<Optional<Instant>> wakeTimes) {
    return wakeTimes.stream().flatMap(Optional::stream).min(Instant::compareTo);
  }

  private static boolean countReached(MetricSettings metric, MetricState state) {
    OptionalInt count = metric.effectiveCount();
    return count.isPresent() && state.count() >= count.getAsInt();
  }

  /**
   * The wait after a finished measurement: 10 s after an Error, else the interval; without an
   * interval (only reachable with an invalid count above 1) also 10 s, as Argo's {@code
   * generateMetricTasks}.
   */
  private static Duration pause(MetricSettings metric, MeasurementRecord last) {
    if (last.phase() == AnalysisPhase.Error || metric.interval() == null) {
      return ERROR_RETRY;
    }
    return metric.interval();
  }
}
