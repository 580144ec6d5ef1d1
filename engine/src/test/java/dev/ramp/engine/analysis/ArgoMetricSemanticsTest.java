package dev.ramp.engine.analysis;

import static dev.ramp.engine.analysis.AnalysisPhase.Error;
import static dev.ramp.engine.analysis.AnalysisPhase.Failed;
import static dev.ramp.engine.analysis.AnalysisPhase.Inconclusive;
import static dev.ramp.engine.analysis.AnalysisPhase.Pending;
import static dev.ramp.engine.analysis.AnalysisPhase.Running;
import static dev.ramp.engine.analysis.AnalysisPhase.Successful;
import static dev.ramp.engine.analysis.Rows.NOW;
import static dev.ramp.engine.analysis.Rows.c;
import static dev.ramp.engine.analysis.Rows.result;
import static dev.ramp.engine.analysis.Rows.row;
import static dev.ramp.engine.analysis.Rows.s;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A metric's phase, limits and counters with the cases of Argo Rollouts' {@code
 * analysis/analysis_test.go} and {@code utils/evaluate/evaluate_test.go} as the oracle; each row
 * names the Argo test it comes from.
 */
class ArgoMetricSemanticsTest {

  private static final MetricSettings M = MetricSettings.of("success-rate");
  private static final MetricSettings EVERY_60S = M.withInterval(s(60));
  private static final MetricSettings CSL_ONLY =
      EVERY_60S.withFailureLimit(-1).withConsecutiveSuccessLimit(3);
  private static final MetricSettings FL4_CSL4 =
      EVERY_60S.withFailureLimit(4).withConsecutiveSuccessLimit(4);

