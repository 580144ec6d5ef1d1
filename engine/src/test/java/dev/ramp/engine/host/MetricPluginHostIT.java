package dev.ramp.engine.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.plugin.MetricProviderClient;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.Measurement.Phase;
import dev.ramp.plugin.api.MetricCall;
import dev.ramp.plugin.api.PluginContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python metric provider of tests/python driven through the host's metric-provider client the
 * way the AnalysisRun controller drives it: Run, Resume until done, Terminate, GarbageCollect,
 * GetMetadata; each answer recorded after it is used, and a plugin killed mid-measurement.
 */
class MetricPluginHostIT {

  private static final String PLUGIN = MetricPluginFixture.PLUGIN;
  private static final String RUN = "cart-abc123-2";
  private static final String RUN_UID = "0b7c1e0e-5d1c-4a57-9d1e-3f0c6b2a7d41";
  private static final String METRIC = "success-rate";
  private static final String QUERY = "sum(rate(http_requests_total{code!~\"5..\"}[1m]))";
  private static final String CONFIG =
      "{\"runningCalls\":2,\"value\":\"0.99\",\"resumeMs\":200,\"query\":"
          + Json.MAPPER.valueToTree(QUERY)
          + "}";

  @TempDir Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private PluginHost host;
  private MetricProviderClient client;
  private Path log;

  @BeforeEach
  void startPlugin() {
    MetricPluginFixture.assumePython();
    log = dir.resolve("calls.log");
    host = MetricPluginFixture.start(dir, log, registry);
    client = host.metricProviderClient();
  }

  @AfterEach
  void closeHost() {
    if (host != null) {
      host.close();
    }
  }

  private void awaitReady() {
    MetricPluginFixture.awaitReady(host);
  }

  /** The idempotency key of one measurement, stable across its Run, Resumes and Terminate. */
  private static String key(int measurementIndex) {
    return RUN_UID + "/" + METRIC + "/" + measurementIndex;
  }

  private static MetricCall call(String operation, int attempt, int measurementIndex) {
    return new MetricCall(
        new PluginContext(
            "uid-1",
            "shop",
            "cart",
            "abc123",
            -1,
            "",
            operation,
            attempt,
            measurementIndex == 0 ? "" : key(measurementIndex),
            PLUGIN,
            new PluginContext.Analysis(RUN, RUN_UID, METRIC, measurementIndex)),
        JsonNodeFactory.instance.objectNode().put("kind", "AnalysisRun"),
        JsonNodeFactory.instance.objectNode().put("name", METRIC),
        Json.parse(CONFIG));
  }

  /** What the controller does after its status write holds the answer. */
  private void recorded(String operation, int attempt, int measurementIndex) {
    client.recorded(Set.of(new CallKey(PLUGIN, operation, key(measurementIndex), attempt)));
  }

  /** The calls that reached the plugin, one JSON object each, in order. */
  private List<JsonNode> calls() throws IOException {
    if (!Files.exists(log)) {
      return List.of();
    }
    return Files.readAllLines(log).stream().map(Json::parse).toList();
  }

  private List<JsonNode> callsOf(String rpc) throws IOException {
    return calls().stream().filter(c -> c.path("rpc").asText().equals(rpc)).toList();
  }

  private static void assertContext(JsonNode line, String rpc, int attempt, int index) {
    assertThat(line.path("rpc").asText()).isEqualTo(rpc);
    assertThat(line.path("operation").asText()).isEqualTo(rpc);
    assertThat(line.path("idempotency_key").asText()).isEqualTo(index == 0 ? "" : key(index));
    assertThat(line.path("attempt").asInt()).isEqualTo(attempt);
    assertThat(line.path("analysis_run_name").asText()).isEqualTo(RUN);
    assertThat(line.path("analysis_run_uid").asText()).isEqualTo(RUN_UID);
    assertThat(line.path("metric_name").asText()).isEqualTo(METRIC);
    assertThat(line.path("measurement_index").asInt()).isEqualTo(index);
  }

