package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.model.BlueGreenStrategy;
import dev.ramp.engine.model.PodTemplateMetadata;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutAnalysis;
import dev.ramp.engine.model.RolloutLabels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Blue-green end to end against the CRUD mock API server, with the AnalysisRun controller and a web
 * metric on one injected clock: preview and active Services, pre- and post-promotion analysis, the
 * pause, the scale-down delay, abort, and a controller killed before each status.
 */
class BlueGreenRolloutIT extends AnalysisRolloutItBase {
  static final List<String> BG_HISTORY =
      List.of(
          "RolloutUpdated",
          "RolloutPaused",
          "ActiveServiceSwitched",
          "RolloutCompleted",
          "RolloutAborted");

  /** Every write to the active Service: the hash it selects then, and that ReplicaSet's state. */
  final List<String> activeWrites = new CopyOnWriteArrayList<>();

  SharedIndexInformer<Service> watch;

  @BeforeEach
  void services() {
    for (String svc : List.of("demo-active", "demo-preview")) {
      cluster
          .client
          .services()
          .inNamespace(Cluster.NS)
          .resource(
              new ServiceBuilder()
                  .withNewMetadata()
                  .withName(svc)
                  .withNamespace(Cluster.NS)
                  .endMetadata()
                  .withNewSpec()
                  .addToSelector("app", "demo")
                  .endSpec()
                  .build())
          .create();
    }
    watch =
        cluster
            .client
            .services()
            .inNamespace(Cluster.NS)
            .withName("demo-active")
            .inform(
                new ResourceEventHandler<>() {
                  public void onAdd(Service s) {}

                  public void onUpdate(Service o, Service s) {
                    String hash = s.getSpec().getSelector().get("rollouts-pod-template-hash");
                    ReplicaSet rs =
                        cluster.replicaSets("demo").stream()
                            .filter(
                                x ->
                                    hash != null
                                        && hash.equals(
                                            x.getMetadata()
                                                .getLabels()
                                                .get("rollouts-pod-template-hash")))
                            .findFirst()
                            .orElse(null);
                    activeWrites.add(
                        hash
                            + " "
                            + (rs == null || rs.getStatus() == null
                                ? "missing"
                                : rs.getSpec().getReplicas()
                                    + "/"
                                    + rs.getStatus().getAvailableReplicas()));
                  }

                  public void onDelete(Service s, boolean unknown) {}
                },
                0);
  }

  @AfterEach
  void stopWatch() {
    watch.stop();
  }

  static Rollout blueGreen(Consumer<BlueGreenStrategy> setUp) {
    Rollout r = Cluster.rollout("demo", 5, List.of());
    r.getSpec().strategy.canary = null;
    BlueGreenStrategy b = new BlueGreenStrategy();
    b.activeService = "demo-active";
    b.previewService = "demo-preview";
    setUp.accept(b);
    r.getSpec().strategy.blueGreen = b;
    return r;
  }

  static RolloutAnalysis analysis() {
    RolloutAnalysis a = new RolloutAnalysis();
    a.templates = List.of(ref("rate"));
    return a;
  }

  /** Deploys v1 (active at once) and returns its hash. */
  String deployV1(Rollout r) {
    cluster.create(r);
    Rollout healthy = awaitRollout("demo", healthy());
    String v1 = healthy.getStatus().stableRS;
    await().until(() -> v1.equals(cluster.selector("demo-active")));
    await().until(() -> cluster.replicas("demo").equals(Map.of(v1, 5)));
    return v1;
  }

  static Predicate<Rollout> healthy() {
    return r ->
        "Healthy".equals(r.getStatus().phase)
            && r.getMetadata().getGeneration().equals(r.getStatus().observedGeneration);
  }

  static Predicate<Rollout> phaseIs(String phase) {
    return r ->
        phase.equals(r.getStatus().phase)
            && r.getMetadata().getGeneration().equals(r.getStatus().observedGeneration);
  }

  String v2() {
    return awaitRollout("demo", x -> x.getStatus().currentPodHash != null)
        .getStatus()
        .currentPodHash;
  }