  static Stream<Arguments> assessMetricStatus() {
    String noM = "TestAssessMetricStatusNoMeasurements";
    String inFlight = "TestAssessMetricStatusInFlightMeasurement";
    String fl = "TestAssessMetricStatusFailureLimit";
    String csl = "TestAssessMetricStatusConsecutiveSuccessLimit";
    String both = "TestAssessMetricStatusFailureLimitAndConsecutiveSuccessLimit";
    String il = "TestAssessMetricStatusInconclusiveLimit";
    String ce = "TestAssessMetricStatusConsecutiveErrors";
    String cr = "TestAssessMetricStatusCountReached";
    // Argo's rows have count 10 and no interval, which its own ValidateMetric rejects; the
    // interval added here changes nothing once a count is set.
    MetricSettings count10 = EVERY_60S.withCount(10);
    String breach = "TestAssessMetricFailureInconclusiveOrError";
    MetricSettings fl2 = EVERY_60S.withFailureLimit(2);
    MetricSettings fl3 = EVERY_60S.withFailureLimit(3);
    int[] f3 = c(3, 0, 3, 0, 0, 0, 0);
    int[] csl3of7 = c(7, 4, 3, 0, 0, 0, 3);
    MetricSettings cslCount10 = FL4_CSL4.withCount(10);
    return Stream.of(
        row(
            noM,
            "no measurement: Pending",
            M,
            result(c(0, 0, 0, 0, 0, 0, 0), null),
            false,
            Pending),
        row(
            noM,
            "no measurement, terminating: Successful",
            M,
            result(c(0, 0, 0, 0, 0, 0, 0), null),
            true,
            Successful),
        row(inFlight, "in-flight last", M, result(c(1, 1, 0, 0, 0, 0, 1), Running), false, Running),
        row(
            inFlight,
            "in-flight last, terminating",
            M,
            result(c(1, 1, 0, 0, 0, 0, 1), Running),
            true,
            Running),
        row(fl, "failed 3 > failureLimit 2", fl2, result(f3, Failed), false, Failed),
        row(fl, "failed 3 > failureLimit 2, terminating", fl2, result(f3, Failed), true, Failed),
        row(fl, "failed 3 = failureLimit 3", fl3, result(f3, Failed), false, Running),
        row(
            fl,
            "failed 3 = failureLimit 3, terminating",
            fl3,
            result(f3, Failed),
            true,
            Successful),
        row(
            csl,
            "no count, consecutiveSuccess 3 = limit 3",
            CSL_ONLY,
            result(csl3of7, Failed),
            false,
            Successful),
        row(
            csl,
            "no count, limit 3 reached, terminating",
            CSL_ONLY,
            result(csl3of7, Failed),
            true,
            Successful),
        row(
            csl,
            "no count, 3 < limit 5",
            CSL_ONLY.withConsecutiveSuccessLimit(5),
            result(csl3of7, Failed),
            false,
            Running),
        row(
            csl,
            "no count, 3 < limit 5, terminating",
            CSL_ONLY.withConsecutiveSuccessLimit(5),
            result(csl3of7, Failed),
            true,
            Successful),
        row(
            csl,
            "count 7 reached, 3 < limit 5, failureLimit off",
            CSL_ONLY.withConsecutiveSuccessLimit(5).withCount(7),
            result(csl3of7, Failed),
            false,
            Failed),
        row(
            csl,
            "count 7 reached, 3 < limit 5, terminating",
            CSL_ONLY.withConsecutiveSuccessLimit(5).withCount(7),
            result(csl3of7, Failed),
            true,
            Failed),
        row(
            csl,
            "count 7 reached, 3 = limit 3",
            CSL_ONLY.withCount(7),
            result(csl3of7, Failed),
            false,
            Successful),
        row(
            csl,
            "count 9 not reached, 3 = limit 3",
            CSL_ONLY.withCount(9),
            result(csl3of7, Failed),
            true,
            Successful),
        row(
            csl,
            "count 9 not reached, 3 < limit 5",
            CSL_ONLY.withConsecutiveSuccessLimit(5).withCount(9),
            result(csl3of7, Failed),
            false,
            Running),
        row(
            csl,
            "count 9 not reached, 3 < limit 5, terminating",
            CSL_ONLY.withConsecutiveSuccessLimit(5).withCount(9),
            result(csl3of7, Failed),
            true,
            Successful),
        row(
            both,
            "no count, failures 3 <= 4, successes 3 < 4",
            FL4_CSL4,
            result(c(7, 4, 3, 0, 0, 0, 3), Failed),
            false,
            Running),
        row(
            both,
            "no count, not decided, terminating",
            FL4_CSL4,
            result(c(7, 4, 3, 0, 0, 0, 3), Failed),
            true,
            Successful),
        row(
            both,
            "no count, failures 5 > 4",
            FL4_CSL4,
            result(c(9, 9, 5, 0, 0, 0, 0), Failed),
            false,
            Failed),
        row(
            both,
            "no count, successes 4 reached",
            FL4_CSL4,
            result(c(8, 5, 3, 0, 0, 0, 4), Failed),
            false,
            Successful),
        row(
            both,
            "no count, failures 5 > 4 and successes 4: failure first",
            FL4_CSL4,
            result(c(10, 5, 5, 0, 0, 0, 4), Failed),
            true,
            Failed),
        row(
            both,
            "count 10 reached, neither limit: Inconclusive",
            cslCount10,
            result(c(10, 6, 4, 0, 0, 0, 3), Failed),
            false,
            Inconclusive),
        row(
            both,
            "count 10 reached, neither limit, terminating",
            cslCount10,
            result(c(10, 6, 4, 0, 0, 0, 3), Failed),
            true,
            Inconclusive),
        row(
            both,
            "count 10 reached, failures 5 > 4",
            cslCount10,
            result(c(10, 5, 5, 0, 0, 0, 3), Failed),
            false,
            Failed),
        row(
            both,
            "count 10 reached, successes 4 reached",
            cslCount10,
            result(c(10, 6, 4, 0, 0, 0, 4), Failed),
            false,
            Successful),
        row(
            both,
            "count 10 reached, both limits: failure first",
            cslCount10,
            result(c(10, 5, 5, 0, 0, 0, 4), Failed),
            false,
            Failed),
        row(
            both,
            "count 10 not reached, neither limit",
            cslCount10,
            result(c(8, 5, 3, 0, 0, 0, 3), Failed),
            false,
            Running),
        row(
            both,
            "count 10 not reached, neither limit, terminating",
            cslCount10,
            result(c(8, 5, 3, 0, 0, 0, 3), Failed),
            true,
            Successful),
        row(
            both,
            "count 10 not reached, failures 5 > 4",
            cslCount10,
            result(c(8, 3, 5, 0, 0, 0, 3), Failed),
            false,
            Failed),
        row(
            both,
            "count 10 not reached, successes 4 reached",
            cslCount10,
            result(c(8, 5, 3, 0, 0, 0, 4), Failed),
            false,
            Successful),
        row(
            both,
            "count 10 not reached, both limits: failure first",
            cslCount10,
            result(c(9, 4, 5, 0, 0, 0, 4), Failed),
            true,
            Failed),
        row(
            il,
            "inconclusive 3 > limit 2",
            EVERY_60S.withInconclusiveLimit(2),
            result(c(3, 0, 0, 3, 0, 0, 0), Inconclusive),
            false,
            Inconclusive),
        row(
            il,
            "inconclusive 3 > limit 2, terminating",
            EVERY_60S.withInconclusiveLimit(2),
            result(c(3, 0, 0, 3, 0, 0, 0), Inconclusive),
            true,
            Inconclusive),
        row(
            il,
            "inconclusive 3 = limit 3",
            EVERY_60S.withInconclusiveLimit(3),
            result(c(3, 0, 0, 3, 0, 0, 0), Inconclusive),
            false,
            Running),
        row(
            il,
            "inconclusive 3 = limit 3, terminating",
            EVERY_60S.withInconclusiveLimit(3),
            result(c(3, 0, 0, 3, 0, 0, 0), Inconclusive),
            true,
            Successful),
        row(
            ce,
            "consecutive errors 5 > default 4",
            EVERY_60S,
            result(c(5, 0, 0, 0, 0, 5, 0), Error),
            false,
            Error),
        row(
            ce,
            "consecutive errors 5 > default 4, terminating",
            EVERY_60S,
            result(c(5, 0, 0, 0, 0, 5, 0), Error),
            true,
            Error),
        row(
            ce,
            "consecutive errors 4 = default 4, terminating",
            EVERY_60S,
            result(c(5, 0, 0, 0, 0, 4, 0), Error),
            true,
            Successful),
        row(
            ce,
            "consecutive errors 4 = default 4",
            EVERY_60S,
            result(c(5, 0, 0, 0, 0, 4, 0), Error),
            false,
            Running),
        row(
            cr,
            "count 10 reached, all successful",
            count10,
            result(c(10, 10, 0, 0, 0, 0, 0), Successful),
            false,
            Successful),
        row(
            cr,
            "count 10 reached, 5 inconclusive > 0",
            count10,
            result(c(10, 5, 0, 5, 0, 0, 0), Successful),
            false,
            Inconclusive),
        row(
            breach,
            "default failureLimit 0",
            M,
            result(c(0, 0, 1, 0, 0, 0, 0), Failed),
            true,
            Failed),
        row(
            breach,
            "default inconclusiveLimit 0",
            M,
            result(c(0, 0, 0, 1, 0, 0, 0), Inconclusive),
            true,
            Inconclusive),
        row(
            breach,
            "default consecutiveErrorLimit 4",
            M,
            result(c(0, 0, 0, 0, 0, 5, 0), Error),
            true,
            Error),
        row(
            "assessMetricStatus",
            "a completed phase stays",
            M,
            result(Failed, c(1, 1, 0, 0, 0, 0, 1), Successful),
            false,
            Failed),
        row(
            "assessMetricStatus",
            "no count, no interval: one measurement",
            M,
            result(c(1, 1, 0, 0, 0, 0, 1), Successful),
            false,
            Successful),
        row(
            "assessMetricStatus",
            "interval alone: until terminated",
            EVERY_60S,
            result(c(40, 40, 0, 0, 0, 0, 40), Successful),
            false,
            Running),
        row(
            "assessMetricStatus",
            "an Error does not count toward count 1",
            M,
            result(c(0, 0, 0, 0, 1, 1, 0), Error),
            false,
            Running));
  }