  @Test
  void aMeasurementRunsResumesAndSucceedsEachCallReachingThePluginOnce() throws Exception {
    // The host called Init once the plugin started.
    assertThat(calls()).hasSize(1);
    assertThat(calls().get(0).path("rpc").asText()).isEqualTo("Init");
    assertThat(calls().get(0).path("plugin_name").asText()).isEqualTo(PLUGIN);

    Measurement running = client.run(PLUGIN, call("Run", 1, 1));
    assertThat(running.phase()).as(running.message()).isEqualTo(Phase.RUNNING);
    assertThat(running.resumeAt()).isAfter(running.startedAt());
    assertThat(running.metadata()).containsEntry("progress", "1/3");
    assertThat(calls()).hasSize(2);
    assertContext(calls().get(1), "Run", 1, 1);

    // The same call again before a status write recorded the answer: from memory, not a call.
    assertThat(client.run(PLUGIN, call("Run", 1, 1))).isEqualTo(running);
    assertThat(calls()).hasSize(2);
    recorded("Run", 1, 1);

    // Each Resume's attempt is the answers recorded for this measurement plus one.
    Measurement stillRunning = client.resume(PLUGIN, call("Resume", 2, 1), running);
    assertThat(stillRunning.phase()).as(stillRunning.message()).isEqualTo(Phase.RUNNING);
    assertThat(stillRunning.metadata()).containsEntry("progress", "2/3");
    assertThat(stillRunning.startedAt()).isEqualTo(running.startedAt());
    assertThat(client.resume(PLUGIN, call("Resume", 2, 1), running)).isEqualTo(stillRunning);
    assertThat(calls()).hasSize(3);
    assertContext(calls().get(2), "Resume", 2, 1);
    recorded("Resume", 2, 1);

    Measurement done = client.resume(PLUGIN, call("Resume", 3, 1), stillRunning);
    assertThat(done.phase()).as(done.message()).isEqualTo(Phase.SUCCESSFUL);
    assertThat(done.value()).isEqualTo("0.99");
    assertThat(done.resumeAt()).isNull();
    assertThat(done.finishedAt()).isNotNull();
    assertThat(done.startedAt()).isEqualTo(running.startedAt());
    assertThat(client.resume(PLUGIN, call("Resume", 3, 1), stillRunning)).isEqualTo(done);
    assertThat(calls()).hasSize(4);
    assertContext(calls().get(3), "Resume", 3, 1);
    recorded("Resume", 3, 1);

    // Another measurement of the metric, terminated while it runs (the analysis was stopped).
    Measurement second = client.run(PLUGIN, call("Run", 1, 2));
    assertThat(second.phase()).isEqualTo(Phase.RUNNING);
    assertThat(second.metadata()).containsEntry("progress", "1/3");
    recorded("Run", 1, 2);
    Measurement terminated = client.terminate(PLUGIN, call("Terminate", 2, 2), second);
    assertThat(terminated.phase()).isEqualTo(Phase.SUCCESSFUL);
    assertThat(terminated.message()).isEqualTo("terminated");
    assertThat(client.terminate(PLUGIN, call("Terminate", 2, 2), second)).isEqualTo(terminated);
    recorded("Terminate", 2, 2);
    assertThat(calls()).hasSize(6);
    assertContext(calls().get(4), "Run", 1, 2);
    assertContext(calls().get(5), "Terminate", 2, 2);

    // Housekeeping is not about one measurement: measurement index 0, no key.
    client.garbageCollect(PLUGIN, call("GarbageCollect", 1, 0), 5);
    assertThat(callsOf("GarbageCollect")).hasSize(1);
    assertContext(callsOf("GarbageCollect").get(0), "GarbageCollect", 1, 0);
    assertThat(callsOf("GarbageCollect").get(0).path("limit").asInt()).isEqualTo(5);

    assertThat(client.metadata(PLUGIN, call("GetMetadata", 1, 0)))
        .isEqualTo(Map.of("query", QUERY));
    assertContext(callsOf("GetMetadata").get(0), "GetMetadata", 1, 0);

    // Every call reached the plugin once; one process answered them all.
    assertThat(calls()).hasSize(8);
    assertThat(calls()).extracting(c -> c.path("pid").asLong()).containsOnly(pid());
  }

  @Test
  void killedMidMeasurementTheRestartedPluginCompletesItUnderTheSameKey() throws Exception {
    Measurement running = client.run(PLUGIN, call("Run", 1, 1));
    assertThat(running.phase()).as(running.message()).isEqualTo(Phase.RUNNING);
    recorded("Run", 1, 1);
    Measurement stillRunning = client.resume(PLUGIN, call("Resume", 2, 1), running);
    assertThat(stillRunning.phase()).as(stillRunning.message()).isEqualTo(Phase.RUNNING);
    assertThat(stillRunning.metadata()).containsEntry("progress", "2/3");
    // Not recorded: the controller goes down before its status write holds this answer.

    long before = pid();
    ProcessHandle.of(before).orElseThrow().destroyForcibly();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(pid()).isNotIn(before, -1L);
              assertThat(client.availability(PLUGIN)).isEqualTo(PluginAvailability.ready());
            });
    long after = pid();

    // The plugin's restart alone delivers nothing again: the answer is still kept.
    int beforeForget = calls().size();
    assertThat(client.resume(PLUGIN, call("Resume", 2, 1), running)).isEqualTo(stillRunning);
    assertThat(calls()).hasSize(beforeForget);

    // A controller that crashed has forgotten the answer: it delivers the same call again,
    // same key, same attempt, and the restarted plugin goes on from its backend.
    host.forgetAnswers();
    Measurement done = client.resume(PLUGIN, call("Resume", 2, 1), running);
    assertThat(done.phase()).as(done.message()).isEqualTo(Phase.SUCCESSFUL);
    assertThat(done.value()).isEqualTo("0.99");
    assertThat(done.startedAt()).isEqualTo(running.startedAt());
    recorded("Resume", 2, 1);

    List<JsonNode> measurement =
        calls().stream().filter(c -> c.path("idempotency_key").asText().equals(key(1))).toList();
    assertThat(measurement).hasSize(3);
    assertContext(measurement.get(0), "Run", 1, 1);
    assertContext(measurement.get(1), "Resume", 2, 1);
    assertContext(measurement.get(2), "Resume", 2, 1);
    assertThat(measurement)
        .extracting(c -> c.path("pid").asLong())
        .containsExactly(before, before, after);
    // The new process was initialized before it answered.
    assertThat(callsOf("Init")).extracting(c -> c.path("pid").asLong()).contains(before, after);
    assertThat(registry.find("ramp.plugin.restarts").tag("plugin", PLUGIN).counter().count())
        .isGreaterThanOrEqualTo(1);
  }

  private long pid() {
    return host.pid(PluginKind.METRIC_PROVIDER, PLUGIN);
  }
}