  List<String> history() {
    return cluster.events("demo").stream()
        .filter(e -> BG_HISTORY.contains(e.substring(0, e.indexOf(':'))))
        .toList();
  }

  @Test
  void previewFirstThenPrePromotionAnalysisThenSwitchThenOldScaledDownAfterTheDelay() {
    template("rate", "\"interval\":\"30s\",\"count\":2,");
    cluster.restartController();
    String v1 = deployV1(blueGreen(b -> b.prePromotionAnalysis = analysis()));

    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    Rollout r =
        awaitRollout(
            "demo",
            x ->
                x.getStatus().blueGreen.prePromotionAnalysisRunStatus != null
                    && !v1.equals(x.getStatus().currentPodHash));
    String v2 = r.getStatus().currentPodHash;
    String pre = "demo-" + v2 + "-2-pre";
    awaitRun(pre, measured(1).and(runPhase("Running")));
    await().until(() -> v2.equals(cluster.selector("demo-preview")));
    assertThat(cluster.selector("demo-active")).isEqualTo(v1);
    assertThat(cluster.replicas("demo")).containsEntry(v1, 5).containsEntry(v2, 5);

    advance(Duration.ofSeconds(30));
    awaitRun(pre, runPhase("Successful"));
    r = awaitRollout("demo", healthy().and(x -> v2.equals(x.getStatus().stableRS)));
    assertThat(cluster.selector("demo-active")).isEqualTo(v2);
    assertThat(r.getStatus().blueGreen.activeSelector).isEqualTo(v2);
    assertThat(cluster.replicas("demo")).containsEntry(v1, 5);

    advance(Duration.ofSeconds(29));
    awaitRollout("demo", x -> true);
    assertThat(cluster.replicas("demo")).containsEntry(v1, 5);
    advance(Duration.ofSeconds(1));
    await().until(() -> cluster.replicas("demo").equals(Map.of(v1, 0, v2, 5)));
  }

  @Test
  void autoPromotionOffPausesUntilPromoteAndPreviewReplicaCountScalesOnlyThen() {
    cluster.restartController();
    String v1 =
        deployV1(
            blueGreen(
                b -> {
                  b.autoPromotionEnabled = false;
                  b.previewReplicaCount = 2;
                }));
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    Rollout r = awaitRollout("demo", phaseIs("Paused"));
    String v2 = r.getStatus().currentPodHash;
    assertThat(r.getStatus().message).isEqualTo("BlueGreenPause");
    assertThat(cluster.replicas("demo")).containsEntry(v2, 2).containsEntry(v1, 5);
    advance(Duration.ofHours(1));
    assertThat(awaitRollout("demo", x -> true).getStatus().phase).isEqualTo("Paused");
    assertThat(cluster.selector("demo-active")).isEqualTo(v1);

    actions.promote(Cluster.NS, "demo");
    awaitRollout("demo", healthy().and(x -> v2.equals(x.getStatus().stableRS)));
    assertThat(cluster.selector("demo-active")).isEqualTo(v2);
    assertThat(cluster.replicas("demo")).containsEntry(v2, 5);
  }

  @Test
  void autoPromotionSecondsPromotesAfterThatTime() {
    cluster.restartController();
    String v1 = deployV1(blueGreen(b -> b.autoPromotionSeconds = 60));
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    Rollout r = awaitRollout("demo", phaseIs("Paused"));
    String v2 = r.getStatus().currentPodHash;
    advance(Duration.ofSeconds(59));
    assertThat(awaitRollout("demo", x -> true).getStatus().phase).isEqualTo("Paused");
    assertThat(cluster.selector("demo-active")).isEqualTo(v1);
    advance(Duration.ofSeconds(1));
    awaitRollout("demo", healthy().and(x -> v2.equals(x.getStatus().stableRS)));
    assertThat(cluster.selector("demo-active")).isEqualTo(v2);
  }

