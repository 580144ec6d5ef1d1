package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.kube.EmbeddedApiServer;
import dev.ramp.engine.kube.RolloutController;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.sandbox.NodeSimulator;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blue-green rollout driven by the real controller and steered only through the ramp command:
 * status, get (which ReplicaSet each Service selects), abort, retry, promote and undo.
 */
class BlueGreenCliIT {

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
          "    blueGreen:",
          "      activeService: checkout-active",
          "      previewService: checkout-preview",
          "      autoPromotionEnabled: false",
          "");

  KubernetesClient client;
  String[] onCluster;

  @Test
  void statusGetAbortRetryPromoteAndUndo() throws Exception {
    try (EmbeddedApiServer server = EmbeddedApiServer.start();
        KubernetesClient c = server.client();
        NodeSimulator nodes = new NodeSimulator(c, Duration.ofMillis(100)).start();
        RolloutController controller = new RolloutController(c, "shop", Clock.systemUTC(), 2)) {
      client = c;
      server.registerRampCrds();
      controller.start();
      onCluster =
          new String[] {
            "--kubeconfig",
            server.writeKubeconfig(dir.resolve("kubeconfig")).toString(),
            "-n",
            "shop"
          };
      for (String name : List.of("checkout-active", "checkout-preview")) {
        client
            .services()
            .inNamespace("shop")
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace("shop")
                    .endMetadata()
                    .withNewSpec()
                    .addToSelector("app", "checkout")
                    .endSpec()
                    .build())
            .create();
      }
      Path manifest = Files.writeString(dir.resolve("checkout.yaml"), ROLLOUT);
      assertThat(CliHarness.run("lint", "-f", manifest.toString()).exitCode()).isZero();
      client
          .resources(Rollout.class)
          .inNamespace("shop")
          .resource(PluginSupport.YAML.readValue(ROLLOUT, Rollout.class))
          .create();

      CliHarness.Result first = run("status", "checkout", "--timeout", "30s");
      assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
      String v1 = read().getStatus().stableRS;
      assertThat(line(run("get", "rollout", "checkout").out(), v1))
          .contains("stable")
          .contains("<- active")
          .contains("<- preview");

      assertThat(run("set", "image", "checkout", "app=shop:2").exitCode()).isZero();
      String v2 = awaitStatus(r -> "Paused".equals(r.getStatus().phase)).getStatus().currentPodHash;
      CliHarness.Result paused = run("status", "checkout");
      assertThat(paused.exitCode()).as(paused.out()).isEqualTo(2);
      assertThat(paused.out()).contains("BlueGreenPause");
      String tree = run("get", "rollout", "checkout").out();
      assertThat(line(tree, v1)).contains("stable").contains("<- active").doesNotContain("preview");
      assertThat(line(tree, v2))
          .contains("preview")
          .contains("<- preview")
          .doesNotContain("active");
      assertThat(selector("checkout-active")).isEqualTo(v1);
      assertThat(selector("checkout-preview")).isEqualTo(v2);

      assertThat(run("abort", "checkout").exitCode()).isZero();
      awaitStatus(r -> "Degraded".equals(r.getStatus().phase));
      CliHarness.Result aborted = run("status", "checkout");
      assertThat(aborted.exitCode()).as(aborted.out()).isEqualTo(1);
      assertThat(aborted.out()).containsIgnoringCase("abort");
      assertThat(selector("checkout-active")).isEqualTo(v1);

      assertThat(run("retry", "checkout").exitCode()).isZero();
      awaitStatus(r -> "Paused".equals(r.getStatus().phase) && r.getStatus().abort == null);
      assertThat(selector("checkout-active")).isEqualTo(v1);

      assertThat(run("promote", "checkout").exitCode()).isZero();
      CliHarness.Result done = run("status", "checkout", "--timeout", "30s");
      assertThat(done.exitCode()).as(done.out() + done.err()).isZero();
      assertThat(read().getStatus().stableRS).isEqualTo(v2);
      assertThat(selector("checkout-active")).isEqualTo(v2);
      assertThat(line(run("get", "rollout", "checkout").out(), v2))
          .contains("stable")
          .contains("<- active");

      // Undo: v1's template again, as a new revision; it is not stable, so it is previewed and
      // paused before it takes the active Service back.
      assertThat(run("undo", "checkout").exitCode()).isZero();
      awaitStatus(
          r -> "Paused".equals(r.getStatus().phase) && v1.equals(r.getStatus().currentPodHash));
      assertThat(selector("checkout-preview")).isEqualTo(v1);
      assertThat(selector("checkout-active")).isEqualTo(v2);
      assertThat(run("promote", "checkout").exitCode()).isZero();
      CliHarness.Result undone = run("status", "checkout", "--timeout", "30s");
      assertThat(undone.exitCode()).as(undone.out() + undone.err()).isZero();
      assertThat(read().getStatus().stableRS).isEqualTo(v1);
      assertThat(selector("checkout-active")).isEqualTo(v1);
    }
  }

  /** The line of {@code ramp get rollout} for the ReplicaSet with this hash. */
  static String line(String tree, String hash) {
    Matcher m = Pattern.compile("(?m)^.*hash " + hash + ".*$").matcher(tree);
    assertThat(m.find()).as(tree).isTrue();
    return m.group();
  }

  String selector(String service) {
    return client
        .services()
        .inNamespace("shop")
        .withName(service)
        .get()
        .getSpec()
        .getSelector()
        .get("rollouts-pod-template-hash");
  }

  Rollout awaitStatus(Predicate<Rollout> p) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Rollout r = read();
              return r.getStatus() != null
                  && r.getMetadata().getGeneration().equals(r.getStatus().observedGeneration)
                  && p.test(r);
            });
    return read();
  }

  Rollout read() {
    return client.resources(Rollout.class).inNamespace("shop").withName("checkout").get();
  }

  /** Runs ramp against the cluster; the watching verbs look every 100 ms. */
  CliHarness.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(onCluster));
    if (List.of("status", "get").contains(args[0])) {
      all.addAll(List.of("--interval", "100ms"));
    }
    return CliHarness.run(all.toArray(String[]::new));
  }
}
