package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.kube.EmbeddedApiServer;
import dev.ramp.engine.kube.RolloutController;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.sandbox.NodeSimulator;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rollout driven by the real controller and steered only through the ramp command. */
class CliWithControllerIT {

  @TempDir Path dir;

  static final String ROLLOUT =
      String.join(
          "\n",
          "apiVersion: ramp.dev/v1alpha1",
          "kind: Rollout",
          "metadata: {name: checkout, namespace: shop}",
          "spec:",
          "  replicas: 2",
          "  selector: {matchLabels: {app: checkout}}",
          "  template:",
          "    metadata: {labels: {app: checkout}}",
          "    spec: {containers: [{name: app, image: 'shop:1'}]}",
          "  strategy:",
          "    canary:",
          "      steps:",
          "      - setWeight: 50",
          "      - pause: {}",
          "");

  @Test
  void deployUpdatePromoteAndWaitWithStatus() throws Exception {
    // The kube package's server: RFC 7386 merge patches, as the canary ITs use.
    try (EmbeddedApiServer server = EmbeddedApiServer.start();
        KubernetesClient client = server.client();
        NodeSimulator nodes = new NodeSimulator(client, Duration.ofMillis(100)).start();
        RolloutController controller =
            new RolloutController(client, "shop", Clock.systemUTC(), 2)) {
      server.registerRampCrds();
      controller.start();
      Path kubeconfig = server.writeKubeconfig(dir.resolve("kubeconfig"));
      Path manifest = Files.writeString(dir.resolve("checkout.yaml"), ROLLOUT);
      assertThat(CliHarness.run("lint", "-f", manifest.toString()).exitCode()).isZero();
      client
          .resources(Rollout.class)
          .inNamespace("shop")
          .resource(PluginSupport.YAML.readValue(ROLLOUT, Rollout.class))
          .create();
      String[] onCluster = {"--kubeconfig", kubeconfig.toString(), "-n", "shop"};

      CliHarness.Result first = run(onCluster, "status", "checkout", "--timeout", "30s");
      assertThat(first.exitCode()).as(first.out() + first.err()).isZero();

      CliHarness.Result set = run(onCluster, "set", "image", "checkout", "app=shop:2");
      assertThat(set.exitCode()).as(set.err()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> "Paused".equals(read(client).getStatus().phase));
      CliHarness.Result paused = run(onCluster, "status", "checkout");
      assertThat(paused.exitCode()).isEqualTo(2);
      assertThat(paused.out()).contains("Paused: step 2 of 2 (pause until promoted)");
      CliHarness.Result tree = run(onCluster, "get", "rollout", "checkout");
      assertThat(tree.out())
          .contains("Step:      2 of 2 (pause until promoted)")
          .contains("revision:2")
          .contains("revision:1")
          .contains("canary")
          .contains("stable");

      assertThat(run(onCluster, "promote", "checkout").exitCode()).isZero();
      CliHarness.Result done = run(onCluster, "status", "checkout", "--timeout", "30s");
      assertThat(done.exitCode()).as(done.out() + done.err()).isZero();
      Rollout r = read(client);
      assertThat(r.getStatus().stableRS).isEqualTo(r.getStatus().currentPodHash);
      assertThat(run(onCluster, "list", "ro").out()).contains("checkout   Healthy   all 2 done");
    }
  }

  private static Rollout read(KubernetesClient client) {
    return client.resources(Rollout.class).inNamespace("shop").withName("checkout").get();
  }

  /** Runs ramp against the cluster; the watching verbs look every 100 ms. */
  private static CliHarness.Result run(String[] cluster, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(cluster));
    if (List.of("status", "get").contains(args[0])) {
      all.addAll(List.of("--interval", "100ms"));
    }
    return CliHarness.run(all.toArray(String[]::new));
  }
}
