package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.model.Rollout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The canary end to end against the CRUD mock API server, with and without restarts. */
class CanaryRolloutIT extends RolloutItBase {

  /** The whole canary; with {@code restartEachStep}, a fresh controller before each step. */
  List<String> walkCanary(boolean restartEachStep) {
    cluster.restartController();
    String v1 = deployStable("demo");
    if (restartEachStep) {
      cluster.restartController();
    }
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");

    Rollout r = awaitRollout("demo", phase("Paused", 1));
    String v2 = r.getStatus().currentPodHash;
    assertThat(v2).isNotEqualTo(v1);
    assertThat(cluster.replicas("demo")).containsEntry(v2, 1).containsEntry(v1, 4);
    assertThat(r.getStatus().canary.weights.canary.weight).isEqualTo(20);
    awaitRollout("demo", x -> true);
    await().until(() -> v2.equals(cluster.selector("demo-canary")));
    assertThat(cluster.selector("demo-stable")).isEqualTo(v1);
    if (restartEachStep) {
      cluster.restartController();
    }

    cluster.clock.advance(Duration.ofSeconds(29));
    cluster.clockAdvanced();
    assertThat(cluster.get("demo").getStatus().currentStepIndex).isEqualTo(1);
    cluster.clock.advance(Duration.ofSeconds(1));
    cluster.clockAdvanced();

    awaitRollout("demo", phase("Paused", 3));
    assertThat(cluster.replicas("demo")).containsEntry(v2, 3).containsEntry(v1, 2);
    if (restartEachStep) {
      cluster.restartController();
    }

    actions.promote(Cluster.NS, "demo");
    r = awaitRollout("demo", phase("Healthy", 4));
    assertThat(r.getStatus().stableRS).isEqualTo(v2);
    await().until(() -> cluster.replicas("demo").equals(Map.of(v2, 5, v1, 0)));
    await().until(() -> v2.equals(cluster.selector("demo-stable")));
    List<String> history =
        cluster.events("demo").stream()
            .filter(e -> HISTORY_REASONS.contains(e.substring(0, e.indexOf(':'))))
            .toList();
    assertThat(history)
        .containsExactly(
            "RolloutUpdated: Rollout updated to pod template " + v2,
            "RolloutStepCompleted: Rollout step 1/4 completed (setWeight: 20)",
            "RolloutPaused: Rollout paused at step 1 for 30s",
            "RolloutStepCompleted: Rollout step 2/4 completed (pause: 30s)",
            "RolloutStepCompleted: Rollout step 3/4 completed (setWeight: 60)",
            "RolloutPaused: Rollout paused at step 3 until promoted",
            "RolloutStepCompleted: Rollout step 4/4 completed (pause)",
            "RolloutCompleted: Rollout completed update to pod template " + v2);
    return history;
  }

  @Test
  void canaryWalksItsStepsAndPromotes() {
    walkCanary(false);
  }

  @Test
  void freshControllerAtEveryStepAndKilledBeforeEachStatusWriteGivesTheSameHistory() {
    cluster.chaos = true;
    List<String> history = walkCanary(true);
    String v2 = history.get(0).substring(history.get(0).lastIndexOf(' ') + 1);
    // Every distinct status was first attempted by a controller killed just before writing it,
    // among them each step transition of the canary; a fresh controller then carried on.
    for (String step : List.of("/1/Paused/", "/3/Paused/", "/4/Healthy/")) {
      assertThat(cluster.killedAt).anyMatch(t -> t.startsWith(v2 + step));
    }
    assertThat(cluster.starts.get()).isGreaterThan(cluster.killedAt.size());
  }
}
