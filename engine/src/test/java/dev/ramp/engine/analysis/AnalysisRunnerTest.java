package dev.ramp.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import dev.ramp.engine.model.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A run driven step by step on injected instants, with a scripted provider. */
class AnalysisRunnerTest {
  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  final Deque<Measurer.Measured> answers = new ArrayDeque<>();
  int calls;

  Measurer scripted() {
    return call -> {
      calls++;
      return answers.removeFirst();
    };
  }

  static JsonNode spec(String metric) throws Exception {
    return Json.MAPPER.readTree(
        "{\"args\":[{\"name\":\"service\",\"value\":\"cart\"}],\"metrics\":[" + metric + "]}");
  }

  static Measurer.Measured value(double v) {
    return Measurer.Measured.of(DoubleNode.valueOf(v), String.valueOf(v));
  }

  @Test
  void countMeasurementsAtTheirIntervalThenSuccessful() throws Exception {
    answers.addAll(java.util.List.of(value(0.99), value(0.97), value(0.98)));
    AnalysisRunner.InMemory run =
        AnalysisRunner.start(
            spec(
                "{\"name\":\"rate\",\"interval\":\"30s\",\"count\":3,"
                    + "\"successCondition\":\"result >= 0.95\",\"provider\":{\"web\":{}}}"),
            Map.of(),
            scripted());
    AnalysisRunner.Outcome s = run.advance(T0);
    assertThat(s.taken()).extracting(AnalysisRunner.Taken::phase).containsExactly("Successful");
    assertThat(s.phase()).isEqualTo("Running");
    assertThat(s.wakeAt()).contains(T0.plusSeconds(30));
    assertThat(run.advance(T0.plusSeconds(10)).taken()).isEmpty();
    run.advance(T0.plusSeconds(30));
    s = run.advance(T0.plusSeconds(60));
    assertThat(s.done()).isTrue();
    assertThat(s.phase()).isEqualTo("Successful");
    assertThat(s.wakeAt()).isEmpty();
    assertThat(calls).isEqualTo(3);
  }

  @Test
  void aFailedMeasurementFailsTheRunAtOnce() throws Exception {
    answers.add(value(0.8));
    AnalysisRunner.InMemory run =
        AnalysisRunner.start(
            spec(
                "{\"name\":\"rate\",\"interval\":\"30s\",\"count\":5,"
                    + "\"successCondition\":\"result >= 0.95\",\"provider\":{\"web\":{}}}"),
            Map.of(),
            scripted());
    AnalysisRunner.Outcome s = run.advance(T0);
    assertThat(s.taken()).extracting(AnalysisRunner.Taken::value).containsExactly("0.8");
    assertThat(s.phase()).isEqualTo("Failed");
    assertThat(s.done()).isTrue();
  }

  @Test
  void providerErrorsAreRetriedAfterTenSecondsUntilTheConsecutiveErrorLimit() throws Exception {
    for (int i = 0; i < 5; i++) {
      answers.add(Measurer.Measured.failed("connection refused"));
    }
    AnalysisRunner.InMemory run =
        AnalysisRunner.start(
            spec("{\"name\":\"rate\",\"provider\":{\"web\":{}}}"), Map.of(), scripted());
    Instant now = T0;
    AnalysisRunner.Outcome s = run.advance(now);
    while (!s.done()) {
      assertThat(s.wakeAt()).contains(now.plus(Duration.ofSeconds(10)));
      now = s.wakeAt().get();
      s = run.advance(now);
    }
    assertThat(s.phase()).isEqualTo("Error");
    assertThat(calls).isEqualTo(5);
    assertThat(s.taken())
        .extracting(AnalysisRunner.Taken::message)
        .containsOnly("connection refused");
  }

