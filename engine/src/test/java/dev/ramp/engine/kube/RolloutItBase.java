package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.actions.RolloutActions;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Rollout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A mock API server, a node simulator, controllers and actions for the canary ITs. */
abstract class RolloutItBase {
  static final List<CanaryStep> STEPS =
      List.of(
          CanaryStep.setWeight(20),
          CanaryStep.pause("30s"),
          CanaryStep.setWeight(60),
          CanaryStep.pause(null));
  static final List<String> HISTORY_REASONS =
      List.of(
          "RolloutUpdated",
          "RolloutStepCompleted",
          "RolloutPaused",
          "RolloutCompleted",
          "RolloutAborted");

  Cluster cluster;
  RolloutActions actions;

  @BeforeEach
  void setUp() throws Exception {
    cluster = new Cluster();
    actions = new RolloutActions(cluster.client, cluster.clock);
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  Rollout awaitRollout(String name, Predicate<Rollout> p) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              cluster.reviveIfKilled();
              return cluster.get(name);
            },
            r -> r.getStatus() != null && p.test(r));
  }

  static Predicate<Rollout> phase(String phase, Integer step) {
    return r ->
        phase.equals(r.getStatus().phase)
            && Objects.equals(step, r.getStatus().currentStepIndex)
            && Objects.equals(r.getMetadata().getGeneration(), r.getStatus().observedGeneration);
  }

  /** Deploys v1 (Healthy at once) and returns its hash. */
  String deployStable(String name) {
    cluster.create(Cluster.rollout(name, 5, STEPS));
    Rollout r = awaitRollout(name, phase("Healthy", 4));
    assertThat(r.getStatus().stableRS).isEqualTo(r.getStatus().currentPodHash);
    await().until(() -> cluster.replicas(name).equals(Map.of(r.getStatus().stableRS, 5)));
    return r.getStatus().stableRS;
  }

  List<String> history(String name) {
    return cluster.events(name).stream()
        .filter(e -> HISTORY_REASONS.contains(e.substring(0, e.indexOf(':'))))
        .toList();
  }
}
