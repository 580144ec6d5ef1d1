package dev.ramp.engine.analysis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run's phase from its metrics, as Argo's {@code assessRunStatus} in {@code
 * analysis/analysis.go}, and whether the run is terminating, as Argo's {@code IsTerminating} in
 * {@code utils/analysis/helpers.go}.
 */
final class RunAssessment {

  /** Argo's run message when {@code spec.terminate} was set. */
  static final String RUN_TERMINATED = "Run Terminated";

  private RunAssessment() {}

  /**
   * Argo's {@code RunSummary}: metrics per final assessment.
   *
   * @param count the metrics, started or not
   */
  record RunSummary(int count, int successful, int failed, int inconclusive, int error) {
    static final RunSummary EMPTY = new RunSummary(0, 0, 0, 0, 0);
  }

  /**
   * The assessment of a run.
   *
   * @param metrics the results in the order of the run's metrics, phases and messages updated;
   *     metrics not started yet have none
   * @param runSummary the metrics that decide the run
   * @param dryRunSummary the dry-run metrics
   */
  record RunVerdict(
      AnalysisPhase phase,
      String message,
      List<MetricState> metrics,
      RunSummary runSummary,
      RunSummary dryRunSummary) {}

  /**
   * Argo's {@code IsTerminating}: termination was asked for, or a metric that is not a dry run has
   * already completed Failed, Error or Inconclusive.
   */
  static boolean terminating(boolean terminateRequested, Collection<MetricState> results) {
    if (terminateRequested) {
      return true;
    }
    return results.stream()
        .filter(r -> !r.dryRun())
        .map(MetricState::phase)
        .anyMatch(
            p ->
                p == AnalysisPhase.Failed
                    || p == AnalysisPhase.Error
                    || p == AnalysisPhase.Inconclusive);
  }

  /**
   * Argo's {@code assessRunStatus}. Each metric's phase is reassessed ({@link
   * MetricAssessment#assess}), with "terminating" as the results stood before. While a metric is
   * not completed, or none has completed, the run is Running. Otherwise, and at once when
   * terminating, the run takes the worst phase of its completed metrics that are not dry runs;
   * dry-run metrics only count in {@code dryRunSummary} and give Successful when nothing else has.
   * A terminating run with no completed metric is Successful.
   *
   * @param metrics the run's metrics in spec order
   * @param results the metrics' results so far, by any order; a metric without one has not started
   * @param terminateRequested the run's {@code spec.terminate}
   */
  static RunVerdict assess(
      List<MetricSettings> metrics, List<MetricState> results, boolean terminateRequested) {
    Map<String, MetricState> byName = new LinkedHashMap<>();
    results.forEach(r -> byName.put(r.name(), r));
    Tally tally = new Tally(terminating(terminateRequested, results));
    if (terminateRequested) {
      tally.worstMessage = RUN_TERMINATED;
    }
    List<MetricState> updated = new ArrayList<>();
    for (MetricSettings metric : metrics) {
      MetricState result = byName.get(metric.name());
      if (result == null) {
        tally.count(metric.dryRun());
        tally.everythingCompleted = false;
        continue;
      }
      updated.add(tally.add(metric, result));
    }
    AnalysisPhase phase = tally.phase();
    String message = phase == AnalysisPhase.Running ? "" : tally.worstMessage.strip();
    return new RunVerdict(
        phase, message, List.copyOf(updated), tally.run.summary(), tally.dryRun.summary());
  }

  /** Counters of one summary. */
  private static final class Counts {
    int count;
    int successful;
    int failed;
    int inconclusive;
    int error;

    void add(Optional<MetricAssessment.LimitBreach> breach) {
      switch (breach.map(MetricAssessment.LimitBreach::phase).orElse(AnalysisPhase.Successful)) {
        case Error -> error++;
        case Failed -> failed++;
        case Inconclusive -> inconclusive++;
        default -> successful++;
      }
    }

    RunSummary summary() {
      return new RunSummary(count, successful, failed, inconclusive, error);
    }
  }

  /** The walk over the metrics of Argo's {@code assessRunStatus}. */
  private static final class Tally {
    final boolean terminating;
    final Counts run = new Counts();
    final Counts dryRun = new Counts();
    boolean everythingCompleted = true;
    AnalysisPhase worst;
    String worstMessage = "";

    Tally(boolean terminating) {
      this.terminating = terminating;
    }

    void count(boolean isDryRun) {
      (isDryRun ? dryRun : run).count++;
    }

    /** One started metric: its new phase and message, and its share of the run's verdict. */
    MetricState add(MetricSettings metric, MetricState result) {
      count(metric.dryRun());
      MetricState r = result;
      AnalysisPhase status = MetricAssessment.assess(metric, r, terminating);
      if (status != r.phase()) {
        // Argo: on a transition the metric takes its last measurement's message.
        r = r.withPhase(status);
        if (r.last().isPresent()) {
          r = r.withMessage(r.last().get().message());
        }
      }
      if (!status.completed()) {
        everythingCompleted = false;
        return r;
      }
      Optional<MetricAssessment.LimitBreach> breach = MetricAssessment.limitBreach(metric, r);
      if (metric.dryRun()) {
        // A dry run never decides the run; it only says why it would have.
        if (worst == null) {
          worst = AnalysisPhase.Successful;
        }
        if (breach.isPresent()) {
          r =
              r.withMessage(
                  "Metric assessed %s due to %s".formatted(status, breach.get().message()));
        }
        dryRun.add(breach);
        return r;
      }
      if (worst == null || status.isWorseThan(worst)) {
        worst = status;
        if (breach.isPresent()) {
          worstMessage = worstMessage(metric.name(), status, breach.get().message(), r.message());
        }
      }
      run.add(breach);
      return r;
    }

    AnalysisPhase phase() {
      if (terminating) {
        return worst == null ? AnalysisPhase.Successful : worst;
      }
      if (!everythingCompleted || worst == null) {
        return AnalysisPhase.Running;
      }
      return worst;
    }
  }

  private static String worstMessage(
      String metric, AnalysisPhase status, String breach, String resultMessage) {
    String m = "Metric \"%s\" assessed %s due to %s".formatted(metric, status, breach);
    return resultMessage.isEmpty() ? m : m + ": \"Error Message: %s\"".formatted(resultMessage);
  }
}