  @Test
  void failedPostPromotionAnalysisSwitchesBackAfterTheScaleDownDelayEndedDuringTheRun() {
    template("rate", "\"interval\":\"30s\",\"count\":2,");
    cluster.restartController();
    String v1 =
        deployV1(
            blueGreen(
                b -> {
                  b.postPromotionAnalysis = analysis();
                  b.scaleDownDelaySeconds = 10;
                }));
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    Rollout r =
        awaitRollout("demo", x -> x.getStatus().blueGreen.postPromotionAnalysisRunStatus != null);
    String v2 = r.getStatus().currentPodHash;
    String post = "demo-" + v2 + "-2-post";
    awaitRun(post, measured(1).and(runPhase("Running")));
    assertThat(cluster.selector("demo-active")).isEqualTo(v2);
    assertThat(r.getStatus().stableRS).isEqualTo(v1);

    rate.set("0.5");
    // Past the scale-down delay while the run goes on: v1 stays up for the switch back.
    advance(Duration.ofSeconds(30));
    awaitRun(post, runPhase("Failed"));
    r = awaitRollout("demo", phaseIs("Degraded"));
    assertThat(r.getStatus().message).contains(post).contains("last value 0.5");
    assertThat(r.getStatus().blueGreen.activeSelector).isEqualTo(v1);
    await().until(() -> v1.equals(cluster.selector("demo-active")));
    assertThat(cluster.replicas("demo")).containsEntry(v1, 5);
  }

  @Test
  void activeNeverSelectsAReplicaSetThatIsNotFullyAvailable() {
    cluster.restartController();
    String v1 = deployV1(blueGreen(b -> {}));
    cluster.nodes.enabled(false);
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    String v2 =
        awaitRollout("demo", x -> "Progressing".equals(x.getStatus().phase))
            .getStatus()
            .currentPodHash;
    await().until(() -> cluster.replicas("demo").getOrDefault(v2, 0) == 5);
    for (int i = 0; i < 3; i++) {
      advance(Duration.ofSeconds(10));
      awaitRollout("demo", x -> true);
    }
    assertThat(cluster.selector("demo-active")).isEqualTo(v1);
    cluster.nodes.enabled(true);
    awaitRollout("demo", healthy().and(x -> v2.equals(x.getStatus().stableRS)));
    await().until(() -> v2.equals(cluster.selector("demo-active")));
    assertThat(activeWrites).isNotEmpty().allMatch(w -> w.endsWith(" 5/5"), "fully available");
  }

