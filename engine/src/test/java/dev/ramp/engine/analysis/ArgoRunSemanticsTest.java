package dev.ramp.engine.analysis;

import static dev.ramp.engine.analysis.AnalysisPhase.Error;
import static dev.ramp.engine.analysis.AnalysisPhase.Failed;
import static dev.ramp.engine.analysis.AnalysisPhase.Inconclusive;
import static dev.ramp.engine.analysis.AnalysisPhase.Running;
import static dev.ramp.engine.analysis.AnalysisPhase.Successful;
import static dev.ramp.engine.analysis.Rows.at;
import static dev.ramp.engine.analysis.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.analysis.RunAssessment.RunSummary;
import dev.ramp.engine.analysis.RunAssessment.RunVerdict;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The run's phase, message and summaries, early termination and dry runs, with the cases of Argo
 * Rollouts' {@code analysis/analysis_test.go} as the oracle.
 */
class ArgoRunSemanticsTest {

  private static final String FAIL_MSG =
      "Metric \"failed-metric\" assessed Failed due to failed (1) > failureLimit (0)";
  private static final String RUN_FOREVER_MSG =
      "Metric \"run-forever\" assessed Failed due to failed (1) > failureLimit (0)";
  private static final RunSummary NONE = RunSummary.EMPTY;

  private static MetricState metric(String name, AnalysisPhase phase) {
    return MetricState.start(name, false).withPhase(phase);
  }

  private static List<MetricSettings> settings(boolean dryRun, String... names) {
    return Stream.of(names).map(n -> MetricSettings.of(n).withDryRun(dryRun)).toList();
  }

  /**
   * Argo's {@code newTerminatingRun}: "run-forever" with an in-flight measurement, "failed-metric"
   * completed with {@code status} and one measurement of it.
   */
  private static List<MetricState> terminatingRun(AnalysisPhase status, boolean dryRun) {
    MetricState forever =
        MetricState.start("run-forever", dryRun)
            .withMeasurements(List.of(MeasurementRecord.running(at(-60), null)));
    int failed = status == Failed ? 1 : 0;
    int inconclusive = status == Inconclusive ? 1 : 0;
    int error = status == Error ? 1 : 0;
    MetricState failedMetric =
        MetricState.start("failed-metric", dryRun)
            .withPhase(status)
            .withMeasurements(List.of(MeasurementRecord.finished(status, "", at(-60))))
            .withCounters(1, 0, failed, inconclusive, error, error, 0);
    return List.of(forever, failedMetric);
  }

  private static List<MetricState> foreverAs(
      List<MetricState> run, AnalysisPhase phase, int failed, String failedMessage) {
    MetricState forever = run.get(0).withPhase(phase);
    if (failed > 0) {
      forever = forever.withCounters(0, 0, failed, 0, 0, 0, 0);
    }
    return List.of(forever, run.get(1).withMessage(failedMessage));
  }

