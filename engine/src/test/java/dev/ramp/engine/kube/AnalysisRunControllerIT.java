package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.plugin.MetricProviderClient;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.MetricCall;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AnalysisRun controller against the embedded API server and a web provider served on
 * 127.0.0.1, on an injected clock: measurements at their interval, the status as the only memory (a
 * fresh controller carries on), args from Secrets and ConfigMaps (masked), termination, and a clear
 * message on the run for each kind of bad input.
 */
class AnalysisRunControllerIT {
  static final String NS = "default";

  EmbeddedApiServer server;
  KubernetesClient client;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
  AnalysisRunController controller;
  HttpServer web;
  String base;
  final AtomicReference<String> answer = new AtomicReference<>("{\"rate\": 0.99}");
  final AtomicReference<Integer> status = new AtomicReference<>(200);
  final Collection<String> seenAuth = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void start() throws IOException {
    server = EmbeddedApiServer.start();
    client = server.client();
    try (DirectoryStream<Path> crds =
        Files.newDirectoryStream(Path.of("..", "config", "crd"), "*.yml")) {
      for (Path crd : crds) {
        try (InputStream in = Files.newInputStream(crd)) {
          server.registerCrd(in);
        }
      }
    }
    web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    web.createContext("/", this::serve);
    web.start();
    base = "http://127.0.0.1:" + web.getAddress().getPort();
    controller = newController();
  }

  AnalysisRunController newController() {
    AnalysisRunController c = new AnalysisRunController(client, NS, clock, 2, new NoPlugins());
    c.start();
    return c;
  }

  @AfterEach
  void stop() {
    controller.close();
    web.stop(0);
    server.close();
  }

