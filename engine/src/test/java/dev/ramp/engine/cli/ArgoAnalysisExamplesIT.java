package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Argo Rollouts' own analysis examples (examples/argo, with Ramp's apiVersion) and Ramp's canary
 * gated by a web metric (examples/canary-web-metric), rehearsed with `ramp run` as a user would:
 * Job metrics completed by the node simulator, web metrics read from a server this test runs on
 * 127.0.0.1, whose URL reaches the templates through a Secret the test writes and passes after the
 * example's files (the later document of an object wins, as with kubectl apply).
 */
class ArgoAnalysisExamplesIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile String successRate = "0.99";

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // What the gist behind Argo's example Secret answers.
    server.createContext("/example.json", ex -> answer(ex, "{\"message\": \"It worked!\"}"));
    server.createContext(
        "/success-rate.json",
        ex -> answer(ex, "{\"service\": \"checkout\", \"successRate\": " + successRate + "}"));
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange, String body) throws IOException {
    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** A Secret manifest in a temporary file, for `-f` after the example's files. */
  private Path secret(String name, String key, String value) throws IOException {
    return Files.writeString(
        dir.resolve(name + ".yaml"),
        "apiVersion: v1\n"
            + "kind: Secret\n"
            + "metadata:\n"
            + "  name: "
            + name
            + "\n"
            + "type: Opaque\n"
            + "stringData:\n"
            + "  "
            + key
            + ": "
            + value
            + "\n");
  }

  private static CliHarness.Result run(String... files) {
    List<String> args = new ArrayList<>(List.of("run"));
    for (String f : files) {
      args.add("-f");
      args.add(f);
    }
    args.addAll(List.of("--speed", "100", "--auto-promote", "-o", "json"));
    return CliHarness.run(args.toArray(String[]::new));
  }

  private static List<String> steps(JsonNode result) {
    List<String> out = new ArrayList<>();
    result
        .path("steps")
        .forEach(s -> out.add(s.path("step").asText() + " -> " + s.path("result").asText()));
    return out;
  }

  /** Each metric of a run as {@code name phase measurements lastValue} ({@code -}: no value). */
  private static List<String> metrics(JsonNode run) {
    List<String> out = new ArrayList<>();
    run.path("metrics")
        .forEach(
            m ->
                out.add(
                    m.path("name").asText()
                        + " "
                        + m.path("phase").asText()
                        + " "
                        + m.path("measurements").asInt()
                        + " "
                        + (m.path("lastValue").isTextual() ? m.path("lastValue").asText() : "-")));
    return out;
  }

  @Test
  void theBlueGreenExampleWithItsTwoServicesIsPromotedToHealthy() throws Exception {
    CliHarness.Result result = run("../examples/argo/rollout-bluegreen.yaml");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = JSON.readTree(result.out());
    assertThat(json.path("rollout").asText()).isEqualTo("default/rollout-bluegreen");
    assertThat(json.path("result").asText()).isEqualTo("HEALTHY");
    JsonNode status = json.path("status");
    String hash = status.path("currentPodHash").asText();
    assertThat(status.path("stableRS").asText()).isEqualTo(hash);
    assertThat(status.path("blueGreen").path("activeSelector").asText()).isEqualTo(hash);
    assertThat(status.path("blueGreen").path("previewSelector").asText()).isEqualTo(hash);
  }

  @Test
  void theBlueGreenAnalysisExampleRunsBothAnalysesAndEndsActiveOnTheNewHash() throws Exception {
    CliHarness.Result result = run("../examples/bluegreen-with-analysis/rollout.yaml");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).contains("promoting default/checkout");
    JsonNode json = JSON.readTree(result.out());
    assertThat(json.path("result").asText()).isEqualTo("HEALTHY");
    JsonNode status = json.path("status");
    String hash = status.path("currentPodHash").asText();
    assertThat(status.path("stableRS").asText()).isEqualTo(hash);
    assertThat(status.path("blueGreen").path("activeSelector").asText()).isEqualTo(hash);
    List<String> runs = new ArrayList<>();
    json.path("analysisRuns")
        .forEach(r -> runs.add(r.path("name").asText() + " " + r.path("phase").asText()));
    assertThat(runs)
        .containsExactlyInAnyOrder(
            "checkout-" + hash + "-2-pre Successful", "checkout-" + hash + "-2-post Successful");
  }

  @Test
  void theAnalysisStepExampleWithJobTemplatesEndsHealthy() throws Exception {
    CliHarness.Result result =
        run(
            "../examples/argo/rollout-analysis-step.yaml",
            "../examples/argo/analysis-templates.yaml",
            "../examples/argo/cluster-analysis-templates.yaml");

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = JSON.readTree(result.out());
    assertThat(json.path("rollout").asText()).isEqualTo("default/rollout-analysis-step");
    assertThat(json.path("result").asText()).isEqualTo("HEALTHY");
    assertThat(json.path("status").path("phase").asText()).isEqualTo("Healthy");
    assertThat(steps(json))
        .containsExactly(
            "setWeight 25 -> completed", "analysis random-fail, always-pass -> completed");
    // One run for the step: revision 2, step index 1, as Argo names it; both templates' metrics
    // measured as often as their count says (the simulator completes each Job).
    String hash = json.path("status").path("currentPodHash").asText();
    JsonNode runs = json.path("analysisRuns");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("name").asText())
        .isEqualTo("rollout-analysis-step-" + hash + "-2-1");
    assertThat(runs.get(0).path("phase").asText()).isEqualTo("Successful");
    assertThat(metrics(runs.get(0)))
        .containsExactlyInAnyOrder("random-fail Successful 2 -", "pass Successful 1 -");
  }

  @Test
  void theAnalysisStepExampleAbortsWhenRandomFailsJobsFail() throws Exception {
    // No container runs in a rehearsal: the simulator ends each Job as ramp.dev/simulate-job says
    // (succeeded when absent). Both of random-fail's Jobs failing is what exceeds its
    // failureLimit of 1 in a cluster; the annotation rehearses that case.
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<JsonNode> docs =
        yaml.readerFor(JsonNode.class)
            .<JsonNode>readValues(Path.of("../examples/argo/analysis-templates.yaml").toFile())
            .readAll();
    StringBuilder failing = new StringBuilder();
    for (JsonNode doc : docs) {
      if (doc.path("metadata").path("name").asText().equals("random-fail")) {
        ObjectNode job = (ObjectNode) doc.path("spec").path("metrics").get(0).path("provider");
        ((ObjectNode) job.path("job"))
            .putObject("metadata")
            .putObject("annotations")
            .put("ramp.dev/simulate-job", "failed");
      }
      failing.append(yaml.writeValueAsString(doc));
    }
    Path templates = Files.writeString(dir.resolve("analysis-templates.yaml"), failing);

    CliHarness.Result result =
        run(
            "../examples/argo/rollout-analysis-step.yaml",
            templates.toString(),
            "../examples/argo/cluster-analysis-templates.yaml");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
    JsonNode json = JSON.readTree(result.out());
    assertThat(json.path("result").asText()).isEqualTo("DEGRADED");
    assertThat(json.path("status").path("message").asText())
        .contains("Metric \"random-fail\" assessed Failed due to failed (2) > failureLimit (1)")
        .contains("BackoffLimitExceeded");
    assertThat(steps(json))
        .containsExactly(
            "setWeight 25 -> completed", "analysis random-fail, always-pass -> aborted");
    JsonNode runs = json.path("analysisRuns");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("phase").asText()).isEqualTo("Failed");
    assertThat(metrics(runs.get(0)))
        .containsExactlyInAnyOrder("random-fail Failed 2 -", "pass Successful 1 -");
  }

  @Test
  void theSecretExampleReadsItsUrlFromTheSecretAndEndsHealthy() throws Exception {
    Path localSecret = secret("example-secret", "secretUrl", url("/example.json"));

    CliHarness.Result result = run("../examples/argo/rollout-secret.yaml", localSecret.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err())
        .contains(
            "Secret default/example-secret from "
                + localSecret
                + " replaces the one from ../examples/argo/rollout-secret.yaml");
    JsonNode json = JSON.readTree(result.out());
    assertThat(json.path("result").asText()).isEqualTo("HEALTHY");
    assertThat(json.path("status").path("phase").asText()).isEqualTo("Healthy");
    assertThat(steps(json))
        .containsExactly(
            "setWeight 25 -> completed",
            "analysis analysis-secret -> completed",
            "pause until promoted -> promoted");
    JsonNode runs = json.path("analysisRuns");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("phase").asText()).isEqualTo("Successful");
    assertThat(metrics(runs.get(0))).containsExactly("webmetric Successful 1 \"It worked!\"");
    assertThat(requests).containsExactly("GET /example.json");
  }

  @Test
  void theWebMetricCanaryEndsHealthyWhenTheRateHolds() throws Exception {
    Path localSecret = secret("checkout-metrics", "url", url("/success-rate.json"));

    CliHarness.Result result =
        run(
            "../examples/canary-web-metric/secret.yaml",
            "../examples/canary-web-metric/analysis-template.yaml",
            "../examples/canary-web-metric/rollout.yaml",
            localSecret.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = JSON.readTree(result.out());
    assertThat(json.path("result").asText()).isEqualTo("HEALTHY");
    assertThat(steps(json))
        .containsExactly(
            "setWeight 20 -> completed",
            "analysis success-rate -> completed",
            "setWeight 60 -> completed",
            "pause 30s -> completed");
    JsonNode runs = json.path("analysisRuns");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("phase").asText()).isEqualTo("Successful");
    assertThat(metrics(runs.get(0))).containsExactly("success-rate Successful 3 0.99");
    assertThat(requests)
        .hasSize(3)
        .allMatch(r -> r.equals("GET /success-rate.json?service=checkout-canary"));
  }

  @Test
  void theWebMetricCanaryAbortsWhenTheRateDrops() throws Exception {
    successRate = "0.8";
    Path localSecret = secret("checkout-metrics", "url", url("/success-rate.json"));

    CliHarness.Result result =
        run(
            "../examples/canary-web-metric/secret.yaml",
            "../examples/canary-web-metric/analysis-template.yaml",
            "../examples/canary-web-metric/rollout.yaml",
            localSecret.toString());

    assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
    JsonNode json = JSON.readTree(result.out());
    assertThat(json.path("result").asText()).isEqualTo("DEGRADED");
    assertThat(json.path("status").path("message").asText())
        .contains("success-rate")
        .contains("0.8")
        .contains("result >= 0.95");
    assertThat(steps(json))
        .containsExactly("setWeight 20 -> completed", "analysis success-rate -> aborted");
    JsonNode runs = json.path("analysisRuns");
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).path("phase").asText()).isEqualTo("Failed");
    // failureLimit 0: the first measurement below 95 % ends the run.
    assertThat(metrics(runs.get(0))).containsExactly("success-rate Failed 1 0.8");
    assertThat(requests).containsExactly("GET /success-rate.json?service=checkout-canary");
  }
}
