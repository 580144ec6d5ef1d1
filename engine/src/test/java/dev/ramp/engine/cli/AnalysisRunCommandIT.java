package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ramp analysis run} on a web-metric template against a local server: each measurement
 * printed as it comes, exit 0 on Successful and 1 on Failed.
 */
class AnalysisRunCommandIT {
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
}