  /** A pod of the Rollout's ReplicaSet for this hash, as a kubelet-run ReplicaSet would make. */
  Pod podOf(String hash, String name) {
    ReplicaSet rs =
        cluster.replicaSets("demo").stream()
            .filter(x -> hash.equals(x.getMetadata().getLabels().get("rollouts-pod-template-hash")))
            .findFirst()
            .orElseThrow();
    return cluster
        .client
        .pods()
        .inNamespace(Cluster.NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(Cluster.NS)
                .withLabels(rs.getSpec().getTemplate().getMetadata().getLabels())
                .withAnnotations(rs.getSpec().getTemplate().getMetadata().getAnnotations())
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("ReplicaSet")
                .withName(rs.getMetadata().getName())
                .withUid(rs.getMetadata().getUid())
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("demo")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  String roleOf(String pod) {
    var p = cluster.client.pods().inNamespace(Cluster.NS).withName(pod).get();
    return p.getMetadata().getLabels().get("role")
        + "/"
        + (p.getMetadata().getAnnotations() == null
            ? null
            : p.getMetadata().getAnnotations().get("served-by"));
  }

  @Test
  void podMetadataFollowsTheActiveServiceOnPodsAndTemplates() {
    cluster.restartController();
    String v1 =
        deployV1(
            blueGreen(
                b -> {
                  b.autoPromotionEnabled = false;
                  b.activeMetadata =
                      new PodTemplateMetadata(
                          Map.of("role", "active"), Map.of("served-by", "active"));
                  b.previewMetadata = new PodTemplateMetadata(Map.of("role", "preview"), null);
                }));
    await().until(() -> "active".equals(templateLabel(v1)));
    podOf(v1, "v1-a"); // made from the template: it has the role already
    assertThat(roleOf("v1-a")).isEqualTo("active/active");

    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    String v2 = awaitRollout("demo", phaseIs("Paused")).getStatus().currentPodHash;
    await().until(() -> "preview".equals(templateLabel(v2)));
    podOf(v2, "v2-a");
    assertThat(roleOf("v2-a")).isEqualTo("preview/null");

    actions.promote(Cluster.NS, "demo");
    awaitRollout("demo", healthy().and(x -> v2.equals(x.getStatus().stableRS)));
    // Pods that existed before the switch are relabelled, not only the templates.
    await().until(() -> roleOf("v2-a").equals("active/active"));
    await().until(() -> roleOf("v1-a").equals("null/null"));
    assertThat(templateLabel(v1)).isNull();
    assertThat(
            cluster.replicaSets("demo").stream()
                .filter(
                    rs -> v1.equals(rs.getMetadata().getLabels().get("rollouts-pod-template-hash")))
                .findFirst()
                .orElseThrow()
                .getMetadata()
                .getAnnotations())
        .doesNotContainKey(RolloutLabels.ROLE_METADATA);
    // The selector of the pods is untouched.
    assertThat(
            cluster
                .client
                .pods()
                .inNamespace(Cluster.NS)
                .withName("v1-a")
                .get()
                .getMetadata()
                .getLabels())
        .containsEntry("app", "demo")
        .containsEntry("rollouts-pod-template-hash", v1);
  }

  String templateLabel(String hash) {
    return cluster.replicaSets("demo").stream()
        .filter(rs -> hash.equals(rs.getMetadata().getLabels().get("rollouts-pod-template-hash")))
        .map(rs -> rs.getSpec().getTemplate().getMetadata().getLabels().get("role"))
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  List<String> walk() {
    template("rate", "");
    cluster.restartController();
    String v1 =
        deployV1(
            blueGreen(
                b -> {
                  b.autoPromotionEnabled = false;
                  b.previewReplicaCount = 2;
                  b.prePromotionAnalysis = analysis();
                  b.postPromotionAnalysis = analysis();
                }));
    cluster.restartController();
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    Rollout r = awaitRollout("demo", phaseIs("Paused"));
    String v2 = r.getStatus().currentPodHash;
    cluster.restartController();
    actions.promote(Cluster.NS, "demo");
    awaitRollout("demo", healthy().and(x -> v2.equals(x.getStatus().stableRS)));
    assertThat(cluster.selector("demo-active")).isEqualTo(v2);
    advance(Duration.ofSeconds(30));
    await()
        .until(
            () -> {
              cluster.reviveIfKilled();
              return cluster.replicas("demo").equals(Map.of(v1, 0, v2, 5));
            });
    List<String> history = history();
    assertThat(history)
        .containsExactly(
            "ActiveServiceSwitched: Active Service demo-active switched to pod template " + v1,
            "RolloutUpdated: Rollout updated to pod template " + v2,
            "RolloutPaused: Rollout paused before promotion until promoted",
            "ActiveServiceSwitched: Active Service demo-active switched to pod template " + v2,
            "RolloutCompleted: Rollout completed update to pod template " + v2);
    return history;
  }

  @Test
  void theWholeSequence() {
    walk();
  }

  @Test
  void aControllerKilledBeforeEachStatusWriteGivesTheSameHistory() {
    cluster.chaos = true;
    List<String> history = walk();
    String v2 = history.get(1).substring(history.get(1).lastIndexOf(' ') + 1);
    assertThat(cluster.killedAt).anyMatch(t -> t.contains("/Paused/"));
    // Among them: the switch, with the post-promotion run just created.
    assertThat(cluster.killedAt)
        .anyMatch(t -> t.contains("/bg:" + v2 + ":" + v2 + ":") && t.endsWith(":Pending"));
    assertThat(cluster.starts.get()).isGreaterThan(cluster.killedAt.size());
  }
}
