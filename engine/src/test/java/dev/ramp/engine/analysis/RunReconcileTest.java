package dev.ramp.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * One reconcile at a time from the status, as the controller drives it: measurements in flight
 * resumed and terminated, the provider's own verdicts, the measurement numbers across trimming,
 * garbage collection that fails, and a fresh status round-tripped through JSON each time (the
 * status is the run's only memory).
 */
class RunReconcileTest {
  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  /** A provider that answers from a script and records what it was asked. */
  static final class Scripted implements Measurer {
    final List<Measured> answers = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    Optional<String> gcFailure = Optional.empty();

    @Override
    public Measured measure(Call call) {
      calls.add("Run " + call.metric() + " #" + call.measurementIndex());
      return answers.remove(0);
    }

    @Override
    public Measured resume(Call call, InFlight inFlight) {
      calls.add("Resume #" + call.measurementIndex() + " " + inFlight.metadata());
      return answers.remove(0);
    }

    @Override
    public Measured terminate(Call call, InFlight inFlight) {
      calls.add("Terminate #" + call.measurementIndex());
      return Measured.verdict(Measured.Status.INCONCLUSIVE, "", "", inFlight.metadata());
    }

    @Override
    public Optional<String> garbageCollect(Call call, int limit) {
      calls.add("GarbageCollect " + limit);
      return gcFailure;
    }

    @Override
    public Map<String, String> metadata(Call call) {
      return Map.of("query", "q");
    }
  }

  final Scripted provider = new Scripted();
  AnalysisRunStatus status;

  static JsonNode spec(String json) throws Exception {
    return Json.MAPPER.readTree(json);
  }

  AnalysisRunner.Outcome at(JsonNode spec, boolean terminate, Instant now) throws Exception {
    AnalysisRunner.Outcome o =
        RunReconcile.reconcile(spec, Map.of(), terminate, status, provider, now);
    // Through JSON, as the API server stores it.
    status = Json.MAPPER.readValue(Json.write(o.status()), AnalysisRunStatus.class);
    return o;
  }

  static Measurer.Measured value(double v) {
    return Measurer.Measured.of(DoubleNode.valueOf(v), String.valueOf(v));
  }

  @Test
  void aMeasurementInFlightIsResumedAtItsResumeAtWithItsMetadata() throws Exception {
    JsonNode spec =
        spec(
            "{\"metrics\":[{\"name\":\"m\",\"successCondition\":\"result > 0.9\","
                + "\"provider\":{\"plugin\":{\"acme/judge\":{}}}}]}");
    provider.answers.add(Measurer.Measured.running(T0.plusSeconds(5), Map.of("job", "j1")));
    AnalysisRunner.Outcome o = at(spec, false, T0);
    assertThat(o.phase()).isEqualTo("Running");
    assertThat(o.wakeAt()).contains(T0.plusSeconds(5));
    AnalysisRunStatus.Measurement m = status.metricResults.get(0).measurements.get(0);
    assertThat(m.phase).isEqualTo("Running");
    assertThat(m.resumeAt).isEqualTo("2026-11-30T10:00:05Z");
    assertThat(m.finishedAt).isNull();
    assertThat(status.metricResults.get(0).metadata).containsEntry("query", "q");

    assertThat(at(spec, false, T0.plusSeconds(4)).taken()).isEmpty();
    provider.answers.add(value(0.95));
    o = at(spec, false, T0.plusSeconds(5));
    assertThat(o.phase()).isEqualTo("Successful");
    m = status.metricResults.get(0).measurements.get(0);
    assertThat(m.startedAt).isEqualTo("2026-11-30T10:00:00Z");
    assertThat(m.finishedAt).isEqualTo("2026-11-30T10:00:05Z");
    assertThat(m.metadata).containsEntry("job", "j1");
    assertThat(provider.calls).containsExactly("Run m #1", "Resume #1 {job=j1}");
  }

  @Test
  void aProvidersOwnVerdictIsNotJudgedByTheConditions() throws Exception {
    JsonNode spec =
        spec(
            "{\"metrics\":[{\"name\":\"m\",\"successCondition\":\"result > 0.9\","
                + "\"provider\":{\"plugin\":{\"acme/judge\":{}}}}]}");
    provider.answers.add(
        Measurer.Measured.verdict(Measurer.Measured.Status.FAILED, "0.99", "judged", Map.of()));
    assertThat(at(spec, false, T0).phase()).isEqualTo("Failed");
    assertThat(status.metricResults.get(0).measurements.get(0).message).isEqualTo("judged");
  }

  @Test
  void terminatingARunEndsTheMeasurementInFlightThroughTheProvider() throws Exception {
    JsonNode spec =
        spec(
            "{\"metrics\":[{\"name\":\"m\",\"provider\":{\"job\":{\"spec\":{\"template\":{}}}}}]}");
    provider.answers.add(Measurer.Measured.running(null, Map.of("job-name", "x")));
    at(spec, false, T0);
    AnalysisRunner.Outcome o = at(spec, true, T0.plusSeconds(1));
    assertThat(provider.calls).containsExactly("Run m #1", "Terminate #1");
    AnalysisRunStatus.Measurement m = status.metricResults.get(0).measurements.get(0);
    assertThat(m.phase).isEqualTo("Inconclusive");
    assertThat(m.message).isEqualTo("Metric Terminated");
    assertThat(o.done()).isTrue();
    assertThat(status.completedAt).isEqualTo("2026-11-30T10:00:01Z");
  }

  @Test
  void measurementNumbersGoOnWhenOldMeasurementsLeaveTheStatus() throws Exception {
    JsonNode spec =
        spec(
            "{\"measurementRetention\":[{\"metricName\":\"m\",\"limit\":1}],"
                + "\"metrics\":[{\"name\":\"m\",\"interval\":\"10s\",\"count\":3,"
                + "\"provider\":{\"web\":{}}}]}");
    for (int i = 0; i < 3; i++) {
      provider.answers.add(value(1));
      at(spec, false, T0.plusSeconds(10L * i));
    }
    assertThat(provider.calls)
        .containsExactly(
            "Run m #1", "Run m #2", "GarbageCollect 1", "Run m #3", "GarbageCollect 1");
    assertThat(status.metricResults.get(0).measurements).hasSize(1);
    assertThat(status.metricResults.get(0).count).isEqualTo(3);
    assertThat(status.phase).isEqualTo("Successful");
  }

  @Test
  void aFailedGarbageCollectionKeepsTheMeasurementsAndWarns() throws Exception {
    JsonNode spec =
        spec(
            "{\"measurementRetention\":[{\"metricName\":\"m\",\"limit\":1}],"
                + "\"metrics\":[{\"name\":\"m\",\"interval\":\"10s\",\"count\":2,"
                + "\"provider\":{\"web\":{}}}]}");
    provider.gcFailure = Optional.of("store is down");
    provider.answers.add(value(1));
    at(spec, false, T0);
    provider.answers.add(value(1));
    AnalysisRunner.Outcome o = at(spec, false, T0.plusSeconds(10));
    assertThat(o.warnings()).containsExactly("metric m: garbage collection failed: store is down");
    assertThat(status.metricResults.get(0).measurements).hasSize(2);
  }

  @Test
  void aCompletedRunIsLeftAlone() throws Exception {
    JsonNode spec = spec("{\"metrics\":[{\"name\":\"m\",\"provider\":{\"web\":{}}}]}");
    provider.answers.add(value(1));
    at(spec, false, T0);
    AnalysisRunner.Outcome o = at(spec, false, T0.plusSeconds(60));
    assertThat(o.taken()).isEmpty();
    assertThat(o.wakeAt()).isEmpty();
    assertThat(provider.calls).containsExactly("Run m #1");
  }

  @Test
  void aSpecThatCannotRunIsAnErrorNamingEveryProblem() throws Exception {
    JsonNode spec =
        spec(
            "{\"dryRun\":[{\"metricName\":\"nothing\"}],\"metrics\":["
                + "{\"name\":\"m\",\"provider\":{\"web\":{}}},"
                + "{\"name\":\"m\",\"provider\":{\"plugin\":{}}}]}");
    AnalysisRunner.Outcome o = at(spec, false, T0);
    assertThat(o.phase()).isEqualTo("Error");
    assertThat(status.message)
        .contains("spec.metrics[1].provider.plugin: name exactly one plugin")
        .contains("spec.dryRun[0]: Rule didn't match any metric name(s)");
    assertThat(provider.calls).isEmpty();
  }

  @Test
  void duplicateMetricNamesAreRefused() throws Exception {
    JsonNode spec =
        spec(
            "{\"metrics\":[{\"name\":\"m\",\"provider\":{\"web\":{}}},"
                + "{\"name\":\"m\",\"provider\":{\"web\":{}}}]}");
    at(spec, false, T0);
    assertThat(status.phase).isEqualTo("Error");
    assertThat(status.message).contains("metric \"m\" is defined more than once");
  }
}
