package dev.ramp.engine.analysis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One metric's bookkeeping and phase, as Argo's {@code analysis/analysis.go}: {@link #record}
 * follows {@code runMeasurements}, {@link #limitBreach} {@code
 * assessMetricFailureInconclusiveOrError}, {@link #assess} {@code assessMetricStatus}.
 */
final class MetricAssessment {

  /** Argo's message of a measurement cut short by the run's termination. */
  static final String METRIC_TERMINATED = "Metric Terminated";

  private MetricAssessment() {}

  /**
   * A limit the metric's counters exceed.
   *
   * @param phase Failed, Inconclusive or Error
   * @param message e.g. {@code failed (3) > failureLimit (2)}
   */
  record LimitBreach(AnalysisPhase phase, String message) {}

  /**
   * Records a measurement the provider returned (Argo's {@code runMeasurements}): it replaces the
   * in-flight last measurement or is appended. A finished one gets {@code finishedAt = now} if it
   * has none and moves the counters: Successful, Failed and Inconclusive count toward {@code count}
   * and reset the consecutive errors; an Error does not count, adds to {@code error} and {@code
   * consecutiveError}; anything but Successful resets the consecutive successes.
   */
  static MetricState record(MetricState state, MeasurementRecord measurement, Instant now) {
    MeasurementRecord m = measurement;
    MetricState next = state;
    if (m.phase().completed()) {
      if (m.finishedAt() == null) {
        m = m.withFinishedAt(now);
      }
      next = counted(state, m.phase());
    }
    List<MeasurementRecord> list = new ArrayList<>(state.measurements());
    if (!list.isEmpty() && list.get(list.size() - 1).inFlight()) {
      list.set(list.size() - 1, m);
    } else {
      list.add(m);
    }
    return next.withMeasurements(list);
  }

  private static MetricState counted(MetricState s, AnalysisPhase phase) {
    return switch (phase) {
      case Successful ->
          s.withCounters(
              s.count() + 1,
              s.successful() + 1,
              s.failed(),
              s.inconclusive(),
              s.error(),
              0,
              s.consecutiveSuccess() + 1);
      case Failed ->
          s.withCounters(
              s.count() + 1, s.successful(), s.failed() + 1, s.inconclusive(), s.error(), 0, 0);
      case Inconclusive ->
          s.withCounters(
              s.count() + 1, s.successful(), s.failed(), s.inconclusive() + 1, s.error(), 0, 0);
      case Error ->
          s.withCounters(
              s.count(),
              s.successful(),
              s.failed(),
              s.inconclusive(),
              s.error() + 1,
              s.consecutiveError() + 1,
              0);
      default -> s;
    };
  }

  /**
   * What the provider's {@code Terminate} returned, as Argo's {@code runMeasurements} keeps it: a
   * Successful or Inconclusive answer says {@value #METRIC_TERMINATED}.
   */
  static MeasurementRecord terminated(MeasurementRecord fromProvider) {
    AnalysisPhase p = fromProvider.phase();
    return p == AnalysisPhase.Successful || p == AnalysisPhase.Inconclusive
        ? fromProvider.withMessage(METRIC_TERMINATED)
        : fromProvider;
  }

  /**
   * Argo's {@code assessMetricFailureInconclusiveOrError}: the limits checked in Argo's order,
   * failures, then inconclusives, then consecutive errors, a later breach replacing an earlier one
   * (so Error wins over Inconclusive over Failed). A {@code failureLimit} of -1 is off.
   */
  static Optional<LimitBreach> limitBreach(MetricSettings s, MetricState r) {
    LimitBreach breach = null;
    if (s.failureLimit() >= 0 && r.failed() > s.failureLimit()) {
      breach =
          new LimitBreach(
              AnalysisPhase.Failed,
              "failed (%d) > failureLimit (%d)".formatted(r.failed(), s.failureLimit()));
    }
    if (r.inconclusive() > s.inconclusiveLimit()) {
      breach =
          new LimitBreach(
              AnalysisPhase.Inconclusive,
              "inconclusive (%d) > inconclusiveLimit (%d)"
                  .formatted(r.inconclusive(), s.inconclusiveLimit()));
    }
    if (r.consecutiveError() > s.consecutiveErrorLimit()) {
      breach =
          new LimitBreach(
              AnalysisPhase.Error,
              "consecutiveErrors (%d) > consecutiveErrorLimit (%d)"
                  .formatted(r.consecutiveError(), s.consecutiveErrorLimit()));
    }
    return Optional.ofNullable(breach);
  }

  /**
   * Argo's {@code assessMetricStatus}. A completed phase stays. No measurement: Pending, or
   * Successful when the run is terminating. An in-flight last measurement: Running. Then the limits
   * ({@link #limitBreach}); then {@code consecutiveSuccessLimit} reached: Successful; then the
   * effective count reached: Successful, unless a {@code consecutiveSuccessLimit} was set and not
   * reached (Inconclusive while {@code failureLimit} is on, Failed when it is off). Otherwise the
   * metric goes on: Running, or Successful when the run is terminating.
   */
  static AnalysisPhase assess(MetricSettings s, MetricState r, boolean terminating) {
    if (r.phase().completed()) {
      return r.phase();
    }
    Optional<MeasurementRecord> last = r.last();
    if (last.isEmpty()) {
      return terminating ? AnalysisPhase.Successful : AnalysisPhase.Pending;
    }
    if (!last.get().phase().completed()) {
      return AnalysisPhase.Running;
    }
    Optional<LimitBreach> breach = limitBreach(s, r);
    if (breach.isPresent()) {
      return breach.get().phase();
    }
    if (s.consecutiveSuccessLimit() > 0 && r.consecutiveSuccess() >= s.consecutiveSuccessLimit()) {
      return AnalysisPhase.Successful;
    }
    OptionalInt count = s.effectiveCount();
    if (count.isPresent() && r.count() >= count.getAsInt()) {
      return countReached(s);
    }
    return terminating ? AnalysisPhase.Successful : AnalysisPhase.Running;
  }

  /** The count is reached and no limit decided: the branch of Argo's {@code assessMetricStatus}. */
  private static AnalysisPhase countReached(MetricSettings s) {
    boolean failureLimitOn = s.failureLimit() >= 0;
    boolean successLimitOn = s.consecutiveSuccessLimit() > 0;
    if (successLimitOn) {
      return failureLimitOn ? AnalysisPhase.Inconclusive : AnalysisPhase.Failed;
    }
    return AnalysisPhase.Successful;
  }
}
