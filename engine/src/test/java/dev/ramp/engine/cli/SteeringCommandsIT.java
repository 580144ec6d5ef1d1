package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every steering verb against the embedded API server, through a kubeconfig, in-process. */
class SteeringCommandsIT {

  static EmbeddedCluster cluster;
  static KubernetesClient client;
  @TempDir static Path dir;
  static Path kubeconfig;

  Rollout rollout;

  @BeforeAll
  static void start() throws Exception {
    cluster = EmbeddedCluster.start(EmbeddedCluster.rampCrds(), List.of("shop"));
    client = cluster.client();
    kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  /** checkout in shop: revision 1 (demo:1, stable) and 2 (demo:2, canary), paused at step 2. */
  @BeforeEach
  void createRollout() throws Exception {
    client.resources(Rollout.class).inNamespace("shop").withName("checkout").delete();
    client.apps().replicaSets().inNamespace("shop").delete();
    await()
        .until(
            () ->
                client.resources(Rollout.class).inNamespace("shop").withName("checkout").get()
                    == null);
    Rollout r = PluginSupport.YAML.readValue(LintCommandTest.VALID, Rollout.class);
    r.getMetadata().setNamespace("shop");
    r.getSpec().template = Json.MAPPER.readTree(template("shop:2"));
    rollout = client.resources(Rollout.class).inNamespace("shop").resource(r).create();
    for (int revision = 1; revision <= 2; revision++) {
      String hash = "h" + revision;
      ReplicaSet rs =
          new ReplicaSetBuilder()
              .withNewMetadata()
              .withName("checkout-" + hash)
              .withNamespace("shop")
              .addToLabels("rollouts-pod-template-hash", hash)
              .addToAnnotations("rollout.ramp.dev/revision", String.valueOf(revision))
              .addToAnnotations("rollout.ramp.dev/template", template("shop:" + revision))
              .addNewOwnerReference()
              .withApiVersion(Rollout.API_VERSION)
              .withKind("Rollout")
              .withName("checkout")
              .withUid(rollout.getMetadata().getUid())
              .withController(true)
              .endOwnerReference()
              .endMetadata()
              .withNewSpec()
              .withReplicas(revision == 1 ? 3 : 1)
              .endSpec()
              .build();
      client.apps().replicaSets().inNamespace("shop").resource(rs).create();
    }
    setStatus(
        s -> {
          s.phase = "Paused";
          s.message = "CanaryPauseStep";
          s.currentStepIndex = 1;
          s.currentPodHash = "h2";
          s.stableRS = "h1";
          s.pauseConditions =
              List.of(new RolloutStatus.PauseCondition("CanaryPauseStep", "2026-11-23T10:00:00Z"));
        });
  }

  static String template(String image) {
    return "{\"metadata\":{\"labels\":{\"app\":\"checkout\"}},"
        + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\""
        + image
        + "\"}]}}";
  }

  static Rollout read() {
    return client.resources(Rollout.class).inNamespace("shop").withName("checkout").get();
  }

  /** Writes a status as the controller would, for the generation it sees. */
  static void setStatus(Consumer<RolloutStatus> change) {
    Rollout r = read();
    RolloutStatus s = r.getStatus() == null ? new RolloutStatus() : r.getStatus();
    s.observedGeneration = r.getMetadata().getGeneration();
    change.accept(s);
    r.setStatus(s);
    client.resources(Rollout.class).inNamespace("shop").resource(r).updateStatus();
  }

  static CliHarness.Running start(String... args) {
    return CliHarness.start(withCluster(args));
  }

  static CliHarness.Result ramp(String... args) {
    return CliHarness.run(withCluster(args));
  }

  private static String[] withCluster(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--kubeconfig";
    all[args.length + 1] = kubeconfig.toString();
    all[args.length + 2] = "-n";
    all[args.length + 3] = "shop";
    return all;
  }

  @Test
  void getRendersTheTreeWithoutColourWhenPiped() {
    CliHarness.Result result = ramp("get", "rollout", "checkout");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Name:      checkout")
        .contains("Status:    Paused")
        .contains("Step:      2 of 2 (pause until promoted)")
        .contains("`-- checkout-h2  ReplicaSet")
        .contains("hash h1  stable")
        .doesNotContain("\u001b[");
  }

  @Test
  void getWatchUntilDoneRedrawsOnChangeAndStopsWhenHealthy() {
    CliHarness.Running watching =
        start("get", "ro", "checkout", "--watch", "--until-done", "--interval", "50ms");
    // The first drawing is out before the rollout changes.
    await().until(() -> watching.outSoFar().contains("Status:    Paused"));
    setStatus(
        s -> {
          s.phase = "Healthy";
          s.stableRS = "h2";
          s.currentStepIndex = 2;
          s.pauseConditions = null;
        });

    CliHarness.Result result = await().until(watching.result()::join, r -> true);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Status:    Paused")
        .contains("---")
        .contains("Status:    Healthy");
  }

  @Test
  void listShowsTheTable() {
    CliHarness.Result result = ramp("list", "rollouts");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out().lines()).first().isEqualTo("NAME       PHASE    STEP     WEIGHT   AGE");
    assertThat(result.out().lines().skip(1).findFirst().orElseThrow())
        .startsWith("checkout   Paused   2 of 2   20       ");

    CliHarness.Result all =
        CliHarness.run("list", "rollouts", "-A", "--kubeconfig", kubeconfig.toString());
    assertThat(all.out()).startsWith("NAMESPACE   NAME").contains("shop        checkout");
  }

