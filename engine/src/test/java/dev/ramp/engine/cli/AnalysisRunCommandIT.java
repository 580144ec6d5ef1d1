package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ramp analysis run} on a web-metric template against a local server: each measurement
 * printed as it comes, exit 0 on Successful and 1 on Failed; nested templates from several files; a
 * metric-provider plugin (the Python one of tests/python) started as a real child process and
 * measured through Run and Resume; and what cannot run here (a missing nested template, a job
 * metric, a plugin metric without --plugin) refused before anything is measured.
 */
class AnalysisRunCommandIT {
  static final Path METRIC_PLUGIN =
      Path.of("..", "tests", "python", "metric_plugin.py").toAbsolutePath().normalize();
  static final String PLUGIN = "ramp-tests/metric";

  @TempDir Path dir;
  HttpServer server;
  final AtomicInteger requests = new AtomicInteger();
  volatile String rate = "0.99";

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/metrics/cart",
        exchange -> {
          requests.incrementAndGet();
          byte[] body =
              ("{\"service\":\"cart\",\"successRate\":" + rate + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  Path template(int count) throws Exception {
    return Files.writeString(
        dir.resolve("template.yaml"),
        String.join(
            "\n",
            "apiVersion: ramp.dev/v1alpha1",
            "kind: AnalysisTemplate",
            "metadata: {name: success-rate}",
            "spec:",
            "  args:",
            "    - name: service",
            "  metrics:",
            "    - name: success-rate",
            "      interval: 100ms",
            "      count: " + count,
            "      successCondition: result >= 0.95",
            "      provider:",
            "        web:",
            "          url: http://127.0.0.1:"
                + server.getAddress().getPort()
                + "/metrics/{{args.service}}",
            "          jsonPath: \"{$.successRate}\"",
            ""));
  }

  @Test
  void aHealthyMetricPrintsEachMeasurementAndExitsZero() throws Exception {
    CliHarness.Result r =
        CliHarness.run("analysis", "run", "-f", template(2).toString(), "--arg", "service=cart");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("success-rate #1: Successful  value 0.99")
        .contains("success-rate #2: Successful  value 0.99")
        .contains("analysis Successful");
    assertThat(requests).hasValue(2);
  }

  @Test
  void aBadMetricExitsOneWithTheValue() throws Exception {
    rate = "0.8";
    CliHarness.Result r =
        CliHarness.run("analysis", "run", "-f", template(3).toString(), "--arg", "service=cart");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out()).contains("success-rate #1: Failed  value 0.8").contains("analysis Failed");
    assertThat(requests).hasValue(1);
  }

  @Test
  void aMissingArgIsBadInputNamingIt() throws Exception {
    CliHarness.Result r = CliHarness.run("analysis", "run", "-f", template(1).toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .contains("spec.args[0]: arg service has no value; pass --arg service=VALUE");
    assertThat(requests).hasValue(0);
  }

  /** A template that nests success-rate (in another file) and adds a metric of its own. */
  Path nesting(String name) throws Exception {
    return Files.writeString(
        dir.resolve(name + ".yaml"),
        String.join(
            "\n",
            "apiVersion: ramp.dev/v1alpha1",
            "kind: AnalysisTemplate",
            "metadata: {name: " + name + "}",
            "spec:",
            "  templates:",
            "    - templateName: success-rate",
            "  metrics:",
            "    - name: cart-up",
            "      successCondition: result.service == 'cart'",
            "      provider:",
            "        web:",
            "          url: http://127.0.0.1:" + server.getAddress().getPort() + "/metrics/cart",
            ""));
  }

  @Test
  void nestedTemplatesAreResolvedAcrossTheFilesGiven() throws Exception {
    CliHarness.Result r =
        CliHarness.run(
            "analysis",
            "run",
            "-f",
            nesting("checkout").toString(),
            "-f",
            template(1).toString(),
            "--arg",
            "service=cart");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("cart-up #1: Successful")
        .contains("success-rate #1: Successful  value 0.99")
        .contains("analysis Successful");
    assertThat(requests).hasValue(2);
  }

  @Test
  void severalDocumentsOfOneFileRunTheFirst() throws Exception {
    Path both =
        Files.writeString(
            dir.resolve("both.yaml"),
            Files.readString(nesting("checkout")) + "---\n" + Files.readString(template(1)));
    CliHarness.Result r =
        CliHarness.run("analysis", "run", "-f", both.toString(), "--arg", "service=cart");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("cart-up #1: Successful").contains("success-rate #1: Successful");
  }

  @Test
  void aMissingNestedTemplateIsRefusedNamingIt() throws Exception {
    CliHarness.Result r =
        CliHarness.run(
            "analysis", "run", "-f", nesting("checkout").toString(), "--arg", "service=cart");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(3);
    assertThat(r.err())
        .contains(
            "AnalysisTemplate checkout: spec.templates[0]: AnalysisTemplate success-rate is not in"
                + " the files given; pass its file with another -f");
    assertThat(requests).hasValue(0);
  }

  @Test
  void aJobMetricIsRefusedBeforeAnythingIsMeasured() throws Exception {
    Path jobs =
        Files.writeString(
            dir.resolve("jobs.yaml"),
            String.join(
                "\n",
                "apiVersion: ramp.dev/v1alpha1",
                "kind: AnalysisTemplate",
                "metadata: {name: smoke}",
                "spec:",
                "  templates:",
                "    - templateName: success-rate",
                "  metrics:",
                "    - name: smoke-test",
                "      provider:",
                "        job:",
                "          spec:",
                "            template:",
                "              spec:",
                "                restartPolicy: Never",
                "                containers: [{name: smoke, image: busybox}]",
                ""));
    CliHarness.Result r =
        CliHarness.run(
            "analysis",
            "run",
            "-f",
            jobs.toString(),
            "-f",
            template(1).toString(),
            "--arg",
            "service=cart");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(3);
    assertThat(r.err())
        .contains("metric smoke-test: a job metric runs a Kubernetes Job")
        .contains("create an AnalysisRun in a cluster to test it");
    assertThat(requests).hasValue(0);
  }

  /** A template with one metric measured by the Python metric provider with this config. */
  Path pluginTemplate(String config) throws Exception {
    return Files.writeString(
        dir.resolve("plugin.yaml"),
        String.join(
            "\n",
            "apiVersion: ramp.dev/v1alpha1",
            "kind: AnalysisTemplate",
            "metadata: {name: latency}",
            "spec:",
            "  args:",
            "    - name: expected",
            "  metrics:",
            "    - name: latency",
            "      successCondition: result >= 0.95",
            "      provider:",
            "        plugin:",
            "          " + PLUGIN + ": " + config,
            ""));
  }

  static void assumePython() throws Exception {
    assumeTrue(Files.isExecutable(METRIC_PLUGIN), "missing " + METRIC_PLUGIN);
    Process check =
        new ProcessBuilder("/usr/bin/python3", "-c", "import grpc, grpc_tools, google.protobuf")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assumeTrue(check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0, "python3 lacks grpc");
  }

  @Test
  void aPluginMetricRunsIsResumedAtItsResumeAtAndSucceeds() throws Exception {
    assumePython();
    CliHarness.Result r =
        CliHarness.run(
            "analysis",
            "run",
            "-f",
            pluginTemplate("{runningCalls: 1, value: '{{args.expected}}', resumeMs: 100}")
                .toString(),
            "--arg",
            "expected=0.99",
            "--plugin",
            PLUGIN + "=" + METRIC_PLUGIN);
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("latency #1: Running  (call 1 of 2)")
        .contains("latency #1: Successful  value 0.99")
        .contains("analysis Successful");
  }

  @Test
  void aPluginsOwnVerdictFailsTheRun() throws Exception {
    assumePython();
    CliHarness.Result r =
        CliHarness.run(
            "analysis",
            "run",
            "-f",
            pluginTemplate("{runningCalls: 1, value: '0.99', verdict: FAILED, resumeMs: 100}")
                .toString(),
            "--arg",
            "expected=0.99",
            "--plugin",
            PLUGIN + "=" + METRIC_PLUGIN);
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.out())
        .contains("latency #1: Running  (call 1 of 2)")
        .contains("latency #1: Failed  value 0.99")
        .contains("analysis Failed");
  }

  @Test
  void aPluginMetricWithoutItsPluginIsRefusedNamingTheOption() throws Exception {
    CliHarness.Result r =
        CliHarness.run(
            "analysis",
            "run",
            "-f",
            pluginTemplate("{value: '1'}").toString(),
            "--arg",
            "expected=0.99");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(3);
    assertThat(r.err())
        .contains(
            "metric latency: provider.plugin names ramp-tests/metric; pass --plugin"
                + " ramp-tests/metric=PATH");
    assertThat(r.out()).isEmpty();
  }
}
