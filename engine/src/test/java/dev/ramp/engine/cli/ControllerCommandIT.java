package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.sandbox.EmbeddedCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `ramp controller` against an embedded API server, stopped as SIGTERM would stop it. */
class ControllerCommandIT {

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private int get(int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void leadsServesProbesAndMetricsAndReleasesTheLeaseOnStop() throws Exception {
    try (EmbeddedCluster cluster =
        EmbeddedCluster.start(EmbeddedCluster.rampCrds(), List.of("default", "ramp-system"))) {
      Path kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));
      ControllerCommand command = new ControllerCommand();
      CommandLine cli = new CommandLine(command);
      StringWriter out = new StringWriter();
      cli.setOut(new PrintWriter(out, true));
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () ->
                  cli.execute(
                      "--kubeconfig=" + kubeconfig,
                      "--namespace=default",
                      "--controller-namespace=ramp-system",
                      "--leader-elect",
                      "--identity=replica-1",
                      "--lease-duration=3s",
                      "--renew-deadline=2s",
                      "--retry-period=200ms",
                      "--metrics-bind-address=127.0.0.1",
                      "--metrics-port=0"));
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> command.metricsPort() > 0);
        int port = command.metricsPort();
        assertThat(get(port, "/healthz")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> get(port, "/readyz") == 200);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    cluster
                        .client()
                        .leases()
                        .inNamespace("ramp-system")
                        .withName("ramp-controller")
                        .get(),
                lease -> lease != null && "replica-1".equals(lease.getSpec().getHolderIdentity()));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    http.send(
                            HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body(),
                body -> body.contains("ramp_rollouts{phase=\"Healthy\"} 0"));
      } finally {
        command.requestStop();
      }
      assertThat(exit.get()).isZero();
      assertThat(out.toString())
          .contains("standing for election on Lease ramp-system/ramp-controller");
      // Released: the lease now lasts a second from the stop (fabric8's release keeps the
      // holder's name), so the next replica need not wait out the 3 s lease.
      Lease lease =
          cluster.client().leases().inNamespace("ramp-system").withName("ramp-controller").get();
      assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(1);
    }
  }

  @Test
  void refusesTooFewWorkersAndAMissingKubeconfig() {
    CliHarness.Result workers = CliHarness.run("controller", "--workers=1", "--metrics-port=0");
    assertThat(workers.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(workers.err()).contains("workers must be at least 2").contains("got 1");
    CliHarness.Result missing =
        CliHarness.run("controller", "--kubeconfig=" + dir.resolve("nope"), "--metrics-port=0");
    assertThat(missing.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(missing.err()).contains("--kubeconfig " + dir.resolve("nope") + " cannot be read");
  }
}