  @Test
  void listDefaultsToRolloutsAndPrintsJsonOrYaml() throws Exception {
    CliHarness.Result bare = ramp("list");
    assertThat(bare.exitCode()).as(bare.err()).isZero();
    // The same table as `ramp list rollouts` (the AGE column left out: it moves with the clock).
    assertThat(bare.out().lines().map(l -> l.replaceAll("\\S+$", "")))
        .containsExactly(
            "NAME       PHASE    STEP     WEIGHT   ", "checkout   Paused   2 of 2   20       ");

    CliHarness.Result json = ramp("list", "-o", "json");
    assertThat(json.exitCode()).as(json.err()).isZero();
    var list = Json.MAPPER.readTree(json.out());
    assertThat(list.path("kind").asText()).isEqualTo("List");
    assertThat(list.path("items")).hasSize(1);
    assertThat(list.path("items").get(0).path("metadata").path("name").asText())
        .isEqualTo("checkout");
    assertThat(list.path("items").get(0).path("status").path("phase").asText()).isEqualTo("Paused");

    CliHarness.Result yaml = ramp("list", "ro", "-o", "yaml");
    assertThat(yaml.out()).startsWith("apiVersion:").doesNotStartWith("---");
    assertThat(PluginSupport.YAML.readTree(yaml.out())).isEqualTo(list);

    CliHarness.Result bad = ramp("list", "-o", "wide");
    assertThat(bad.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(bad.err()).isEqualTo("error: -o wide is not supported; use -o json or -o yaml\n");
  }

  @Test
  void promoteClearsThePauseAndFullSetsPromoteFull() {
    assertThat(ramp("promote", "checkout").out()).isEqualTo("rollout shop/checkout promoted\n");
    assertThat(read().getStatus().pauseConditions).isNull();

    assertThat(ramp("promote", "checkout", "--full").exitCode()).isZero();
    assertThat(read().getStatus().promoteFull).isTrue();
  }

  @Test
  void abortThenRetry() {
    assertThat(ramp("abort", "checkout").out()).isEqualTo("rollout shop/checkout aborted\n");
    assertThat(read().getStatus().abort).isTrue();

    assertThat(ramp("retry", "checkout").exitCode()).isZero();
    assertThat(read().getStatus().abort).isNull();
    assertThat(read().getStatus().currentStepIndex).isZero();
  }

  @Test
  void pauseThenResume() {
    assertThat(ramp("pause", "checkout").exitCode()).isZero();
    assertThat(read().getSpec().paused).isTrue();
    assertThat(ramp("resume", "checkout").out()).isEqualTo("rollout shop/checkout resumed\n");
    assertThat(read().getSpec().paused).isFalse();
  }

  @Test
  void undoRestoresThePreviousTemplate() {
    CliHarness.Result result = ramp("undo", "checkout");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(
            read().getSpec().template.path("spec").path("containers").get(0).path("image").asText())
        .isEqualTo("shop:1");

    CliHarness.Result missing = ramp("undo", "checkout", "--to-revision", "7");
    assertThat(missing.exitCode()).isEqualTo(3);
    assertThat(missing.err()).startsWith("error: Rollout shop/checkout has no revision 7");
  }

  @Test
  void restartSetsRestartAt() {
    assertThat(ramp("restart", "checkout").exitCode()).isZero();
    assertThat(read().getSpec().restartAt).isNotNull();
  }

  @Test
  void setImageChangesOneContainer() {
    CliHarness.Result result = ramp("set", "image", "checkout", "app=shop:3");

    assertThat(result.out()).isEqualTo("rollout shop/checkout container app set to shop:3\n");
    assertThat(
            read().getSpec().template.path("spec").path("containers").get(0).path("image").asText())
        .isEqualTo("shop:3");

    CliHarness.Result noContainer = ramp("set", "image", "checkout", "db=pg:16");
    assertThat(noContainer.exitCode()).isEqualTo(3);
    assertThat(noContainer.err())
        .isEqualTo("error: Rollout shop/checkout has no container \"db\"\n");

    CliHarness.Result malformed = ramp("set", "image", "checkout", "shop:3");
    assertThat(malformed.exitCode()).isEqualTo(3);
    assertThat(malformed.err()).contains("is not CONTAINER=IMAGE");
  }

  @Test
  void statusExitsZeroWhenTheWatchedRolloutBecomesHealthy() {
    CliHarness.Running watching =
        start("status", "checkout", "--watch", "--timeout", "30s", "--interval", "50ms");
    // The first line is out before the rollout changes.
    await().until(() -> watching.outSoFar().contains("Paused: step 2 of 2"));
    setStatus(
        s -> {
          s.phase = "Healthy";
          s.message = null;
          s.stableRS = "h2";
          s.currentStepIndex = 2;
          s.pauseConditions = null;
        });

    CliHarness.Result result = await().until(watching.result()::join, r -> true);
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "shop/checkout: Paused: step 2 of 2 (pause until promoted), canary weight 20%,"
                + " 0/3 available: CanaryPauseStep",
            "shop/checkout: Healthy: revision h2 is stable");
  }

