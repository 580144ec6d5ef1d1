package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Rollout;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an analysis step's run decides, end to end with both controllers and the test's web metric:
 * Failed aborts with the value in the message and a retry makes a new run that can end Healthy;
 * Inconclusive pauses until a promote; a new pod template terminates the run still going.
 */
class AnalysisOutcomesIT extends AnalysisRolloutItBase {

  /** Deploys v1 with these steps, sets image demo:2, and returns v2's pod-template hash. */
  String toV2(List<CanaryStep> steps) {
    cluster.restartController();
    String v1 = deploy(Cluster.rollout("demo", 5, steps)).getStatus().stableRS;
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    return awaitRollout("demo", x -> !v1.equals(x.getStatus().currentPodHash))
        .getStatus()
        .currentPodHash;
  }

  @Test
  void aFailedRunAbortsWithItsValueAndARetryMakesANewRunThatEndsHealthy() {
    template("rate", "");
    rate.set("0.5");
    String v2 = toV2(List.of(CanaryStep.setWeight(20), analysis("rate")));
    String failed = "demo-" + v2 + "-2-1";

    AnalysisRun run = awaitRun(failed, runPhase("Failed"));
    assertThat(values(run)).containsExactly("0.5");
    Rollout r = awaitRollout("demo", x -> Boolean.TRUE.equals(x.getStatus().abort));
    r = awaitRollout("demo", x -> "Degraded".equals(x.getStatus().phase));
    assertThat(r.getStatus().message)
        .contains("AnalysisRun " + failed)
        .contains("Metric \"rate\" assessed Failed")
        .contains("last value 0.5")
        .contains("successCondition result >= 0.95");
    assertThat(cluster.events("demo"))
        .anyMatch(e -> e.startsWith("RolloutAborted: ") && e.contains("last value 0.5"));

    rate.set("0.99");
    actions.retry(Cluster.NS, "demo");
    String retried = failed + ".1";
    run = awaitRun(retried, runPhase("Successful"));
    assertThat(values(run)).containsExactly("0.99");
    r = awaitRollout("demo", phase("Healthy", 2));
    assertThat(r.getStatus().stableRS).isEqualTo(v2);
    assertThat(r.getStatus().abort).isNull();
    // The failed run stays as history beside the new one.
    assertRunsExactly(failed, retried);
    assertThat(run(failed).getStatus().phase).isEqualTo("Failed");
    assertThat(values(run(failed))).containsExactly("0.5");
  }

  @Test
  void anInconclusiveRunPausesAndAPromoteGoesOn() {
    // Neither condition holds between 0.5 and 0.95: Inconclusive.
    template("rate", "\"failureCondition\":\"result < 0.5\",");
    rate.set("0.7");
    String v2 =
        toV2(
            List.of(
                CanaryStep.setWeight(20),
                analysis("rate"),
                CanaryStep.setWeight(60),
                analysis("rate")));
    String unsure = "demo-" + v2 + "-2-1";

    awaitRun(unsure, runPhase("Inconclusive"));
    Rollout r = awaitRollout("demo", phase("Paused", 1));
    assertThat(r.getStatus().pauseConditions)
        .extracting(pc -> pc.reason)
        .containsExactly("InconclusiveAnalysisRun");
    assertThat(cluster.events("demo"))
        .contains(
            "RolloutPaused: Rollout paused: step 2 of 4 (analysis rate): AnalysisRun "
                + unsure
                + " is Inconclusive; promote to go on");
    assertThat(runNames()).containsExactly(unsure);

    rate.set("0.99");
    actions.promote(Cluster.NS, "demo");
    String next = "demo-" + v2 + "-2-3";
    awaitRun(next, runPhase("Successful"));
    r = awaitRollout("demo", phase("Healthy", 4));
    assertThat(r.getStatus().stableRS).isEqualTo(v2);
    assertRunsExactly(unsure, next);
    assertThat(run(unsure).getStatus().phase).isEqualTo("Inconclusive");
  }

  @Test
  void aNewPodTemplateTerminatesTheRunningStepRun() {
    template("rate", "\"interval\":\"30s\",\"count\":2,");
    String v2 = toV2(List.of(CanaryStep.setWeight(20), analysis("rate")));
    String old = "demo-" + v2 + "-2-1";
    awaitRun(old, measured(1).and(runPhase("Running")));

    actions.setImage(Cluster.NS, "demo", "app", "demo:3");
    Rollout r = awaitRollout("demo", x -> !v2.equals(x.getStatus().currentPodHash));
    String v3 = r.getStatus().currentPodHash;
    AnalysisRun stopped = awaitRun(old, terminated().and(runPhase("Successful")));
    assertThat(stopped.getStatus().message).isEqualTo("Run Terminated");
    assertThat(values(stopped)).containsExactly("0.99");

    String current = "demo-" + v3 + "-3-1";
    awaitRun(current, measured(1).and(runPhase("Running")));
    assertThat(run(current).getSpec().terminate).isNull();
    advance(Duration.ofSeconds(30));
    awaitRun(current, runPhase("Successful"));
    r = awaitRollout("demo", phase("Healthy", 2));
    assertThat(r.getStatus().stableRS).isEqualTo(v3);
    assertRunsExactly(old, current);
  }
}
