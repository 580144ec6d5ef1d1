package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutCondition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Abort, retry, promote full, undo, template changes and the progress deadline. */
class CanaryActionsIT extends RolloutItBase {
  String v1;

  @BeforeEach
  void startController() {
    cluster.restartController();
  }

  String toV2() {
    v1 = deployStable("demo");
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    return awaitRollout("demo", phase("Paused", 1)).getStatus().currentPodHash;
  }

  void awaitReplicas(Map<String, Integer> want) {
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.replicas("demo").equals(want));
  }

  @Test
  void abortAtEachPauseThenRetryThenPromoteFull() {
    String v2 = toV2();
    actions.abort(Cluster.NS, "demo");
    Rollout r = awaitRollout("demo", x -> "Degraded".equals(x.getStatus().phase));
    assertThat(r.getStatus().message).startsWith("RolloutAborted: ");
    awaitReplicas(Map.of(v1, 5, v2, 0));
    await().until(() -> v1.equals(cluster.selector("demo-canary")));

    actions.retry(Cluster.NS, "demo");
    awaitRollout("demo", phase("Paused", 1));
    awaitReplicas(Map.of(v1, 4, v2, 1));
    cluster.clock.advance(Duration.ofSeconds(30));
    cluster.clockAdvanced();
    awaitRollout("demo", phase("Paused", 3));
    awaitReplicas(Map.of(v1, 2, v2, 3));

    actions.abort(Cluster.NS, "demo");
    awaitRollout("demo", x -> "Degraded".equals(x.getStatus().phase));
    awaitReplicas(Map.of(v1, 5, v2, 0));
    actions.retry(Cluster.NS, "demo");
    awaitRollout("demo", phase("Paused", 1));

    actions.promoteFull(Cluster.NS, "demo");
    r = awaitRollout("demo", phase("Healthy", 4));
    assertThat(r.getStatus().stableRS).isEqualTo(v2);
    assertThat(r.getStatus().promoteFull).isNull();
    awaitReplicas(Map.of(v1, 0, v2, 5));
    assertThat(history("demo")).filteredOn(e -> e.startsWith("RolloutAborted")).hasSize(2);
  }

  @Test
  void abortAtTheFirstStepWhileCanaryPodsAreNotReady() {
    v1 = deployStable("demo");
    cluster.nodes.enabled(false);
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    Rollout r = awaitRollout("demo", phase("Progressing", 0));
    String v2 = r.getStatus().currentPodHash;
    awaitReplicas(Map.of(v1, 4, v2, 1));
    actions.abort(Cluster.NS, "demo");
    awaitRollout("demo", x -> "Degraded".equals(x.getStatus().phase));
    // Stable back first, then the canary down (its pod was never available: removed freely).
    awaitReplicas(Map.of(v1, 5, v2, 0));
    cluster.nodes.enabled(true);
    actions.retry(Cluster.NS, "demo");
    awaitRollout("demo", phase("Paused", 1));
  }

  @Test
  void undoRestoresThePreviousTemplateExactly() {
    String v2 = toV2();
    actions.promoteFull(Cluster.NS, "demo");
    awaitRollout("demo", phase("Healthy", 4));
    actions.undo(Cluster.NS, "demo", null);
    Rollout r = awaitRollout("demo", phase("Paused", 1));
    assertThat(r.getStatus().currentPodHash).isEqualTo(v1);
    assertThat(r.getStatus().stableRS).isEqualTo(v2);
    awaitReplicas(Map.of(v1, 1, v2, 4));
    assertThat(cluster.replicaSets("demo")).hasSize(2);
  }

  @Test
  void newTemplateMidRolloutStartsANewCanaryAndClearsAbort() {
    String v2 = toV2();
    cluster.clock.advance(Duration.ofSeconds(30));
    cluster.clockAdvanced();
    awaitRollout("demo", phase("Paused", 3));
    actions.abort(Cluster.NS, "demo");
    awaitRollout("demo", x -> "Degraded".equals(x.getStatus().phase));
    actions.setImage(Cluster.NS, "demo", "app", "demo:3");
    Rollout r = awaitRollout("demo", phase("Paused", 1));
    String v3 = r.getStatus().currentPodHash;
    assertThat(v3).isNotIn(v1, v2);
    assertThat(r.getStatus().abort).isNull();
    assertThat(r.getStatus().stableRS).isEqualTo(v1);
    awaitReplicas(Map.of(v1, 4, v2, 0, v3, 1));
  }

  @Test
  void backToTheStableTemplateSkipsTheSteps() {
    String v2 = toV2();
    actions.setImage(Cluster.NS, "demo", "app", "demo:1");
    Rollout r = awaitRollout("demo", phase("Healthy", 4));
    assertThat(r.getStatus().currentPodHash).isEqualTo(v1);
    assertThat(r.getStatus().stableRS).isEqualTo(v1);
    awaitReplicas(Map.of(v1, 5, v2, 0));
  }

  @Test
  void progressDeadlineExceededWithoutAbortDegradesThenRecovers() {
    deadlineRollout(false);
    cluster.nodes.enabled(false);
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    String v2 = awaitRollout("demo", phase("Progressing", 0)).getStatus().currentPodHash;
    awaitReplicas(Map.of(v1, 4, v2, 1));
    Rollout r = passTheDeadline(x -> "Degraded".equals(x.getStatus().phase));
    RolloutCondition p = r.getStatus().condition("Progressing");
    assertThat(p.status).isEqualTo("False");
    assertThat(p.reason).isEqualTo("ProgressDeadlineExceeded");
    assertThat(r.getStatus().abort).isNull();
    cluster.nodes.enabled(true);
    awaitRollout("demo", phase("Paused", 1));
  }

  @Test
  void progressDeadlineExceededWithAbortAborts() {
    deadlineRollout(true);
    cluster.nodes.enabled(false);
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    String v2 = awaitRollout("demo", phase("Progressing", 0)).getStatus().currentPodHash;
    awaitReplicas(Map.of(v1, 4, v2, 1));
    Rollout r = passTheDeadline(x -> Boolean.TRUE.equals(x.getStatus().abort));
    assertThat(r.getStatus().phase).isEqualTo("Degraded");
    awaitReplicas(Map.of(v1, 5, v2, 0));
  }

  /**
   * Moves the clock past the 60 s deadline until the rollout shows it: a reconcile still settling
   * the canary's creation counts as progress and restarts the deadline.
   */
  private Rollout passTheDeadline(java.util.function.Predicate<Rollout> shows) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              cluster.clock.advance(Duration.ofSeconds(61));
              cluster.clockAdvanced();
              return cluster.get("demo");
            },
            r -> r.getStatus() != null && shows.test(r));
  }

  private void deadlineRollout(boolean abort) {
    Rollout r = Cluster.rollout("demo", 5, STEPS);
    r.getSpec().progressDeadlineSeconds = 60;
    r.getSpec().progressDeadlineAbort = abort;
    cluster.create(r);
    v1 = awaitRollout("demo", phase("Healthy", 4)).getStatus().stableRS;
  }

  @Test
  void invalidSpecsAreReportedAndNothingIsTouched() {
    v1 = deployStable("demo");
    Rollout r = cluster.get("demo");
    r.getSpec().strategy.canary.steps = List.of(CanaryStep.setWeight(120));
    cluster.client.resources(Rollout.class).inNamespace(Cluster.NS).resource(r).update();
    r =
        awaitRollout(
            "demo",
            x -> "Degraded".equals(x.getStatus().phase) && x.getStatus().observedGeneration == 2L);
    assertThat(r.getStatus().condition("InvalidSpec").message)
        .isEqualTo("spec.strategy.canary.steps[0].setWeight: 120 is outside 0-100");
    assertThat(r.getStatus().message).startsWith("InvalidSpec: ");
    assertThat(cluster.replicas("demo")).isEqualTo(Map.of(v1, 5));

    Rollout bad = Cluster.rollout("nosel", 2, STEPS);
    bad.getSpec().selector = null;
    cluster.create(bad);
    Rollout twoKinds = Cluster.rollout("twokinds", 2, STEPS);
    CanaryStep both = CanaryStep.setWeight(10);
    both.pause = new CanaryStep.PauseStep();
    twoKinds.getSpec().strategy.canary.steps = List.of(both);
    cluster.create(twoKinds);
    Rollout istio = Cluster.rollout("istio", 2, STEPS);
    istio.getSpec().strategy.canary.trafficRouting = new dev.ramp.engine.model.TrafficRouting();
    istio.getSpec().strategy.canary.trafficRouting.istio =
        ((ObjectNode) Json.MAPPER.createObjectNode()).put("virtualService", "vs");
    cluster.create(istio);
    assertThat(invalidMessage("nosel"))
        .isEqualTo(
            "spec.selector: missing; set matchLabels that match spec.template.metadata.labels");
    assertThat(invalidMessage("twokinds"))
        .isEqualTo(
            "spec.strategy.canary.steps[0]: a step sets exactly one kind, found setWeight and"
                + " pause");
    assertThat(invalidMessage("istio"))
        .startsWith(
            "spec.strategy.canary.trafficRouting.istio: Argo's built-in istio router is not"
                + " supported");
    assertThat(cluster.replicaSets("nosel")).isEmpty();
    assertThat(cluster.replicaSets("istio")).isEmpty();
  }

  private String invalidMessage(String name) {
    Rollout r = awaitRollout(name, x -> "Degraded".equals(x.getStatus().phase));
    return r.getStatus().condition("InvalidSpec").message;
  }

  @Test
  void restartDeletesPodsOlderThanRestartAtOneBatchAtATime() {
    v1 = deployStable("demo");
    var rs = cluster.replicaSets("demo").get(0);
    for (int i = 0; i < 5; i++) {
      cluster
          .client
          .pods()
          .inNamespace(Cluster.NS)
          .resource(
              new io.fabric8.kubernetes.api.model.PodBuilder()
                  .withNewMetadata()
                  .withName("demo-pod-" + i)
                  .withNamespace(Cluster.NS)
                  .addToLabels("app", "demo")
                  .addToLabels("rollouts-pod-template-hash", v1)
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
                  .withImage("demo:1")
                  .endContainer()
                  .endSpec()
                  .withNewStatus()
                  .addNewCondition()
                  .withType("Ready")
                  .withStatus("True")
                  .endCondition()
                  .endStatus()
                  .build())
          .create();
    }
    // The API server stamps pods with wall time; restart as of a moment after that.
    cluster.clock.set(java.time.Instant.now().plus(Duration.ofDays(1)));
    actions.restart(Cluster.NS, "demo");
    // 5 replicas, maxUnavailable 1: one pod goes; the next waits for a full set of ready pods.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> cluster.client.pods().inNamespace(Cluster.NS).list().getItems().size() == 4);
    assertThat(cluster.get("demo").getStatus().restartedAt).isNull();
    cluster.client.pods().inNamespace(Cluster.NS).delete();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              cluster.clock.advance(Duration.ofSeconds(10));
              cluster.clockAdvanced();
              return cluster.get("demo").getStatus().restartedAt != null;
            });
    assertThat(cluster.get("demo").getStatus().restartedAt)
        .isEqualTo(cluster.get("demo").getSpec().restartAt);
  }
}
