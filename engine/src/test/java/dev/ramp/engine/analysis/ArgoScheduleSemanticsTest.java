package dev.ramp.engine.analysis;

import static dev.ramp.engine.analysis.AnalysisPhase.Error;
import static dev.ramp.engine.analysis.AnalysisPhase.Failed;
import static dev.ramp.engine.analysis.AnalysisPhase.Successful;
import static dev.ramp.engine.analysis.MeasurementSchedule.Action.MEASURE;
import static dev.ramp.engine.analysis.MeasurementSchedule.Action.NONE;
import static dev.ramp.engine.analysis.MeasurementSchedule.Action.RESUME;
import static dev.ramp.engine.analysis.MeasurementSchedule.Action.TERMINATE;
import static dev.ramp.engine.analysis.Rows.NOW;
import static dev.ramp.engine.analysis.Rows.at;
import static dev.ramp.engine.analysis.Rows.row;
import static dev.ramp.engine.analysis.Rows.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * When a metric measures (count, interval, initialDelay, resumeAt, the 10 s error retry) and how
 * many measurements it keeps, with the cases of Argo Rollouts' {@code analysis/analysis_test.go} as
 * the oracle, at the fixed instant {@link Rows#NOW}.
 */
class ArgoScheduleSemanticsTest {

  private static final MetricSettings M = MetricSettings.of("success-rate");
  private static final MetricSettings EVERY_60S = M.withInterval(s(60));

  /** A Running result whose only measurement is {@code m}, with {@code count} counted. */
  private static MetricState with(MeasurementRecord m, int count) {
    return MetricState.start("success-rate", false)
        .withMeasurements(List.of(m))
        .withCounters(count, count, 0, 0, 0, 0, 0);
  }

  private static MeasurementRecord done(AnalysisPhase phase, long secondsFromNow) {
    return MeasurementRecord.finished(phase, "99", at(secondsFromNow));
  }

  static Stream<Arguments> generateMetricTasks() {
    MetricState none = null;
    MetricState errored =
        MetricState.start("success-rate", false)
            .withMeasurements(List.of(done(Error, -120)))
            .withCounters(0, 0, 0, 0, 1, 1, 0);
    MeasurementRecord unfinished =
        new MeasurementRecord(Successful, "99", "", at(-50), null, null, null);
    MetricSettings delay20 = M.withInitialDelay(s(20));
    return Stream.of(
        row(
            "TestGenerateMetricTasksInterval",
            "within the interval",
            EVERY_60S,
            with(done(Successful, -50), 1),
            null,
            false,
            NONE),
        row(
            "TestGenerateMetricTasksInterval",
            "past the interval",
            EVERY_60S,
            with(done(Successful, -61), 1),
            null,
            false,
            MEASURE),
        row(
            "MeasurementSchedule",
            "exactly at the interval (Ramp: due)",
            EVERY_60S,
            with(done(Successful, -60), 1),
            null,
            false,
            MEASURE),
        row(
            "TestGenerateMetricTasksFailing",
            "the metric already Failed",
            M,
            MetricState.start("latency", false).withPhase(Failed),
            null,
            false,
            NONE),
        row(
            "TestGenerateMetricTasksFailing",
            "a sibling Failed: terminating, no new one",
            M,
            none,
            null,
            true,
            NONE),
        row(
            "TestGenerateMetricTasksFailing",
            "nothing failed: first measurement",
            M,
            none,
            null,
            false,
            MEASURE),
        row(
            "TestGenerateMetricTasksNoIntervalOrCount",
            "count 1 reached",
            M,
            with(done(Successful, -50), 1),
            null,
            false,
            NONE),
        row(
            "TestGenerateMetricTasksNoIntervalOrCount",
            "none taken yet",
            M,
            MetricState.start("success-rate", false),
            null,
            false,
            MEASURE),
        row(
            "TestGenerateMetricTasksIncomplete",
            "no finishedAt: resume",
            M,
            with(unfinished, 0),
            null,
            false,
            RESUME),
        row(
            "TestGenerateMetricTasksHonorInitialDelay",
            "run not started",
            delay20,
            none,
            null,
            false,
            NONE),
        row(
            "TestGenerateMetricTasksHonorInitialDelay",
            "started 10 s ago of 20 s",
            delay20,
            none,
            at(-10),
            false,
            NONE),
        row(
            "TestGenerateMetricTasksHonorInitialDelay",
            "started 20 s ago of 20 s",
            delay20,
            none,
            at(-20),
            false,
            MEASURE),
        row(
            "TestGenerateMetricTasksHonorResumeAt",
            "resumeAt in 10 s",
            M,
            with(MeasurementRecord.running(at(-50), at(10)), 0),
            null,
            false,
            NONE),
        row(
            "TestGenerateMetricTasksHonorResumeAt",
            "resumeAt 10 s ago",
            M,
            with(MeasurementRecord.running(at(-50), at(-10)), 0),
            null,
            false,
            RESUME),
        row(
            "generateMetricTasks",
            "resumeAt ignored when terminating",
            M,
            with(MeasurementRecord.running(at(-50), at(10)), 0),
            null,
            true,
            TERMINATE),
        row(
            "TestReconcileAnalysisRunTerminateSiblingAfterFail",
            "in flight, terminating",
            M,
            with(MeasurementRecord.running(at(-60), null), 0),
            null,
            true,
            TERMINATE),
        row(
            "TestGenerateMetricTasksError",
            "Error 120 s ago, no interval",
            M,
            errored,
            null,
            false,
            MEASURE),
        row(
            "TestGenerateMetricTasksError",
            "Error 120 s ago, interval 5m: 10 s retry",
            M.withInterval(s(300)),
            errored,
            null,
            false,
            MEASURE),
        row(
            "DefaultErrorRetryInterval",
            "Error 9 s ago: not yet",
            M.withInterval(s(300)),
            errored.withMeasurements(List.of(done(Error, -9))),
            null,
            false,
            NONE),
        row(
            "DefaultErrorRetryInterval",
            "Error 10 s ago: retry",
            M.withInterval(s(300)),
            errored.withMeasurements(List.of(done(Error, -10))),
            null,
            false,
            MEASURE),
        row(
            "generateMetricTasks",
            "interval alone: 40th measurement due",
            EVERY_60S,
            with(done(Successful, -60), 39),
            null,
            false,
            MEASURE),
        row(
            "generateMetricTasks",
            "count 3 reached with an interval",
            EVERY_60S.withCount(3),
            with(done(Successful, -600), 3),
            null,
            false,
            NONE));
  }

  @ParameterizedTest
  @MethodSource
  void generateMetricTasks(
      String argo,
      MetricSettings metric,
      MetricState state,
      Instant runStartedAt,
      boolean terminating,
      MeasurementSchedule.Action want) {
    assertThat(MeasurementSchedule.due(metric, state, runStartedAt, terminating, NOW))
        .isEqualTo(want);
  }

  static Stream<Arguments> calculateNextReconcileTime() {
    MetricState errorNow =
        MetricState.start("success-rate", false)
            .withMeasurements(List.of(done(Error, 0)))
            .withCounters(0, 0, 0, 0, 1, 1, 0);
    return Stream.of(
        row(
            "TestCalculateNextReconcileTimeInterval",
            "interval 60 s, finished 30 s ago",
            EVERY_60S,
            with(done(Successful, -30), 1),
            null,
            at(30)),
        row(
            "TestCalculateNextReconcileTimeInterval",
            "in flight without resumeAt",
            EVERY_60S,
            with(MeasurementRecord.running(at(-30), null), 0),
            null,
            null),
        row(
            "TestCalculateNextReconcileTimeInterval",
            "completed metric",
            EVERY_60S,
            with(done(Successful, -120), 1).withPhase(Successful),
            null,
            null),
        row(
            "TestCalculateNextReconcileTimeInitialDelay",
            "started 30 s ago, delay 40 s",
            EVERY_60S.withInitialDelay(s(40)),
            null,
            at(-30),
            at(10)),
        row(
            "calculateNextReconcileTime",
            "delay 40 s, run not started: from now",
            EVERY_60S.withInitialDelay(s(40)),
            null,
            null,
            at(40)),
        row(
            "TestCalculateNextReconcileTimeNoInterval",
            "count 1 done",
            M.withCount(1),
            with(done(Successful, 0), 1).withPhase(Successful),
            null,
            null),
        row(
            "calculateNextReconcileTime",
            "count 1 reached, phase not yet updated",
            M.withCount(1),
            with(done(Successful, 0), 1),
            null,
            null),
        row(
            "TestCalculateNextReconcileHonorResumeAt",
            "resumeAt in 10 s",
            EVERY_60S,
            with(MeasurementRecord.running(at(-30), at(10)), 0),
            null,
            at(10)),
        row(
            "TestCalculateNextReconcileUponError",
            "Error now, no interval",
            M,
            errorNow,
            null,
            at(10)),
        row(
            "TestCalculateNextReconcileUponError",
            "Error now, interval 5m",
            M.withInterval(s(300)),
            errorNow,
            null,
            at(10)));
  }

  @ParameterizedTest
  @MethodSource
  void calculateNextReconcileTime(
      String argo, MetricSettings metric, MetricState state, Instant startedAt, Instant want) {
    assertThat(MeasurementSchedule.wakeAt(metric, state, startedAt, NOW))
        .isEqualTo(Optional.ofNullable(want));
  }

  @Test
  void calculateNextReconcileEarliestMetric() {
    // TestCalculateNextReconcileEarliestMetric: 60 s intervals finished 30 s and 50 s ago.
    Optional<Instant> a =
        MeasurementSchedule.wakeAt(EVERY_60S, with(done(Successful, -30), 1), null, NOW);
    Optional<Instant> b =
        MeasurementSchedule.wakeAt(EVERY_60S, with(done(Successful, -50), 1), null, NOW);
    assertThat(MeasurementSchedule.earliest(List.of(a, b, Optional.empty()))).contains(at(10));
    // TestCalculateNextReconcileTimeInitialDelay: the start delay (10 s) before the interval.
    Optional<Instant> delayed =
        MeasurementSchedule.wakeAt(EVERY_60S.withInitialDelay(s(40)), null, at(-30), NOW);
    assertThat(MeasurementSchedule.earliest(List.of(a, delayed))).contains(at(10));
  }

  /** TestTrimMeasurementHistory's run: metric1 with 1 measurement, metric2 with 2 ("2", "3"). */
  static Stream<Arguments> garbageCollectMeasurements() {
    String t = "TestTrimMeasurementHistory";
    return Stream.of(
        row(t, "limit 2: both kept", 2, 0, List.of("1"), null, List.of("2", "3")),
        row(t, "limit 1: metric2 keeps the newest", 1, 0, List.of("1"), 1, List.of("3")),
        row(t, "limit 1, metric2's retention 2", 1, 2, List.of("1"), null, List.of("2", "3")),
        row(
            "DefaultMeasurementHistoryLimit",
            "12 measurements: the last 10",
            0,
            0,
            List.of("1"),
            10,
            values(3, 12)),
        row(
            "GetMeasurementRetentionMetrics",
            "retention 0 means the default",
            0,
            0,
            List.of("1"),
            10,
            values(3, 12)));
  }

  @ParameterizedTest
  @MethodSource
  void garbageCollectMeasurements(
      String argo,
      int runLimit,
      int metric2Retention,
      List<String> metric1Kept,
      Integer gcLimit,
      List<String> metric2Kept) {
    // Argo passes the run-wide limit (10 in production) which a retention rule above 0 replaces.
    int limit2 = metric2Retention > 0 ? metric2Retention : runLimit;
    List<String> metric2 = metric2Kept.size() > 2 ? values(1, 12) : List.of("2", "3");
    MetricSettings m1 = M.withRetentionLimit(runLimit);
    MetricSettings m2 = M.withRetentionLimit(limit2);
    MetricState s1 = measured(List.of("1"));
    MetricState s2 = measured(metric2);
    assertThat(MeasurementRetention.garbageCollectLimit(m1, s1)).isEmpty();
    var gc = MeasurementRetention.garbageCollectLimit(m2, s2);
    assertThat(gc.isPresent() ? gc.getAsInt() : null)
        .as("GarbageCollect's limit")
        .isEqualTo(gcLimit);
    MetricState trimmed = gc.isPresent() ? MeasurementRetention.trim(s2, gc.getAsInt()) : s2;
    assertThat(values(MeasurementRetention.trim(s1, m1.effectiveRetentionLimit())))
        .isEqualTo(metric1Kept);
    assertThat(values(trimmed)).isEqualTo(metric2Kept);
  }

  @Test
  void dryRunAndRetentionRulesMatchMetricNames() {
    List<String> names = List.of("success-rate", "latency");
    assertThat(MetricRules.dryRunMetrics(List.of(".*"), names))
        .containsExactly(names.toArray(String[]::new));
    assertThat(MetricRules.dryRunMetrics(List.of("rate"), names)).containsExactly("success-rate");
    // TestInvalidDryRunConfigThrowsError, TestInvalidMeasurementsRetentionConfigThrowsError
    assertThatThrownBy(() -> MetricRules.dryRunMetrics(List.of("error-rate"), names))
        .hasMessage("dryRun[0]: Rule didn't match any metric name(s)");
    assertThatThrownBy(
            () ->
                MetricRules.retentionLimits(
                    List.of(new MetricRules.RetentionRule("error-rate", 0)), names))
        .hasMessage("measurementRetention[0]: Rule didn't match any metric name(s)");
    assertThat(
            MetricRules.retentionLimits(
                List.of(
                    new MetricRules.RetentionRule(".*", 5),
                    new MetricRules.RetentionRule("latency", 20)),
                names))
        .isEqualTo(Map.of("success-rate", 5, "latency", 20));
  }

  private static List<String> values(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).toList();
  }

  private static List<String> values(MetricState s) {
    return s.measurements().stream().map(MeasurementRecord::value).toList();
  }

  private static MetricState measured(List<String> values) {
    List<MeasurementRecord> ms = new ArrayList<>();
    for (String v : values) {
      ms.add(MeasurementRecord.finished(Successful, v, NOW));
    }
    return MetricState.start("m", false).withMeasurements(ms);
  }
}