  @Test
  void statusExitsOneWhenDegraded() {
    setStatus(
        s -> {
          s.phase = "Degraded";
          s.message = "RolloutAborted: aborted by user";
          s.abort = true;
        });

    CliHarness.Result result = ramp("status", "checkout", "--watch");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .isEqualTo("shop/checkout: Degraded (aborted): RolloutAborted: aborted by user\n");
  }

  @Test
  void statusExitsTwoOnTimeoutAndWithoutWatchWhenNotDone() {
    CliHarness.Result timedOut =
        ramp("status", "checkout", "--timeout", "300ms", "--interval", "50ms");
    assertThat(timedOut.exitCode()).isEqualTo(2);
    assertThat(timedOut.out()).endsWith("shop/checkout: timed out after 0s\n");

    assertThat(ramp("status", "checkout").exitCode()).isEqualTo(2);
  }

  @Test
  void statusWaitsForTheControllerToSeeANewSpec() {
    setStatus(s -> s.phase = "Healthy");
    assertThat(ramp("set", "image", "checkout", "app=shop:9").exitCode()).isZero();

    CliHarness.Result result = ramp("status", "checkout");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).contains("waiting for the controller to see generation");
  }

  @Test
  void anUnknownRolloutIsOneLine() {
    for (String verb : List.of("get rollout", "status", "promote", "abort", "undo", "restart")) {
      List<String> args = new java.util.ArrayList<>(List.of(verb.split(" ")));
      args.add("nope");
      CliHarness.Result result = ramp(args.toArray(String[]::new));
      assertThat(result.exitCode()).as(verb).isEqualTo(3);
      assertThat(result.err())
          .as(verb)
          .isEqualTo("error: rollout shop/nope not found; see `ramp list rollouts -n shop`\n");
    }
  }

  @Test
  void anUnknownKindIsOneLine() {
    CliHarness.Result result = ramp("get", "deployment", "checkout");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err())
        .isEqualTo(
            "error: unknown kind \"deployment\"; ramp get knows: rollout (rollouts, ro),"
                + " analysisrun (analysisruns, ar)\n");
  }

  @Test
  void anUnknownContextIsOneLine() {
    CliHarness.Result result =
        CliHarness.run("list", "ro", "--kubeconfig", kubeconfig.toString(), "--context", "prod");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err())
        .isEqualTo(
            "error: context \"prod\" is not in " + kubeconfig + "; it has [ramp-embedded]\n");
  }

  @Test
  void anUnreachableClusterIsOneLineAndExit4AndVerboseShowsTheTrace() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path closed =
        Files.writeString(
            dir.resolve("closed-kubeconfig"),
            Files.readString(kubeconfig).replace(cluster.url(), "http://127.0.0.1:" + port));

    CliHarness.Result result =
        CliHarness.run("get", "rollout", "checkout", "--kubeconfig", closed.toString());

    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.err())
        .startsWith("error: cannot reach the Kubernetes API: ")
        .contains("Connection refused")
        .endsWith("; check --kubeconfig and --context\n");
    assertThat(result.err().lines()).hasSize(1);

    CliHarness.Result verbose =
        CliHarness.run("status", "checkout", "--kubeconfig", closed.toString(), "--verbose");
    assertThat(verbose.exitCode()).isEqualTo(4);
    assertThat(verbose.err()).contains("\tat ");
  }
}