  @ParameterizedTest
  @MethodSource
  void assessMetricStatus(
      String argo, MetricSettings metric, MetricState r, boolean terminating, AnalysisPhase want) {
    assertThat(metric.validate()).as("Argo's ValidateMetric accepts the row's metric").isEmpty();
    assertThat(MetricAssessment.assess(metric, r, terminating)).isEqualTo(want);
  }

  static Stream<Arguments> limitMessages() {
    String t = "TestAssessMetricFailureInconclusiveOrError";
    return Stream.of(
        row(
            t,
            "failed",
            result(c(0, 0, 1, 0, 0, 0, 0), Failed),
            Failed,
            "failed (1) > failureLimit (0)"),
        row(
            t,
            "inconclusive",
            result(c(0, 0, 0, 1, 0, 0, 0), Inconclusive),
            Inconclusive,
            "inconclusive (1) > inconclusiveLimit (0)"),
        row(
            t,
            "consecutive errors",
            result(c(0, 0, 0, 0, 5, 5, 0), Error),
            Error,
            "consecutiveErrors (5) > consecutiveErrorLimit (4)"),
        row(
            "assessMetricFailureInconclusiveOrError",
            "Argo's order: error over failed",
            result(c(1, 0, 1, 0, 5, 5, 0), Error),
            Error,
            "consecutiveErrors (5) > consecutiveErrorLimit (4)"),
        row(
            "assessMetricFailureInconclusiveOrError",
            "Argo's order: inconclusive over failed",
            result(c(2, 0, 1, 1, 0, 0, 0), Inconclusive),
            Inconclusive,
            "inconclusive (1) > inconclusiveLimit (0)"));
  }

  @ParameterizedTest
  @MethodSource
  void limitMessages(String argo, MetricState r, AnalysisPhase phase, String message) {
    assertThat(MetricAssessment.limitBreach(M, r))
        .contains(new MetricAssessment.LimitBreach(phase, message));
  }

