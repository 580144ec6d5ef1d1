package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.actions.RolloutActions;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Rollout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The canary end to end against the CRUD mock API server. */
class CanaryRolloutIT {
  static final List<CanaryStep> STEPS = List.of(
      CanaryStep.setWeight(20), CanaryStep.pause("30s"), CanaryStep.setWeight(60),
      CanaryStep.pause(null));

  Cluster cluster;
  RolloutController controller;
  RolloutActions actions;

  @BeforeEach
  void setUp() throws Exception {
    cluster = new Cluster();
    controller = cluster.controller();
    actions = new RolloutActions(cluster.client, cluster.clock);
  }

  @AfterEach
  void tearDown() {
    controller.close();
    cluster.close();
  }

  Rollout awaitRollout(String name, Predicate<Rollout> p) {
    return await().atMost(Duration.ofSeconds(20)).until(() -> cluster.get(name),
        r -> r.getStatus() != null && p.test(r));
  }

  static Predicate<Rollout> phase(String phase, Integer step) {
    return r -> phase.equals(r.getStatus().phase)
        && java.util.Objects.equals(step, r.getStatus().currentStepIndex);
  }

  /** Deploys v1 (Healthy at once) and returns its hash. */
  String deployStable(String name) {
    cluster.create(Cluster.rollout(name, 5, STEPS));
    Rollout r = awaitRollout(name, phase("Healthy", 4));
    assertThat(r.getStatus().stableRS).isEqualTo(r.getStatus().currentPodHash);
    assertThat(cluster.replicas(name)).containsExactly(Map.entry(r.getStatus().stableRS, 5));
    return r.getStatus().stableRS;
  }

  @Test
  void canaryWalksItsStepsAndPromotes() {
    String v1 = deployStable("demo");
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");

    Rollout r = awaitRollout("demo", phase("Paused", 1));
    String v2 = r.getStatus().currentPodHash;
    assertThat(v2).isNotEqualTo(v1);
    assertThat(cluster.replicas("demo")).containsEntry(v2, 1).containsEntry(v1, 4);
    assertThat(r.getStatus().canary.weights.canary.weight).isEqualTo(20);
    await().until(() -> v2.equals(cluster.selector("demo-canary")));
    assertThat(cluster.selector("demo-stable")).isEqualTo(v1);

    cluster.clock.advance(Duration.ofSeconds(29));
    controller.clockAdvanced();
    assertThat(cluster.get("demo").getStatus().currentStepIndex).isEqualTo(1);
    cluster.clock.advance(Duration.ofSeconds(1));
    controller.clockAdvanced();

    r = awaitRollout("demo", phase("Paused", 3));
    assertThat(cluster.replicas("demo")).containsEntry(v2, 3).containsEntry(v1, 2);

    actions.promote(Cluster.NS, "demo");
    r = awaitRollout("demo", phase("Healthy", 4));
    assertThat(r.getStatus().stableRS).isEqualTo(v2);
    await().until(() -> cluster.replicas("demo").equals(Map.of(v2, 5, v1, 0)));
    await().until(() -> v2.equals(cluster.selector("demo-stable")));
    assertThat(cluster.events("demo")).containsSubsequence(
        "RolloutUpdated: Rollout updated to pod template " + v2,
        "RolloutStepCompleted: Rollout step 1/4 completed (setWeight: 20)",
        "RolloutStepCompleted: Rollout step 2/4 completed (pause: PT30S)",
        "RolloutStepCompleted: Rollout step 3/4 completed (setWeight: 60)",
        "RolloutStepCompleted: Rollout step 4/4 completed (pause)",
        "RolloutCompleted: Rollout completed update to pod template " + v2);
  }
}
