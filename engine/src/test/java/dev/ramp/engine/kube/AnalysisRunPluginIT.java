package dev.ramp.engine.kube;

import static dev.ramp.engine.kube.AnalysisRunWorld.last;
import static dev.ramp.engine.kube.AnalysisRunWorld.measurement;
import static dev.ramp.engine.kube.AnalysisRunWorld.phase;
import static dev.ramp.engine.kube.AnalysisRunWorld.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.host.MetricPluginFixture;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.plugin.api.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AnalysisRun controller with {@code plugin} metrics measured by the Python metric provider of
 * tests/python, a real child process of a real plugin host over its Unix socket: RUNNING answers
 * resumed at their {@code resume_at} on the controller's clock, values judged by the metric's
 * conditions, a plugin's own verdict, a plugin killed mid-measurement, a plugin that is not
 * configured, the plugin's metadata on the metric, and GarbageCollect past the retention limit.
 *
 * <p>The plugin writes each call it receives to a log file before it answers; the tests read what
 * reached it there. Its {@code resume_at} is on the wall clock (the plugin has no other), so the
 * controller's clock starts at the wall time; the plugin's RUNNING answers ask for an hour, so only
 * the test moving the clock resumes them.
 */
class AnalysisRunPluginIT {
  static final String PLUGIN = MetricPluginFixture.PLUGIN;
  static final String AN_HOUR = "3600000";

  @TempDir Path dir;
  Path log;
  PluginHost host;
  AnalysisRunWorld world;

  @BeforeEach
  void start() throws Exception {
    MetricPluginFixture.assumePython();
    log = dir.resolve("calls.log");
    host = MetricPluginFixture.start(dir, log, new SimpleMeterRegistry());
    world = new AnalysisRunWorld(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    world.startController(host.metricProviderClient());
  }

  @AfterEach
  void stop() {
    if (world != null) {
      world.close();
    }
    if (host != null) {
      host.close();
    }
  }

  void awaitPluginReady() {
    MetricPluginFixture.awaitReady(host);
  }

  /** A metric measured by {@code plugin} with this config. */
  static String pluginMetric(String name, String plugin, String configJson, String extra) {
    return "{\"name\":\""
        + name
        + "\","
        + extra
        + "\"provider\":{\"plugin\":{\""
        + plugin
        + "\":"
        + configJson
        + "}}}";
  }

  /** The calls that reached the plugin, one JSON object each, in order. */
  List<JsonNode> calls() throws IOException {
    return Files.exists(log)
        ? Files.readAllLines(log).stream().map(Json::parse).toList()
        : List.of();
  }

  List<String> callsFor(String key) throws IOException {
    return calls().stream()
        .filter(c -> c.path("idempotency_key").asText().equals(key))
        .map(c -> c.path("rpc").asText() + " " + c.path("attempt").asInt())
        .toList();
  }

  List<JsonNode> callsOf(String rpc) throws IOException {
    return calls().stream().filter(c -> c.path("rpc").asText().equals(rpc)).toList();
  }

  static Instant resumeAt(AnalysisRun run, String metric) {
    return Instant.parse(last(run, metric).resumeAt);
  }

  @Test
  void aRunningMeasurementIsResumedAtItsResumeAtAndItsValueJudgedByTheConditions()
      throws Exception {
    String config =
        "{\"runningCalls\":1,\"value\":\"0.99\",\"resumeMs\":"
            + AN_HOUR
            + ",\"query\":\"sum(rate(http_requests_total[1m]))\"}";
    AnalysisRun created =
        world.create(
            "latency",
            "{\"metrics\":["
                + pluginMetric(
                    "latency", PLUGIN, config, "\"successCondition\":\"result >= 0.95\",")
                + "]}");
    String key = created.getMetadata().getUid() + "/latency/1";

    AnalysisRun running = world.awaitRun("latency", measurement("latency", 1, "Running"));
    AnalysisRunStatus.Measurement m = last(running, "latency");
    assertThat(m.resumeAt).isNotNull();
    assertThat(m.metadata)
        .containsEntry("progress", "1/2")
        .containsEntry("ramp.dev/plugin-attempt", "1");
    // The metric's metadata is the plugin's GetMetadata answer.
    assertThat(result(running, "latency").metadata)
        .isEqualTo(Map.of("query", "sum(rate(http_requests_total[1m]))"));
    Instant resumeAt = resumeAt(running, "latency");

    world.at(resumeAt.minusSeconds(1));
    assertThat(callsFor(key)).containsExactly("Run 1");
    world.at(resumeAt);
    AnalysisRun r = world.awaitRun("latency", phase("Successful"));
    AnalysisRunStatus.MetricResult latency = result(r, "latency");
    assertThat(latency.measurements).hasSize(1);
    assertThat(latency.measurements.get(0).phase).isEqualTo("Successful");
    assertThat(latency.measurements.get(0).value).isEqualTo("0.99");
    assertThat(latency.measurements.get(0).finishedAt).isEqualTo(resumeAt.toString());
    assertThat(callsFor(key)).containsExactly("Run 1", "Resume 2");
    assertThat(callsOf("GetMetadata")).hasSize(1);
  }

  @Test
  void aPluginsOwnFailedVerdictFailsTheRunWithoutTheConditions() throws Exception {
    // The value would pass the success condition: the plugin's verdict is not a value.
    String config = "{\"runningCalls\":0,\"value\":\"0.99\",\"verdict\":\"FAILED\"}";
    world.create(
        "judged",
        "{\"metrics\":["
            + pluginMetric("judged", PLUGIN, config, "\"successCondition\":\"result >= 0.95\",")
            + "]}");

    AnalysisRun r = world.awaitRun("judged", phase("Failed"));
    assertThat(last(r, "judged").phase).isEqualTo("Failed");
    assertThat(last(r, "judged").value).isEqualTo("0.99");
    assertThat(r.getStatus().message)
        .isEqualTo("Metric \"judged\" assessed Failed due to failed (1) > failureLimit (0)");
  }

  @Test
  void aPluginKilledMidMeasurementIsRestartedAndCompletesItUnderTheSameKey() throws Exception {
    String config = "{\"runningCalls\":1,\"value\":\"0.99\",\"resumeMs\":" + AN_HOUR + "}";
    AnalysisRun created =
        world.create(
            "killed",
            "{\"metrics\":["
                + pluginMetric("killed", PLUGIN, config, "\"successCondition\":\"result >= 0.95\",")
                + "]}");
    String key = created.getMetadata().getUid() + "/killed/1";
    // The status holds the Run's RUNNING answer.
    AnalysisRun running = world.awaitRun("killed", measurement("killed", 1, "Running"));
    long before =
        calls().stream()
            .filter(c -> c.path("idempotency_key").asText().equals(key))
            .findFirst()
            .orElseThrow()
            .path("pid")
            .asLong();

    ProcessHandle.of(before).orElseThrow().destroyForcibly();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(callsOf("Init")).anyMatch(c -> c.path("pid").asLong() != before);
              assertThat(host.metricProviderClient().availability(PLUGIN))
                  .isEqualTo(PluginAvailability.ready());
            });

