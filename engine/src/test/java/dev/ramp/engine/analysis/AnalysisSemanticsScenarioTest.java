package dev.ramp.engine.analysis;

import static dev.ramp.engine.analysis.AnalysisPhase.Error;
import static dev.ramp.engine.analysis.AnalysisPhase.Failed;
import static dev.ramp.engine.analysis.AnalysisPhase.Inconclusive;
import static dev.ramp.engine.analysis.AnalysisPhase.Running;
import static dev.ramp.engine.analysis.AnalysisPhase.Successful;
import static dev.ramp.engine.analysis.Rows.s;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Whole runs driven by the semantics alone, the way the controller will drive them, on an injected
 * clock that jumps to each requeue time: a scripted provider answers, {@link MetricAssessment}
 * records, {@link RunAssessment} decides, {@link MeasurementRetention} trims, {@link
 * MeasurementSchedule} says what is due and when to come back.
 */
class AnalysisSemanticsScenarioTest {

  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

  /** A run under test: its metrics, each one's scripted answers, and what happened. */
  private static final class Run {
    final List<MetricSettings> metrics;
    final Map<String, Deque<AnalysisPhase>> answers = new LinkedHashMap<>();
    final Map<String, MetricState> results = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    final Instant startedAt = T0;
    boolean terminate;
    Instant now = T0;
    RunAssessment.RunVerdict verdict;

    Run(MetricSettings... metrics) {
      this.metrics = List.of(metrics);
    }

    Run answers(String metric, AnalysisPhase... phases) {
      answers.put(metric, new ArrayDeque<>(List.of(phases)));
      return this;
    }

    /** The provider: the next scripted phase; Running means "resume me in 5 s". */
    MeasurementRecord provide(String metric, Instant at) {
      Deque<AnalysisPhase> script = answers.getOrDefault(metric, new ArrayDeque<>());
      AnalysisPhase p = script.isEmpty() ? Successful : script.pop();
      return p == Running
          ? MeasurementRecord.running(at, at.plusSeconds(5))
          : MeasurementRecord.finished(
              p, Long.toString(at.getEpochSecond() - T0.getEpochSecond()), at);
    }

    /** One reconcile at {@code now}; returns when to come back, if ever. */
    Optional<Instant> reconcile() {
      boolean terminating = RunAssessment.terminating(terminate, results.values());
      for (MetricSettings m : metrics) {
        MetricState r = results.get(m.name());
        MeasurementSchedule.Action a = MeasurementSchedule.due(m, r, startedAt, terminating, now);
        if (a == MeasurementSchedule.Action.NONE) {
          continue;
        }
        calls.add(m.name() + " " + a + " @" + Duration.between(T0, now).toSeconds());
        MeasurementRecord got =
            a == MeasurementSchedule.Action.TERMINATE
                ? MetricAssessment.terminated(MeasurementRecord.finished(Inconclusive, "", now))
                : provide(m.name(), now);
        MetricState base = r != null ? r : MetricState.start(m.name(), m.dryRun());
        results.put(m.name(), MetricAssessment.record(base, got, now));
      }
      verdict = RunAssessment.assess(metrics, List.copyOf(results.values()), terminate);
      verdict.metrics().forEach(r -> results.put(r.name(), r));
      for (MetricSettings m : metrics) {
        MetricState r = results.get(m.name());
        if (r != null) {
          var gc = MeasurementRetention.garbageCollectLimit(m, r);
          if (gc.isPresent()) {
            calls.add(m.name() + " GarbageCollect(" + gc.getAsInt() + ")");
            results.put(m.name(), MeasurementRetention.trim(r, gc.getAsInt()));
          }
        }
      }
      if (verdict.phase().completed()) {
        return Optional.empty();
      }
      List<Optional<Instant>> wakes = new ArrayList<>();
      for (MetricSettings m : metrics) {
        wakes.add(MeasurementSchedule.wakeAt(m, results.get(m.name()), startedAt, now));
      }
      return MeasurementSchedule.earliest(wakes);
    }

    /** Reconciles at each requeue time until the run completes or nothing is due. */
    Run runToEnd() {
      for (int i = 0; i < 200; i++) {
        Optional<Instant> next = reconcile();
        if (next.isEmpty()) {
          return this;
        }
        now = next.get().isAfter(now) ? next.get() : now;
      }
      throw new AssertionError("no end after 200 reconciles: " + calls);
    }
  }

  @Test
  void countWithIntervalRetriesAnErrorAfterTenSecondsAndDoesNotCountIt() {
    Run run =
        new Run(MetricSettings.of("m").withCount(3).withInterval(s(60)))
            .answers("m", Successful, Error, Successful, Successful)
            .runToEnd();
    assertThat(run.calls)
        .containsExactly("m MEASURE @0", "m MEASURE @60", "m MEASURE @70", "m MEASURE @130");
    MetricState m = run.results.get("m");
    assertThat(m.count()).isEqualTo(3);
    assertThat(m.error()).isEqualTo(1);
    assertThat(run.verdict.phase()).isEqualTo(Successful);
  }