  static Stream<Arguments> recordCounters() {
    String t = "TestRunMeasurementsResetConsecutiveErrorCounter";
    int[] before = c(4, 0, 0, 0, 4, 4, 0);
    return Stream.of(
        row(t, "Error: not counted, consecutive 5", before, Error, c(4, 0, 0, 0, 5, 5, 0)),
        row(t, "Successful resets errors", before, Successful, c(5, 1, 0, 0, 4, 0, 1)),
        row(t, "Failed resets errors", before, Failed, c(5, 0, 1, 0, 4, 0, 0)),
        row(t, "Inconclusive resets errors", before, Inconclusive, c(5, 0, 0, 1, 4, 0, 0)),
        row(
            "runMeasurements",
            "Error resets successes",
            c(3, 3, 0, 0, 0, 0, 3),
            Error,
            c(3, 3, 0, 0, 1, 1, 0)),
        row(
            "runMeasurements",
            "Successful adds to successes",
            c(3, 3, 0, 0, 0, 0, 3),
            Successful,
            c(4, 4, 0, 0, 0, 0, 4)));
  }

  @ParameterizedTest
  @MethodSource
  void recordCounters(String argo, int[] before, AnalysisPhase phase, int[] after) {
    MetricState r =
        MetricAssessment.record(
            result(before, Successful),
            new MeasurementRecord(phase, "1", "", NOW, null, null, null),
            NOW);
    assertThat(
            new int[] {
              r.count(),
              r.successful(),
              r.failed(),
              r.inconclusive(),
              r.error(),
              r.consecutiveError(),
              r.consecutiveSuccess()
            })
        .containsExactly(after);
    assertThat(r.measurements()).hasSize(2);
    assertThat(r.last().orElseThrow().finishedAt())
        .as("finishedAt set when missing")
        .isEqualTo(NOW);
  }

  static Stream<Arguments> evaluateResult() {
    return Stream.of(
        row(
            "TestEvaluateResultWithSuccess",
            "true / false",
            true,
            false,
            MeasurementVerdict.SUCCESSFUL),
        row(
            "TestEvaluateResultWithFailure",
            "true / true: failure wins",
            true,
            true,
            MeasurementVerdict.FAILED),
        row(
            "TestEvaluateResultInconclusive",
            "false / false",
            false,
            false,
            MeasurementVerdict.INCONCLUSIVE),
        row(
            "TestEvaluateResultNoSuccessConditionAndNotFailing",
            "- / false",
            null,
            false,
            MeasurementVerdict.SUCCESSFUL),
        row("EvaluateResult", "- / true", null, true, MeasurementVerdict.FAILED),
        row(
            "TestEvaluateResultNoFailureConditionAndNotSuccessful",
            "false / -",
            false,
            null,
            MeasurementVerdict.FAILED),
        row("EvaluateResult", "true / -", true, null, MeasurementVerdict.SUCCESSFUL),
        row(
            "TestEvaluateResultNoFailureConditionAndNoSuccessCondition",
            "- / -",
            null,
            null,
            MeasurementVerdict.SUCCESSFUL));
  }

  @ParameterizedTest
  @MethodSource
  void evaluateResult(String argo, Boolean success, Boolean failure, MeasurementVerdict want) {
    assertThat(MeasurementVerdict.of(success, failure)).isEqualTo(want);
  }

  static Stream<Arguments> validateMetric() {
    String v = "ValidateMetric";
    return Stream.of(
        row(v, "defaults are valid", M, null),
        row(
            v,
            "failureLimit -1 alone",
            M.withFailureLimit(-1),
            "failureLimit and consecutiveSuccessLimit cannot both be disabled"),
        row(v, "failureLimit -1 with consecutiveSuccessLimit", CSL_ONLY, null),
        row(
            v,
            "failureLimit below -1",
            M.withFailureLimit(-2),
            "failureLimit must be >= 0, or -1 to be disabled"),
        row(
            v,
            "count > 1 without interval",
            M.withCount(3),
            "interval must be specified when count > 1"),
        row(
            v,
            "count below both limits",
            FL4_CSL4.withCount(7),
            "count (7) must be >= failureLimit + consecutiveSuccessLimit (4 + 4) if both >= 0"),
        row(
            v,
            "count below inconclusiveLimit",
            EVERY_60S.withCount(2).withInconclusiveLimit(3),
            "count must be >= inconclusiveLimit"));
  }

  @ParameterizedTest
  @MethodSource
  void validateMetric(String argo, MetricSettings metric, String message) {
    assertThat(metric.validate().orElse(null)).isEqualTo(message);
  }
}
