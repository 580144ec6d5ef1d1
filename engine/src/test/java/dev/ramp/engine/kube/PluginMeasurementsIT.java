package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.analysis.Measurer.Measured;
import dev.ramp.engine.analysis.Measurer.Measured.Status;
import dev.ramp.engine.host.MetricPluginFixture;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.plugin.MetricProviderClient;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.provider.MetricArgs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin provider of AnalysisRuns with the Python metric provider of tests/python as a real
 * child process of a real plugin host, over its Unix socket: measurements that run, resume and
 * complete, a judge's verdict, Terminate, GarbageCollect, GetMetadata, and a plugin killed
 * mid-measurement whose restarted process completes the measurement under the same key.
 */
class PluginMeasurementsIT {

  static final String PLUGIN = MetricPluginFixture.PLUGIN;
  static final String RUN_UID = PluginMeasurementsTest.RUN_UID;

  @TempDir Path dir;
  Path log;
  PluginHost host;
  MetricProviderClient client;
  PluginMeasurements measurements;
  final MetricArgs args =
      MetricArgs.of(Map.of("expected", "0.99")).withSecret("token", "s3cr3t-t0ken");
  final AnalysisRun run = PluginMeasurementsTest.analysisRun();

  @BeforeEach
  void startHost() throws Exception {
    MetricPluginFixture.assumePython();
    log = dir.resolve("calls.log");
    host = MetricPluginFixture.start(dir, log, new SimpleMeterRegistry());
    client = host.metricProviderClient();
    measurements = new PluginMeasurements(client);
  }

  @AfterEach
  void closeHost() {
    if (host != null) {
      host.close();
    }
  }

  void awaitReady() {
    MetricPluginFixture.awaitReady(host);
  }

  /** A metric of the run measured by the Python plugin with this config. */
  static Measurer.Call call(String metric, String configJson, int index) {
    JsonNode provider =
        dev.ramp.plugin.api.Json.parse("{\"plugin\": {\"" + PLUGIN + "\": " + configJson + "}}");
    JsonNode spec = Json.MAPPER.createObjectNode().put("name", metric).set("provider", provider);
    return new Measurer.Call(metric, spec, provider, index);
  }

  Measured run(Measurer.Call call) {
    return measurements.run(run, call, call.provider().get("plugin"), args);
  }

  /** What the controller does once its status write holds the answers. */
  void recorded() {
    client.recorded(measurements.calls());
  }

  static Measurer.InFlight inFlight(Measured running) {
    return new Measurer.InFlight(null, running.resumeAt(), running.text(), running.metadata());
  }

  /** The calls that reached the plugin, one JSON object each, in order. */
  List<JsonNode> calls() throws IOException {
    return Files.readAllLines(log).stream().map(dev.ramp.plugin.api.Json::parse).toList();
  }

  List<JsonNode> callsFor(String key) throws IOException {
    return calls().stream().filter(c -> c.path("idempotency_key").asText().equals(key)).toList();
  }

  static void assertCall(JsonNode line, String rpc, int attempt, String metric, int index) {
    assertThat(line.path("rpc").asText()).isEqualTo(rpc);
    assertThat(line.path("attempt").asInt()).isEqualTo(attempt);
    assertThat(line.path("idempotency_key").asText())
        .isEqualTo(index == 0 ? "" : RUN_UID + "/" + metric + "/" + index);
    assertThat(line.path("analysis_run_name").asText()).isEqualTo("cart-abc123-2");
    assertThat(line.path("analysis_run_uid").asText()).isEqualTo(RUN_UID);
    assertThat(line.path("metric_name").asText()).isEqualTo(metric);
    assertThat(line.path("measurement_index").asInt()).isEqualTo(index);
  }