    world.at(resumeAt(running, "killed"));
    AnalysisRun r = world.awaitRun("killed", phase("Successful"));
    assertThat(last(r, "killed").value).isEqualTo("0.99");
    // The restarted process went on from the plugin's backend: one Run, one Resume, one key.
    List<JsonNode> measurement =
        calls().stream().filter(c -> c.path("idempotency_key").asText().equals(key)).toList();
    assertThat(measurement)
        .extracting(c -> c.path("rpc").asText() + " " + c.path("attempt").asInt())
        .containsExactly("Run 1", "Resume 2");
    assertThat(measurement.get(1).path("pid").asLong()).isNotEqualTo(before);
  }

  @Test
  void aPluginThatIsNotConfiguredIsAnErrorNamingItUntilTheErrorLimit() throws Exception {
    world.create(
        "absent", "{\"metrics\":[" + pluginMetric("rate", "ramp-tests/absent", "{}", "") + "]}");

    AnalysisRun r = world.awaitRun("absent", measurement("rate", 1, "Error"));
    assertThat(last(r, "rate").message).contains("ramp-tests/absent").contains("rate");
    // An Error is measured again 10 s later, until consecutiveErrors (5) > the default limit (4).
    for (int i = 2; i <= 5; i++) {
      world.advance(Duration.ofSeconds(10));
      world.awaitRun("absent", measurement("rate", i, "Error"));
    }
    r = world.awaitRun("absent", phase("Error"));
    assertThat(result(r, "rate").consecutiveError).isEqualTo(5);
    assertThat(r.getStatus().message)
        .startsWith(
            "Metric \"rate\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4)")
        .contains("ramp-tests/absent");
    assertThat(callsOf("Run")).isEmpty();
  }

  @Test
  void garbageCollectIsCalledWithTheRetentionLimitWhenMeasurementsExceedIt() throws Exception {
    String config = "{\"runningCalls\":0,\"value\":\"0.99\"}";
    world.create(
        "retain",
        "{\"measurementRetention\":[{\"metricName\":\"rate\",\"limit\":1}],\"metrics\":["
            + pluginMetric(
                "rate",
                PLUGIN,
                config,
                "\"count\":2,\"interval\":\"10s\",\"successCondition\":\"result >= 0.95\",")
            + "]}");
    world.awaitRun("retain", measurement("rate", 1, "Successful"));
    assertThat(callsOf("GarbageCollect")).isEmpty();

    world.advance(Duration.ofSeconds(10));
    AnalysisRun r = world.awaitRun("retain", phase("Successful"));
    assertThat(result(r, "rate").count).isEqualTo(2);
    assertThat(result(r, "rate").measurements).hasSize(1);
    List<JsonNode> gc = callsOf("GarbageCollect");
    assertThat(gc).hasSize(1);
    assertThat(gc.get(0).path("limit").asInt()).isEqualTo(1);
    assertThat(gc.get(0).path("idempotency_key").asText()).isEmpty();
    assertThat(gc.get(0).path("metric_name").asText()).isEqualTo("rate");
    // The metric's metadata was asked for once, with its first measurement, as Argo does.
    assertThat(callsOf("GetMetadata")).hasSize(1);
    assertThat(result(r, "rate").metadata).containsEntry("query", "ramp_tests_measurement");
  }
}
