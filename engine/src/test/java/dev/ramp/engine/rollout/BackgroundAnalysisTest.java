package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.AnalysisRunStrategy;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.RolloutAnalysisBackground;
import dev.ramp.engine.model.RolloutLabels;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Background analysis and the history of a Rollout's runs, on the in-memory world. */
class BackgroundAnalysisTest {

  static World world(Integer startingStep) {
    World w =
        new World(
            5,
            List.of(
                CanaryStep.setWeight(20),
                CanaryStep.pause(null),
                CanaryStep.setWeight(40),
                CanaryStep.pause(null)));
    RolloutAnalysisBackground bg = new RolloutAnalysisBackground();
    AnalysisTemplateSpec.TemplateRef ref = new AnalysisTemplateSpec.TemplateRef();
    ref.templateName = "success-rate";
    bg.templates = List.of(ref);
    bg.args = List.of(new AnalysisArgument("service", "demo"));
    bg.startingStep = startingStep;
    w.rollout.getSpec().strategy.canary.analysis = bg;
    w.templates.put("success-rate", AnalysisStepTest.template());
    return w;
  }

  static void promote(World w) {
    w.status().pauseConditions = null;
  }

  @Test
  void createdAtStartingStepOnlyOnceStableExistsAndTerminatedOnCompletion() {
    World w = world(2);
    w.converge();
    // The first template is stable at once: nothing to analyse against.
    assertThat(w.runs).isEmpty();
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    assertThat(w.runs).isEmpty();
    promote(w);
    w.converge();
    assertThat(w.status().currentStepIndex).isEqualTo(3);
    String name = "demo-" + w.status().currentPodHash + "-2";
    assertThat(w.runs).containsOnlyKeys(name);
    assertThat(w.runs.get(name).getMetadata().getLabels())
        .containsEntry("rollout-type", "Background")
        .containsEntry(RolloutLabels.POD_TEMPLATE_HASH, w.status().currentPodHash)
        .doesNotContainKey("step-index");
    assertThat(w.status().canary.currentBackgroundAnalysisRunStatus.name).isEqualTo(name);
    w.setPhase(name, "Running", null);
    promote(w);
    w.converge();
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(w.terminated).containsExactly(name);
    assertThat(w.status().canary.currentBackgroundAnalysisRunStatus).isNull();
  }

  @Test
  void aFailedBackgroundRunAbortsWithTheValue() {
    World w = world(null);
    w.converge();
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    String name = "demo-" + w.status().currentPodHash + "-2";
    assertThat(w.runs).containsOnlyKeys(name);
    AnalysisStepTest.fail(w, name);
    w.converge();
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message).contains("last value 0.8");
    assertThat(w.replicasOf(w.status().currentPodHash)).isZero();
  }

  @Test
  void terminatedOnAUsersAbortAndOnPromoteFull() {
    World w = world(null);
    w.converge();
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    String name = "demo-" + w.status().currentPodHash + "-2";
    w.setPhase(name, "Running", null);
    w.status().abort = true;
    w.converge();
    assertThat(w.terminated).containsExactly(name);
    assertThat(w.status().phase).isEqualTo("Degraded");

    World v = world(null);
    v.converge();
    v.rollout.getSpec().template = World.template("demo:2");
    v.converge();
    String other = "demo-" + v.status().currentPodHash + "-2";
    v.setPhase(other, "Running", null);
    v.status().promoteFull = true;
    v.converge();
    assertThat(v.terminated).containsExactly(other);
    assertThat(v.status().phase).isEqualTo("Healthy");
  }

  @Test
  void anInconclusiveBackgroundRunPausesAndAPromoteStartsANewOne() {
    World w = world(null);
    w.converge();
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    String name = "demo-" + w.status().currentPodHash + "-2";
    w.setPhase(name, "Inconclusive", null);
    w.converge();
    assertThat(w.status().pauseConditions)
        .extracting(pc -> pc.reason)
        .containsExactly("CanaryPauseStep", "InconclusiveAnalysisRun");
    assertThat(w.status().message).isEqualTo("InconclusiveAnalysisRun");
    promote(w);
    w.converge();
    assertThat(w.runs).containsOnlyKeys(name, name + "-b1");
    assertThat(w.status().canary.currentBackgroundAnalysisRunStatus.name).isEqualTo(name + "-b1");
    // The promote also left the pause step it was at: on to the next pause.
    assertThat(w.status().currentStepIndex).isEqualTo(3);
    assertThat(w.status().message).isEqualTo("CanaryPauseStep");
    assertThat(w.terminated).isEmpty();
  }

  static AnalysisRun oldRun(String name, String hash, String phase, int minute) {
    AnalysisRun run = new AnalysisRun();
    run.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withLabels(Map.of(RolloutLabels.POD_TEMPLATE_HASH, hash))
            .withCreationTimestamp("2026-11-23T09:" + (10 + minute) + ":00Z")
            .build());
    run.setStatus(new AnalysisRunStatus());
    run.getStatus().phase = phase;
    return run;
  }

  @Test
  void historyLimitsDeleteTheOldestCompletedRuns() {
    World w = new World(5, List.of(CanaryStep.setWeight(50)));
    w.rollout.getSpec().analysis = new AnalysisRunStrategy();
    w.rollout.getSpec().analysis.successfulRunHistoryLimit = 2;
    w.rollout.getSpec().analysis.unsuccessfulRunHistoryLimit = 1;
    w.converge();
    String hash = w.status().stableRS;
    for (int i = 0; i < 4; i++) {
      w.runs.put("ok-" + i, oldRun("ok-" + i, hash, "Successful", i));
      w.runs.put("bad-" + i, oldRun("bad-" + i, hash, i % 2 == 0 ? "Failed" : "Inconclusive", i));
    }
    w.runs.put("running", oldRun("running", hash, "Running", 9));
    w.runs.put("gone", oldRun("gone", "nohash", "Successful", 9));
    w.runs.get("running").getSpec().terminate = true;
    w.reconcile();
    assertThat(w.deleted)
        .containsExactlyInAnyOrder("gone", "ok-1", "ok-0", "bad-2", "bad-1", "bad-0");
    assertThat(w.runs).containsOnlyKeys("ok-3", "ok-2", "bad-3", "running");
  }
}