  @Test
  void aBadTemplateIsRefusedWholeNamingEachField() throws Exception {
    assertThatThrownBy(
            () ->
                AnalysisRunner.start(
                    spec(
                        "{\"name\":\"a\",\"interval\":\"soon\",\"provider\":{\"web\":{}}},"
                            + "{\"name\":\"b\",\"successCondition\":\"result > 1 and result < 5\"}"),
                    Map.of("nope", "x"),
                    scripted()))
        .isInstanceOf(AnalysisRunner.InvalidTemplate.class)
        .hasMessageContaining("spec.metrics[0].interval:")
        .hasMessageContaining("spec.metrics[1].successCondition")
        .hasMessageContaining("&&")
        .hasMessageContaining("spec.metrics[1].provider: set exactly one provider")
        .hasMessageContaining("--arg nope: the template declares no arg of that name");
    assertThat(calls).isZero();
  }

  @Test
  void providersThisVersionDoesNotMeasureAreRefusedAtTheStartSayingWhatToDo() throws Exception {
    assertThatThrownBy(
            () ->
                AnalysisRunner.start(
                    spec(
                        "{\"name\":\"j\",\"provider\":{\"job\":{}}},"
                            + "{\"name\":\"d\",\"provider\":{\"datadog\":{}}},"
                            + "{\"name\":\"x\",\"provider\":{\"web\":{},\"prometheus\":{}}}"),
                    Map.of(),
                    scripted()))
        .hasMessageContaining(
            "spec.metrics[0].provider.job.spec.template: required (the Job's pod template)")
        .hasMessageContaining(
            "spec.metrics[1].provider.datadog: not built into Ramp; use a metric-provider plugin")
        .hasMessageContaining("spec.metrics[2].provider: set exactly one provider");
  }

  /**
   * Argo's TestReconcileAnalysisRunTerminateSiblingAfterFail through the run's reconcile: the
   * failing metric is Failed at once, but the run is assessed with "terminating" as the results
   * stood before this reconcile, so it stays Running; the next reconcile terminates the sibling's
   * measurement in flight and only then fails the run. The metric's message is its last
   * measurement's, and the run's message quotes it, as Argo's assessRunStatus does on the
   * transition.
   */
  @Test
  void aFailingMetricFailsTheRunOnlyOnceItsSiblingInFlightIsTerminated() throws Exception {
    Measurer byMetric =
        new Measurer() {
          @Override
          public Measured measure(Call call) {
            calls++;
            return call.metric().equals("slow")
                ? Measured.running(T0.plusSeconds(60), Map.of())
                : new Measured(
                    Measured.Status.VALUE,
                    DoubleNode.valueOf(0.5),
                    "0.5",
                    "p99 too high",
                    null,
                    Map.of());
          }

          @Override
          public Measured terminate(Call call, InFlight inFlight) {
            calls++;
            return Measured.verdict(Measured.Status.INCONCLUSIVE, "", "stopped", Map.of());
          }
        };
    AnalysisRunner.InMemory run =
        AnalysisRunner.start(
            spec(
                "{\"name\":\"slow\",\"provider\":{\"web\":{}}},"
                    + "{\"name\":\"rate\",\"successCondition\":\"result >= 0.95\","
                    + "\"provider\":{\"web\":{}}}"),
            Map.of(),
            byMetric);
    AnalysisRunner.Outcome first = run.advance(T0);
    assertThat(first.phase()).isEqualTo("Running");
    assertThat(first.status().metricResults)
        .extracting(r -> r.name + " " + r.phase)
        .containsExactly("slow Running", "rate Failed");
    assertThat(first.wakeAt()).contains(T0);

    AnalysisRunner.Outcome second = run.advance(T0);
    assertThat(second.taken())
        .extracting(t -> t.metric() + " " + t.phase() + " " + t.message())
        .containsExactly("slow Inconclusive Metric Terminated");
    assertThat(second.phase()).isEqualTo("Failed");
    assertThat(second.status().message)
        .isEqualTo(
            "Metric \"rate\" assessed Failed due to failed (1) > failureLimit (0): \"Error"
                + " Message: p99 too high\"");
    assertThat(calls).isEqualTo(3);
  }
}