  static Stream<Arguments> assessRunStatus() {
    List<MetricSettings> two = settings(false, "latency", "success-rate");
    List<MetricSettings> pair = settings(false, "run-forever", "failed-metric");
    List<MetricSettings> dryPair = settings(true, "run-forever", "failed-metric");
    List<MetricState> failedRun = terminatingRun(Failed, false);
    List<MetricState> dryFailedRun = terminatingRun(Failed, true);
    return Stream.of(
        row(
            "TestAssessRunStatus",
            "one metric still running",
            two,
            List.of(metric("latency", Successful), metric("success-rate", Running)),
            false,
            Running,
            "",
            null,
            null),
        row(
            "TestAssessRunStatus",
            "the worst completed metric",
            two,
            List.of(metric("latency", Successful), metric("success-rate", Failed)),
            false,
            Failed,
            "",
            new RunSummary(2, 2, 0, 0, 0),
            NONE),
        row(
            "TestAssessRunStatusErrorMessageAnalysisPhaseFail",
            "message of the failed metric",
            pair,
            foreverAs(failedRun, Successful, 0, ""),
            false,
            Failed,
            FAIL_MSG,
            new RunSummary(2, 1, 1, 0, 0),
            NONE),
        row(
            "TestAssessRunStatusErrorMessageAnalysisPhaseFailInDryRunMode",
            "dry runs decide nothing",
            dryPair,
            foreverAs(dryFailedRun, Successful, 0, ""),
            false,
            Successful,
            "",
            NONE,
            new RunSummary(2, 1, 1, 0, 0)),
        row(
            "TestAssessRunStatusErrorMessageFromProvider",
            "the provider's message appended",
            pair,
            foreverAs(failedRun, Successful, 0, "Provider Error"),
            false,
            Failed,
            FAIL_MSG + ": \"Error Message: Provider Error\"",
            new RunSummary(2, 1, 1, 0, 0),
            NONE),
        row(
            "TestAssessRunStatusErrorMessageFromProviderInDryRunMode",
            "no message",
            dryPair,
            foreverAs(dryFailedRun, Successful, 0, "Provider Error"),
            false,
            Successful,
            "",
            NONE,
            new RunSummary(2, 1, 1, 0, 0)),
        row(
            "TestAssessRunStatusMultipleFailures",
            "the first failed metric's message",
            pair,
            foreverAs(failedRun, Failed, 1, ""),
            false,
            Failed,
            RUN_FOREVER_MSG,
            new RunSummary(2, 0, 2, 0, 0),
            NONE),
        row(
            "TestAssessRunStatusMultipleFailuresInDryRunMode",
            "dry-run summary",
            dryPair,
            foreverAs(dryFailedRun, Failed, 1, ""),
            false,
            Successful,
            "",
            NONE,
            new RunSummary(2, 0, 2, 0, 0)),
        row(
            "TestAssessRunStatusWorstMessageInReconcileAnalysisRun",
            "terminating, worst message",
            pair,
            foreverAs(failedRun, Failed, 1, ""),
            false,
            Failed,
            RUN_FOREVER_MSG,
            new RunSummary(2, 0, 2, 0, 0),
            NONE),
        row(
            "TestAssessRunStatusWithOnlyDryRunMetrics",
            "only dry runs: Successful",
            settings(true, "success-metric"),
            List.of(
                MetricState.start("success-metric", true)
                    .withPhase(Successful)
                    .withCounters(1, 1, 0, 0, 0, 0, 1)),
            false,
            Successful,
            "",
            NONE,
            new RunSummary(1, 1, 0, 0, 0)),
        row(
            "TestTerminateAnalysisRun",
            "terminated before any measurement",
            settings(false, "success-rate"),
            List.of(),
            true,
            Successful,
            "Run Terminated",
            new RunSummary(1, 0, 0, 0, 0),
            NONE),
        row(
            "TestTerminateAnalysisRunInDryRunMode",
            "terminated, dry-run metric",
            settings(true, "success-rate"),
            List.of(),
            true,
            Successful,
            "Run Terminated",
            NONE,
            new RunSummary(1, 0, 0, 0, 0)),
        row(
            "assessRunStatus",
            "no metric started yet",
            two,
            List.of(),
            false,
            Running,
            "",
            null,
            null),
        row(
            "assessRunStatus",
            "Error is worse than Inconclusive",
            two,
            List.of(metric("latency", Inconclusive), metric("success-rate", Error)),
            false,
            Error,
            "",
            null,
            null),
        row(
            "IsWorse",
            "Failed is worse than Error",
            two,
            List.of(metric("latency", Failed), metric("success-rate", Error)),
            false,
            Failed,
            "",
            null,
            null));
  }

  @ParameterizedTest
  @MethodSource
  void assessRunStatus(
      String argo,
      List<MetricSettings> metrics,
      List<MetricState> results,
      boolean terminate,
      AnalysisPhase phase,
      String message,
      RunSummary run,
      RunSummary dryRun) {
    RunVerdict v = RunAssessment.assess(metrics, results, terminate);
    assertThat(v.phase()).isEqualTo(phase);
    assertThat(v.message()).isEqualTo(message);
    if (run != null) {
      assertThat(v.runSummary()).isEqualTo(run);
      assertThat(v.dryRunSummary()).isEqualTo(dryRun);
    }
  }
}
