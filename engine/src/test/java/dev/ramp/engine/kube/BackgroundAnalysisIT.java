package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutAnalysisBackground;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Background analysis with {@code startingStep} end to end with both controllers, asserted on the
 * stored runs: none before that step, one from it, terminated when the rollout completes and when
 * it aborts.
 */
class BackgroundAnalysisIT extends AnalysisRolloutItBase {
  String v2;
  String name;

  @BeforeEach
  void toTheLastPause() {
    // Measured every 30 s until terminated.
    template("rate", "\"interval\":\"30s\",");
    cluster.restartController();
    Rollout r = Cluster.rollout("demo", 5, STEPS);
    RolloutAnalysisBackground bg = new RolloutAnalysisBackground();
    bg.templates = List.of(ref("rate"));
    bg.startingStep = 2;
    r.getSpec().strategy.canary.analysis = bg;
    String v1 = deploy(r).getStatus().stableRS;
    // At stable nothing is analysed.
    assertThat(runs()).isEmpty();

    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    r = awaitRollout("demo", phase("Paused", 1));
    v2 = r.getStatus().currentPodHash;
    assertThat(v2).isNotEqualTo(v1);
    name = "demo-" + v2 + "-2";
    // Step 1 (pause 30s) is before startingStep 2: still no run, up to the last second of it.
    advance(Duration.ofSeconds(29));
    awaitRollout("demo", phase("Paused", 1));
    assertThat(runs()).isEmpty();
    assertThat(added).isEmpty();

    advance(Duration.ofSeconds(1));
    r = awaitRollout("demo", phase("Paused", 3));
    AnalysisRun run = awaitRun(name, measured(1).and(runPhase("Running")));
    assertThat(label(run, "rollout-type")).isEqualTo("Background");
    assertThat(label(run, "rollouts-pod-template-hash")).isEqualTo(v2);
    assertThat(runNames()).containsExactly(name);
    advance(Duration.ofSeconds(30));
    awaitRun(name, measured(2).and(runPhase("Running")));
    awaitRollout(
        "demo",
        x ->
            x.getStatus().canary != null
                && x.getStatus().canary.currentBackgroundAnalysisRunStatus != null
                && "Running"
                    .equals(x.getStatus().canary.currentBackgroundAnalysisRunStatus.status));
    assertThat(run(name).getSpec().terminate).isNull();
  }

  /** The run was told to stop (spec.terminate) and the AnalysisRun controller ended it. */
  void assertTerminated() {
    AnalysisRun run = awaitRun(name, terminated().and(runPhase("Successful")));
    assertThat(run.getStatus().message).isEqualTo("Run Terminated");
    assertThat(values(run)).containsExactly("0.99", "0.99");
    // Terminated, not measured further.
    advance(Duration.ofSeconds(30));
    assertThat(values(run(name))).hasSize(2);
    assertRunsExactly(name);
  }

  @Test
  void createdAtStartingStepAndTerminatedWhenTheRolloutCompletes() {
    actions.promote(Cluster.NS, "demo");
    Rollout r = awaitRollout("demo", phase("Healthy", 4));
    assertThat(r.getStatus().stableRS).isEqualTo(v2);
    assertThat(r.getStatus().canary.currentBackgroundAnalysisRunStatus).isNull();
    assertTerminated();
  }

  @Test
  void terminatedWhenTheRolloutAborts() {
    actions.abort(Cluster.NS, "demo");
    awaitRollout("demo", x -> "Degraded".equals(x.getStatus().phase));
    assertTerminated();
    assertThat(cluster.get("demo").getStatus().phase).isEqualTo("Degraded");
  }
}