  @Test
  void initialDelayCountsFromTheRunsStartAndNoCountNoIntervalMeasuresOnce() {
    Run run = new Run(MetricSettings.of("m").withInitialDelay(s(30))).runToEnd();
    assertThat(run.calls).containsExactly("m MEASURE @30");
    assertThat(run.verdict.phase()).isEqualTo(Successful);
  }

  @Test
  void fiveErrorsInARowAreAnErrorAfterTheDefaultLimitOfFour() {
    Run run =
        new Run(MetricSettings.of("m")).answers("m", Error, Error, Error, Error, Error).runToEnd();
    assertThat(run.calls)
        .containsExactly(
            "m MEASURE @0", "m MEASURE @10", "m MEASURE @20", "m MEASURE @30", "m MEASURE @40");
    assertThat(run.verdict.phase()).isEqualTo(Error);
    assertThat(run.verdict.message())
        .isEqualTo(
            "Metric \"m\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4)");
  }

  @Test
  void intervalAloneMeasuresUntilTerminatedAndKeepsTheLastTen() {
    Run run = new Run(MetricSettings.of("m").withInterval(s(60)));
    for (int i = 0; i < 12; i++) {
      assertThat(run.reconcile()).contains(run.now.plusSeconds(60));
      run.now = run.now.plusSeconds(60);
    }
    assertThat(run.verdict.phase()).isEqualTo(Running);
    assertThat(run.calls).contains("m GarbageCollect(10)");
    assertThat(run.results.get("m").measurements()).hasSize(10);
    assertThat(run.results.get("m").measurements().get(0).value()).isEqualTo("120");
    assertThat(run.results.get("m").count()).isEqualTo(12);
    run.terminate = true;
    assertThat(run.reconcile()).isEmpty();
    assertThat(run.verdict.phase()).isEqualTo(Successful);
    assertThat(run.verdict.message()).isEqualTo("Run Terminated");
  }

  @Test
  void measurementRetentionOverridesTheDefault() {
    Run run = new Run(MetricSettings.of("m").withInterval(s(1)).withRetentionLimit(3));
    for (int i = 0; i < 5; i++) {
      run.reconcile();
      run.now = run.now.plusSeconds(1);
    }
    assertThat(run.results.get("m").measurements())
        .extracting(MeasurementRecord::value)
        .containsExactly("2", "3", "4");
  }

  /**
   * TestAssessRunStatusUpdateResult, then TestReconcileAnalysisRunTerminateSiblingAfterFail: the
   * failing metric is Failed at once, the run only on the next reconcile, which terminates the
   * sibling's in-flight measurement ("Metric Terminated", Inconclusive).
   */
  @Test
  void aFailingMetricTerminatesTheRunAndItsSiblingsInFlightMeasurement() {
    Run run =
        new Run(MetricSettings.of("sleep-infinity"), MetricSettings.of("fail-after-30"))
            .answers("sleep-infinity", Running, Running, Running)
            .answers("fail-after-30", Failed);
    run.reconcile();
    assertThat(run.results.get("fail-after-30").phase()).isEqualTo(Failed);
    assertThat(run.verdict.phase()).isEqualTo(Running);
    run.now = run.now.plusSeconds(5);
    run.reconcile();
    MetricState sibling = run.results.get("sleep-infinity");
    assertThat(run.calls).contains("sleep-infinity TERMINATE @5");
    assertThat(sibling.phase()).isEqualTo(Inconclusive);
    assertThat(sibling.message()).isEqualTo("Metric Terminated");
    assertThat(run.verdict.phase()).isEqualTo(Failed);
  }

  /** TestReconcileAnalysisRunResumeInProgress: resumed at resumeAt, then Successful. */
  @Test
  void anInFlightMeasurementResumesAtItsResumeAt() {
    Run run = new Run(MetricSettings.of("test")).answers("test", Running, Successful).runToEnd();
    assertThat(run.calls).containsExactly("test MEASURE @0", "test RESUME @5");
    assertThat(run.verdict.phase()).isEqualTo(Successful);
  }

  /**
   * TestAssessRunStatusWithMixedMetrics and TestAssessRunStatusWorstMessageInReconcileAnalysisRun
   * InDryRunMode: a failing dry-run metric neither terminates nor decides the run and says why.
   */
  @Test
  void aFailingDryRunMetricNeverDecidesTheRun() {
    Run run =
        new Run(
                MetricSettings.of("run-forever").withInterval(s(60)).withCount(2),
                MetricSettings.of("dry").withDryRun(true))
            .answers("dry", Failed)
            .runToEnd();
    assertThat(run.results.get("dry").phase()).isEqualTo(Failed);
    assertThat(run.results.get("dry").message())
        .isEqualTo("Metric assessed Failed due to failed (1) > failureLimit (0)");
    assertThat(run.calls).contains("run-forever MEASURE @60");
    assertThat(run.verdict.phase()).isEqualTo(Successful);
    assertThat(run.verdict.dryRunSummary()).isEqualTo(new RunAssessment.RunSummary(1, 0, 1, 0, 0));
    assertThat(run.verdict.runSummary()).isEqualTo(new RunAssessment.RunSummary(1, 1, 0, 0, 0));
  }
}
