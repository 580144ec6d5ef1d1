package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Rollout;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Analysis steps end to end with both controllers, once undisturbed and once with a fresh
 * controller at every stage of each analysis step: killed just before each distinct status write
 * (among them the one that first names the run it just made), both controllers replaced while the
 * run is Running, and the Rollout controller down while the run completes. One run per step, never
 * two, and the same history either way.
 */
class AnalysisStepRestartsIT extends AnalysisRolloutItBase {
  static final List<CanaryStep> STEPS =
      List.of(
          CanaryStep.setWeight(20), analysis("rate"), CanaryStep.setWeight(60), analysis("rate"));

  /** Walks v1 → v2 through both analysis steps; returns the history and the two runs' names. */
  List<String> walk(boolean restarts) {
    // Two measurements 30 s apart: the run stays Running until the clock moves.
    template("rate", "\"interval\":\"30s\",\"count\":2,");
    cluster.chaos = restarts;
    cluster.restartController();
    String v1 = deploy(Cluster.rollout("demo", 5, STEPS)).getStatus().stableRS;
    if (restarts) {
      // Nobody measures yet: the first status naming the run names it Pending.
      stopAnalysisController();
    }
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");

    Rollout r = awaitRollout("demo", x -> !v1.equals(x.getStatus().currentPodHash));
    String v2 = r.getStatus().currentPodHash;
    String first = "demo-" + v2 + "-2-1";
    String second = "demo-" + v2 + "-2-3";
    analysisStep("demo", first, 1, restarts);
    analysisStep("demo", second, 3, restarts);

    Rollout done = awaitRollout("demo", phase("Healthy", 4));
    assertThat(done.getStatus().stableRS).isEqualTo(v2);
    assertRunsExactly(first, second);
    for (AnalysisRun run : runs()) {
      assertThat(run.getStatus().phase).isEqualTo("Successful");
      assertThat(values(run)).containsExactly("0.99", "0.99");
      assertThat(run.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getUid()).isEqualTo(done.getMetadata().getUid()));
    }
    assertThat(label(run(first), "step-index")).isEqualTo("1");
    assertThat(label(run(second), "step-index")).isEqualTo("3");
    return history("demo");
  }

  /**
   * Step {@code idx}'s run from its creation to the rollout past the step. With restarts, the
   * AnalysisRun controller is down when the step is reached, so the run stays Pending until the
   * status names it (the first write of that status was killed by {@link Cluster#chaos}).
   */
  void analysisStep(String rollout, String name, int idx, boolean restarts) {
    if (restarts) {
      awaitRollout(rollout, x -> stepRun(x, name, "Pending"));
      assertThat(run(name).getStatus()).isNull();
      restartAnalysisController();
    }
    awaitRun(name, measured(1).and(runPhase("Running")));
    awaitRollout(rollout, x -> Integer.valueOf(idx).equals(x.getStatus().currentStepIndex));
    if (restarts) {
      // Killed while the run is Running: both controllers; fresh ones carry on from the stored
      // run and the status.
      stopAnalysisController();
      cluster.restartController();
      restartAnalysisController();
      awaitRollout(rollout, x -> stepRun(x, name, "Running"));
      // The run completes while the Rollout controller is down: a fresh one moves on.
      cluster.stopController();
    }
    advance(Duration.ofSeconds(30));
    awaitRun(name, runPhase("Successful"));
    if (restarts) {
      assertThat(cluster.get(rollout).getStatus().currentStepIndex).isEqualTo(idx);
      // Down again for the next step's run to be seen Pending.
      stopAnalysisController();
      cluster.restartController();
    }
    awaitRollout(rollout, x -> x.getStatus().currentStepIndex > idx);
  }

  static boolean stepRun(Rollout r, String name, String status) {
    var canary = r.getStatus().canary;
    return canary != null
        && canary.currentStepAnalysisRunStatus != null
        && name.equals(canary.currentStepAnalysisRunStatus.name)
        && status.equals(canary.currentStepAnalysisRunStatus.status);
  }

  static List<String> expectedHistory(String v2) {
    return List.of(
        "RolloutUpdated: Rollout updated to pod template " + v2,
        "RolloutStepCompleted: Rollout completed step 1 of 4 (setWeight 20)",
        "RolloutStepCompleted: Rollout completed step 2 of 4 (analysis rate)",
        "RolloutStepCompleted: Rollout completed step 3 of 4 (setWeight 60)",
        "RolloutStepCompleted: Rollout completed step 4 of 4 (analysis rate)",
        "RolloutCompleted: Rollout completed update to pod template " + v2);
  }

  @Test
  void analysisStepsRunOnceEachAndTheRolloutEndsHealthy() {
    List<String> history = walk(false);
    String v2 = cluster.get("demo").getStatus().stableRS;
    assertThat(history).containsExactlyElementsOf(expectedHistory(v2));
    assertThat(cluster.killedAt).isEmpty();
  }

  @Test
  void aFreshControllerAtEveryStageOfAnAnalysisStepMakesOneRunPerStepAndTheSameHistory() {
    List<String> history = walk(true);
    String v2 = cluster.get("demo").getStatus().stableRS;
    assertThat(history).containsExactlyElementsOf(expectedHistory(v2));
    for (String idx : List.of("1", "3")) {
      String name = "demo-" + v2 + "-2-" + idx;
      // Killed just before the status write that first named the run it had just created.
      assertThat(cluster.killedAt).anyMatch(t -> t.endsWith("/step:" + name + ":Pending"));
      // And just before the write that took in its Successful phase.
      assertThat(cluster.killedAt).anyMatch(t -> t.contains("/step:" + name + ":Successful"));
    }
    assertThat(cluster.starts.get()).isGreaterThan(cluster.killedAt.size());
  }
}