  @Test
  void aMeasurementRunsResumesAndGivesTheConditionsItsValue() throws Exception {
    Measurer.Call call =
        call("latency", "{\"runningCalls\":1,\"value\":\"{{args.expected}}\",\"resumeMs\":200}", 1);
    Measured running = run(call);
    assertThat(running.status()).as(running.message()).isEqualTo(Status.RUNNING);
    assertThat(running.resumeAt()).isNotNull();
    assertThat(running.metadata())
        .containsEntry("progress", "1/2")
        .containsEntry(PluginMeasurements.ATTEMPT, "1");
    recorded();

    Measured done = measurements.resume(run, call, inFlight(running), args);
    assertThat(done.status()).as(done.message()).isEqualTo(Status.VALUE);
    assertThat(done.value()).isEqualTo(DoubleNode.valueOf(0.99));
    assertThat(done.text()).isEqualTo("0.99");
    assertThat(done.metadata()).containsEntry(PluginMeasurements.ATTEMPT, "2");
    recorded();

    List<JsonNode> measurement = callsFor(RUN_UID + "/latency/1");
    assertThat(measurement).hasSize(2);
    assertCall(measurement.get(0), "Run", 1, "latency", 1);
    assertCall(measurement.get(1), "Resume", 2, "latency", 1);

    // A judge: the plugin's own verdict, the conditions are not asked.
    Measurer.Call judged = call("judged", "{\"runningCalls\":0,\"verdict\":\"FAILED\"}", 1);
    Measured failed = run(judged);
    assertThat(failed.status()).as(failed.message()).isEqualTo(Status.FAILED);
    recorded();

    // Housekeeping: not about one measurement.
    assertThat(measurements.garbageCollect(run, call, 3, args)).isEmpty();
    JsonNode gc =
        calls().stream()
            .filter(c -> c.path("rpc").asText().equals("GarbageCollect"))
            .findFirst()
            .orElseThrow();
    assertCall(gc, "GarbageCollect", 1, "latency", 0);
    assertThat(gc.path("limit").asInt()).isEqualTo(3);
    assertThat(measurements.metadata(run, call("latency", "{\"query\":\"up\"}", 2), args))
        .isEqualTo(Map.of("query", "up"));
  }

  @Test
  void aMeasurementInFlightIsTerminated() throws Exception {
    Measurer.Call call = call("latency", "{\"runningCalls\":3,\"resumeMs\":200}", 2);
    Measured running = run(call);
    assertThat(running.status()).as(running.message()).isEqualTo(Status.RUNNING);
    recorded();
    Measured stopped = measurements.terminate(run, call, inFlight(running), args);
    assertThat(stopped.status()).as(stopped.message()).isEqualTo(Status.SUCCESSFUL);
    assertThat(stopped.message()).isEqualTo("terminated");
    recorded();
    List<JsonNode> measurement = callsFor(RUN_UID + "/latency/2");
    assertThat(measurement).hasSize(2);
    assertCall(measurement.get(1), "Terminate", 2, "latency", 2);
  }

  @Test
  void aPluginKilledMidMeasurementIsRestartedAndCompletesItUnderTheSameKey() throws Exception {
    Measurer.Call call = call("latency", "{\"runningCalls\":2,\"resumeMs\":200}", 1);
    Measured running = run(call);
    assertThat(running.status()).as(running.message()).isEqualTo(Status.RUNNING);
    recorded();
    Measured stillRunning = measurements.resume(run, call, inFlight(running), args);
    assertThat(stillRunning.status()).as(stillRunning.message()).isEqualTo(Status.RUNNING);
    assertThat(stillRunning.metadata()).containsEntry("progress", "2/3");
    // The controller goes down before its status write holds this answer, and the plugin with
    // it: the status still holds the Run's answer.
    measurements.calls();
    long before = callsFor(RUN_UID + "/latency/1").get(0).path("pid").asLong();
    ProcessHandle.of(before).orElseThrow().destroyForcibly();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(initPids()).anyMatch(pid -> pid != before);
              assertThat(client.availability(PLUGIN)).isEqualTo(PluginAvailability.ready());
            });
    host.forgetAnswers();

    // The controller that comes back reads the same status: the same Resume, key and attempt.
    Measured done = measurements.resume(run, call, inFlight(running), args);
    assertThat(done.status()).as(done.message()).isEqualTo(Status.VALUE);
    assertThat(done.text()).isEqualTo("1");
    recorded();

    List<JsonNode> measurement = callsFor(RUN_UID + "/latency/1");
    assertThat(measurement).hasSize(3);
    assertCall(measurement.get(0), "Run", 1, "latency", 1);
    assertCall(measurement.get(1), "Resume", 2, "latency", 1);
    assertCall(measurement.get(2), "Resume", 2, "latency", 1);
    long after = measurement.get(2).path("pid").asLong();
    assertThat(after).isNotEqualTo(before);
    assertThat(measurement)
        .extracting(c -> c.path("pid").asLong())
        .containsExactly(before, before, after);
  }

  List<Long> initPids() throws IOException {
    return calls().stream()
        .filter(c -> c.path("rpc").asText().equals("Init"))
        .map(c -> c.path("pid").asLong())
        .toList();
  }
}
