package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.Rollout;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutViewTest {

  static final Instant NOW = Instant.parse("2026-11-23T10:05:00Z");

  static Rollout pausedRollout() throws Exception {
    return PluginSupport.YAML.readValue(
        String.join(
            "\n",
            "apiVersion: ramp.dev/v1alpha1",
            "kind: Rollout",
            "metadata: {name: checkout, namespace: shop, generation: 2,"
                + " creationTimestamp: '2026-11-23T10:00:00Z'}",
            "spec:",
            "  replicas: 5",
            "  strategy:",
            "    canary:",
            "      steps:",
            "      - setWeight: 20",
            "      - pause: {duration: 60s}",
            "      - plugin: {name: ramp/smoke}",
            "      - setWeight: 100",
            "status:",
            "  phase: Paused",
            "  message: CanaryPauseStep",
            "  observedGeneration: 2",
            "  currentStepIndex: 1",
            "  currentPodHash: bbb",
            "  stableRS: aaa",
            "  replicas: 6",
            "  updatedReplicas: 1",
            "  readyReplicas: 6",
            "  availableReplicas: 6",
            "  pauseConditions: [{reason: CanaryPauseStep, startTime: '2026-11-23T10:04:30Z'}]",
            "  canary:",
            "    weights:",
            "      canary: {weight: 20, podTemplateHash: bbb}",
            "      stable: {weight: 80, podTemplateHash: aaa}",
            "    stepPluginStatuses:",
            "    - {index: 2, name: ramp/smoke, operation: Run, phase: Running, message: checking}",
            "  conditions:",
            "  - {type: Available, status: 'True', reason: AvailableReason,"
                + " message: Rollout has minimum availability}",
            ""),
        Rollout.class);
  }

  static ReplicaSet replicaSet(String hash, int revision, int replicas, String created) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName("checkout-" + hash)
        .withCreationTimestamp(created)
        .addToLabels("rollouts-pod-template-hash", hash)
        .addToAnnotations("rollout.ramp.dev/revision", String.valueOf(revision))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .withNewStatus()
        .withReadyReplicas(replicas)
        .endStatus()
        .build();
  }

  @Test
  void rendersTheRolloutItsStepRevisionsPluginsAndConditions() throws Exception {
    String text =
        RolloutView.render(
            pausedRollout(),
            List.of(
                replicaSet("aaa", 1, 5, "2026-11-23T10:00:00Z"),
                replicaSet("bbb", 2, 1, "2026-11-23T10:03:50Z")),
            false,
            NOW);

    assertThat(text)
        .isEqualTo(
            String.join(
                "\n",
                "Name:      checkout",
                "Namespace: shop",
                "Status:    Paused",
                "Message:   CanaryPauseStep",
                "Strategy:  Canary",
                "Step:      2 of 4 (pause 60s)",
                "Pause:     CanaryPauseStep, for 30s, 30s left",
                "Weight:    canary 20%, stable 80%",
                "Replicas:  desired 5, current 6, updated 1, ready 6, available 6",
                "",
                "NAME                  KIND        READY  AGE    INFO",
                "checkout              Rollout     6/5    5m     Paused",
                "|-- revision:2",
                "|   `-- checkout-bbb  ReplicaSet  1/1    1m10s  hash bbb  canary",
                "`-- revision:1",
                "    `-- checkout-aaa  ReplicaSet  5/5    5m     hash aaa  stable",
                "",
                "Step plugins:",
                "  STEP  NAME        OPERATION  PHASE    MESSAGE",
                "  3     ramp/smoke  Run        Running  checking",
                "",
                "Conditions:",
                "  TYPE       STATUS  REASON           MESSAGE",
                "  Available  True    AvailableReason  Rollout has minimum availability",
                ""));
    assertThat(text).doesNotContain("\u001b[");
  }

  @Test
  void weightsOfARouterAreOutOfItsMaxAndSayWhetherTheyAreVerified() throws Exception {
    Rollout r = pausedRollout();
    r.getSpec().strategy.canary.trafficRouting = new dev.ramp.engine.model.TrafficRouting();
    r.getSpec().strategy.canary.trafficRouting.maxTrafficWeight = 1000;
    r.getStatus().canary.weights.canary.weight = 150;
    r.getStatus().canary.weights.stable.weight = 850;
    r.getStatus().canary.weights.verified = false;
    assertThat(RolloutView.render(r, List.of(), false, NOW))
        .contains("canary 150 of 1000, stable 850 of 1000 (not verified yet)");
    r.getStatus().canary.weights.verified = true;
    assertThat(RolloutView.render(r, List.of(), false, NOW))
        .contains("canary 150 of 1000, stable 850 of 1000 (verified)");
  }

  @Test
  void colourOnPaintsThePhaseAndRoles() throws Exception {
    String text =
        RolloutView.render(
            pausedRollout(), List.of(replicaSet("aaa", 1, 5, "2026-11-23T10:00:00Z")), true, NOW);

    assertThat(text).contains("\u001b[33mPaused\u001b[0m").contains("\u001b[32m");
  }

  @Test
  void aPauseWithoutDurationSaysHowToContinueAndDoneStepsSayDone() throws Exception {
    Rollout r = pausedRollout();
    r.getSpec().strategy.canary.steps.get(1).pause.duration = null;
    assertThat(RolloutView.render(r, List.of(), false, NOW))
        .contains("Step:      2 of 4 (pause until promoted)")
        .contains("Pause:     CanaryPauseStep, for 30s (ramp promote to continue)");

    r.getStatus().currentStepIndex = 4;
    r.getStatus().pauseConditions = null;
    assertThat(RolloutView.render(r, List.of(), false, NOW)).contains("Step:      4 of 4 done");
  }

  @Test
  void listColumnsFollowTheStatus() throws Exception {
    Rollout r = pausedRollout();
    assertThat(RolloutView.stepColumn(r)).isEqualTo("2 of 4");
    assertThat(RolloutView.canaryWeight(r)).isEqualTo(20);
    r.getStatus().canary.weights = null;
    assertThat(RolloutView.canaryWeight(r)).isEqualTo(20);
    assertThat(ListCommand.table(List.of(r), true, NOW))
        .isEqualTo(
            "NAMESPACE   NAME       PHASE    STEP     WEIGHT   AGE\n"
                + "shop        checkout   Paused   2 of 4   20       5m\n");
  }

  /**
   * Right after `set image`: the status is for the generation before; no view gives its verdict.
   */
  @Test
  void aStatusForAnOlderGenerationIsNoVerdict() throws Exception {
    Rollout r = pausedRollout();
    r.getStatus().phase = "Healthy";
    r.getStatus().currentStepIndex = 4;
    r.getStatus().observedGeneration = 2L;
    r.getMetadata().setGeneration(3L);
    assertThat(RolloutView.render(r, List.of(), false, NOW))
        .contains(
            "Status:    waiting for the controller (generation 3 not seen yet; the status below is"
                + " for generation 2, Healthy)")
        .doesNotContain("Status:    Healthy");
    assertThat(ListCommand.table(List.of(r), false, NOW))
        .isEqualTo(
            "NAME       PHASE     STEP   WEIGHT   AGE\n"
                + "checkout   Waiting   -      20       5m\n");
    r.getStatus().observedGeneration = 3L;
    assertThat(RolloutView.render(r, List.of(), false, NOW)).contains("Status:    Healthy");
  }

  @Test
  void verdictIsDoneOnlyWhenTheLatestSpecIsStableAndHealthy() throws Exception {
    Rollout r = pausedRollout();
    assertThat(StatusCommand.verdict(r).exitCode()).isEqualTo(2);
    assertThat(StatusCommand.verdict(r).line())
        .isEqualTo(
            "Paused: step 2 of 4 (pause 60s), canary weight 20%, 6/5 available: CanaryPauseStep");
    r.getStatus().phase = "Healthy";
    assertThat(StatusCommand.verdict(r).exitCode()).isEqualTo(2);
    r.getStatus().stableRS = "bbb";
    assertThat(StatusCommand.verdict(r).exitCode()).isEqualTo(0);
    r.getMetadata().setGeneration(3L);
    assertThat(StatusCommand.verdict(r).exitCode()).isEqualTo(2);
    r.getStatus().observedGeneration = 3L;
    r.getStatus().abort = true;
    assertThat(StatusCommand.verdict(r).exitCode()).isEqualTo(1);
  }
}