  private void serve(HttpExchange ex) throws IOException {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (auth != null) {
      seenAuth.add(auth);
    }
    byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status.get(), body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  AnalysisRun create(String name, String specJson) throws IOException {
    AnalysisRun run = new AnalysisRun();
    run.getMetadata().setName(name);
    run.getMetadata().setNamespace(NS);
    run.setSpec(Json.MAPPER.readValue(specJson, dev.ramp.engine.model.AnalysisRunSpec.class));
    return client.resources(AnalysisRun.class).inNamespace(NS).resource(run).create();
  }

  String webMetric(String name, String extra) {
    return "{\"name\":\""
        + name
        + "\","
        + extra
        + "\"successCondition\":\"result >= 0.95\","
        + "\"provider\":{\"web\":{\"url\":\""
        + base
        + "/rate\",\"jsonPath\":\"{$.rate}\"}}}";
  }

  AnalysisRun get(String name) {
    return client.resources(AnalysisRun.class).inNamespace(NS).withName(name).get();
  }

  AnalysisRun awaitRun(String name, Predicate<AnalysisRunStatus> p) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> get(name), r -> r != null && r.getStatus() != null && p.test(r.getStatus()));
  }

  static Predicate<AnalysisRunStatus> measured(String metric, int n) {
    return s ->
        s.metricResults != null
            && s.metricResults.stream()
                .anyMatch(
                    r ->
                        r.name.equals(metric)
                            && r.measurements != null
                            && r.measurements.size() == n);
  }

  static AnalysisRunStatus.MetricResult result(AnalysisRun run, String metric) {
    return run.getStatus().metricResults.stream()
        .filter(r -> r.name.equals(metric))
        .findFirst()
        .orElseThrow();
  }

  List<String> events(String run) {
    List<String> out = new ArrayList<>();
    for (Event e : client.v1().events().inNamespace(NS).list().getItems()) {
      if (e.getInvolvedObject() != null && run.equals(e.getInvolvedObject().getName())) {
        out.add(e.getReason() + ": " + e.getMessage());
      }
    }
    return out;
  }

  /** Moves the clock and lets the controller look at what became due. */
  void advance(Duration d) {
    clock.advance(d);
    controller.clockAdvanced();
  }

  @Test
  void measuresAtTheIntervalUntilTheCountThenSucceedsWithAnEvent() throws Exception {
    create(
        "count", "{\"metrics\":[" + webMetric("rate", "\"interval\":\"30s\",\"count\":3,") + "]}");
    AnalysisRun r = awaitRun("count", measured("rate", 1));
    assertThat(r.getStatus().phase).isEqualTo("Running");
    assertThat(r.getStatus().startedAt).isEqualTo("2026-11-30T10:00:00Z");
    AnalysisRunStatus.Measurement first = result(r, "rate").measurements.get(0);
    assertThat(first.phase).isEqualTo("Successful");
    assertThat(first.value).isEqualTo("0.99");
    advance(Duration.ofSeconds(29));
    assertThat(result(get("count"), "rate").measurements).hasSize(1);
    advance(Duration.ofSeconds(1));
    awaitRun("count", measured("rate", 2));
    answer.set("{\"rate\": 0.97}");
    advance(Duration.ofSeconds(30));
    r = awaitRun("count", s -> "Successful".equals(s.phase));
    AnalysisRunStatus.MetricResult rate = result(r, "rate");
    assertThat(rate.count).isEqualTo(3);
    assertThat(rate.successful).isEqualTo(3);
    assertThat(rate.measurements).extracting(m -> m.value).containsExactly("0.99", "0.99", "0.97");
    assertThat(r.getStatus().runSummary.successful).isEqualTo(1);
    assertThat(r.getStatus().completedAt).isEqualTo("2026-11-30T10:01:00Z");
    await()
        .untilAsserted(
            () ->
                assertThat(events("count"))
                    .contains(
                        "MetricSuccessful: Metric 'rate' Completed. Result: Successful",
                        "AnalysisRunSuccessful: Analysis Completed. Result: Successful"));
  }

  @Test
  void aFailingValueFailsTheRunWithTheMeasuredValueInTheMessage() throws Exception {
    answer.set("{\"rate\": 0.5}");
    create("bad", "{\"metrics\":[" + webMetric("rate", "\"interval\":\"30s\",\"count\":3,") + "]}");
    AnalysisRun r = awaitRun("bad", s -> "Failed".equals(s.phase));
    assertThat(r.getStatus().message)
        .isEqualTo("Metric \"rate\" assessed Failed due to failed (1) > failureLimit (0)");
    assertThat(result(r, "rate").measurements.get(0).value).isEqualTo("0.5");
    await()
        .untilAsserted(
            () ->
                assertThat(events("bad"))
                    .anyMatch(
                        e ->
                            e.startsWith("AnalysisRunFailed: Analysis Completed. Result: Failed")));
  }

  @Test
  void aFreshControllerCarriesOnFromTheStatus() throws Exception {
    create(
        "resume", "{\"metrics\":[" + webMetric("rate", "\"interval\":\"1m\",\"count\":2,") + "]}");
    awaitRun("resume", measured("rate", 1));
    controller.close();
    clock.advance(Duration.ofMinutes(1));
    controller = newController();
    AnalysisRun r = awaitRun("resume", s -> "Successful".equals(s.phase));
    assertThat(result(r, "rate").count).isEqualTo(2);
    assertThat(result(r, "rate").measurements).hasSize(2);
  }

  @Test
  void aSecretArgIsReadAtEachMeasurementAndNeverWritten() throws Exception {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("metrics-token")
                .endMetadata()
                .addToStringData("token", "s3cr3t-value")
                .build())
        .create();
    status.set(500);
    answer.set("{\"error\": \"bad token s3cr3t-value\"}");
    create(
        "secret",
        "{\"args\":[{\"name\":\"token\",\"valueFrom\":{\"secretKeyRef\":"
            + "{\"name\":\"metrics-token\",\"key\":\"token\"}}}],"
            + "\"metrics\":[{\"name\":\"rate\",\"consecutiveErrorLimit\":0,"
            + "\"provider\":{\"web\":{\"url\":\""
            + base
            + "/rate?t={{args.token}}\",\"headers\":[{\"key\":\"Authorization\","
            + "\"value\":\"Bearer {{args.token}}\"}]}}}]}");
    AnalysisRun r = awaitRun("secret", s -> "Error".equals(s.phase));
    assertThat(seenAuth).contains("Bearer s3cr3t-value");
    String written = Json.write(r);
    assertThat(written).doesNotContain("s3cr3t-value").contains("*****");
    await()
        .untilAsserted(
            () -> assertThat(String.join("\n", events("secret"))).doesNotContain("s3cr3t"));
  }

  @Test
  void aConfigMapArgIsRead() throws Exception {
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("thresholds")
                .endMetadata()
                .addToData("path", "rate")
                .build())
        .create();
    create(
        "cm",
        "{\"args\":[{\"name\":\"path\",\"valueFrom\":{\"configMapKeyRef\":"
            + "{\"name\":\"thresholds\",\"key\":\"path\"}}}],"
            + "\"metrics\":[{\"name\":\"rate\",\"successCondition\":\"result >= 0.95\","
            + "\"provider\":{\"web\":{\"url\":\""
            + base
            + "/{{args.path}}\",\"jsonPath\":\"{$.rate}\"}}}]}");
    AnalysisRun r = awaitRun("cm", s -> "Successful".equals(s.phase));
    assertThat(result(r, "rate").measurements.get(0).value).isEqualTo("0.99");
  }

  @Test
  void eachBadInputIsAnErrorOnTheRunNamingItsCause() throws Exception {
    create(
        "no-secret",
        "{\"args\":[{\"name\":\"token\",\"valueFrom\":{\"secretKeyRef\":"
            + "{\"name\":\"absent\",\"key\":\"token\"}}}],\"metrics\":["
            + webMetric("rate", "")
            + "]}");
    create(
        "no-value",
        "{\"args\":[{\"name\":\"service\"}],\"metrics\":[" + webMetric("rate", "") + "]}");
    create(
        "bad-condition",
        "{\"metrics\":[{\"name\":\"rate\",\"successCondition\":\"all(result, # < 1000)\","
            + "\"provider\":{\"web\":{\"url\":\""
            + base
            + "/rate\"}}}]}");
    create(
        "datadog",
        "{\"metrics\":[{\"name\":\"rate\",\"provider\":{\"datadog\":{\"query\":\"x\"}}}]}");
    create(
        "no-owner",
        "{\"args\":[{\"name\":\"hash\",\"valueFrom\":{\"podTemplateHashValue\":\"Latest\"}}],"
            + "\"metrics\":["
            + webMetric("rate", "")
            + "]}");
    assertThat(awaitRun("no-secret", s -> "Error".equals(s.phase)).getStatus().message)
        .isEqualTo("args.token: Secret default/absent not found");
    assertThat(awaitRun("no-value", s -> "Error".equals(s.phase)).getStatus().message)
        .isEqualTo("args.service was not resolved: it has no value");
    assertThat(awaitRun("bad-condition", s -> "Error".equals(s.phase)).getStatus().message)
        .contains("spec.metrics[0].successCondition")
        .contains("result.all(x, x < 1000)");
    assertThat(awaitRun("datadog", s -> "Error".equals(s.phase)).getStatus().message)
        .contains(
            "spec.metrics[0].provider.datadog: not built into Ramp; use a metric-provider plugin");
    assertThat(awaitRun("no-owner", s -> "Error".equals(s.phase)).getStatus().message)
        .contains("args.hash.valueFrom: fieldRef and podTemplateHashValue read the Rollout");
  }

  @Test
  void aProviderThatIsDownIsRetriedEveryTenSecondsUntilTheErrorLimit() throws Exception {
    web.stop(0);
    create("down", "{\"metrics\":[" + webMetric("rate", "") + "]}");
    awaitRun("down", measured("rate", 1));
    for (int i = 2; i <= 5; i++) {
      advance(Duration.ofSeconds(10));
      awaitRun("down", measured("rate", i));
    }
    AnalysisRun r = awaitRun("down", s -> "Error".equals(s.phase));
    AnalysisRunStatus.MetricResult rate = result(r, "rate");
    assertThat(rate.consecutiveError).isEqualTo(5);
    assertThat(rate.count).isZero();
    assertThat(rate.measurements.get(0).message).contains(base);
    assertThat(r.getStatus().message)
        .startsWith(
            "Metric \"rate\" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4)");
  }

  @Test
  void terminateEndsARunThatMeasuresUntilTerminated() throws Exception {
    create("forever", "{\"metrics\":[" + webMetric("rate", "\"interval\":\"10s\",") + "]}");
    awaitRun("forever", measured("rate", 1));
    advance(Duration.ofSeconds(10));
    awaitRun("forever", measured("rate", 2));
    client
        .resources(AnalysisRun.class)
        .inNamespace(NS)
        .withName("forever")
        .edit(
            r -> {
              r.getSpec().terminate = true;
              return r;
            });
    AnalysisRun r = awaitRun("forever", s -> "Successful".equals(s.phase));
    assertThat(r.getStatus().message).isEqualTo("Run Terminated");
    assertThat(result(r, "rate").measurements).hasSize(2);
  }

  @Test
  void aDryRunMetricIsMeasuredButNeverDecides() throws Exception {
    answer.set("{\"rate\": 0.5}");
    create(
        "dry",
        "{\"dryRun\":[{\"metricName\":\"rate\"}],\"metrics\":[" + webMetric("rate", "") + "]}");
    AnalysisRun r = awaitRun("dry", s -> "Successful".equals(s.phase));
    assertThat(result(r, "rate").phase).isEqualTo("Failed");
    assertThat(result(r, "rate").dryRun).isTrue();
    assertThat(r.getStatus().dryRunSummary.failed).isEqualTo(1);
    assertThat(r.getStatus().runSummary.count).isZero();
  }

  @Test
  void measurementsBeyondTheRetentionLimitLeaveTheStatus() throws Exception {
    create(
        "retain",
        "{\"measurementRetention\":[{\"metricName\":\"rate\",\"limit\":2}],\"metrics\":["
            + webMetric("rate", "\"interval\":\"10s\",\"count\":4,")
            + "]}");
    awaitRun("retain", measured("rate", 1));
    for (int i = 2; i <= 4; i++) {
      advance(Duration.ofSeconds(10));
      int n = Math.min(i, 2);
      int count = i;
      awaitRun("retain", s -> measured("rate", n).test(s) && s.metricResults.get(0).count == count);
    }
    AnalysisRun r = awaitRun("retain", s -> "Successful".equals(s.phase));
    assertThat(result(r, "rate").measurements)
        .extracting(m -> m.startedAt)
        .containsExactly("2026-11-30T10:00:20Z", "2026-11-30T10:00:30Z");
  }

  /** No plugins are configured here. */
  static final class NoPlugins implements MetricProviderClient {
    @Override
    public PluginAvailability availability(String pluginName) {
      return PluginAvailability.of(PluginAvailability.State.UNKNOWN, "no plugins in this test");
    }

    @Override
    public Measurement run(String pluginName, MetricCall call) {
      throw new AssertionError("no plugin calls expected");
    }

    @Override
    public Measurement resume(String pluginName, MetricCall call, Measurement m) {
      throw new AssertionError("no plugin calls expected");
    }

    @Override
    public Measurement terminate(String pluginName, MetricCall call, Measurement m) {
      throw new AssertionError("no plugin calls expected");
    }

    @Override
    public void garbageCollect(String pluginName, MetricCall call, int limit) {
      throw new AssertionError("no plugin calls expected");
    }

    @Override
    public void recorded(Collection<CallKey> calls) {}

    @Override
    public Map<String, String> metadata(String pluginName, MetricCall call) {
      return Map.of();
    }
  }
}
