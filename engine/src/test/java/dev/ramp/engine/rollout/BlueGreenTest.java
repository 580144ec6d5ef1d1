package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.BlueGreenStrategy;
import dev.ramp.engine.model.RolloutAnalysis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The blue-green sequence, reconcile by reconcile, on the in-memory {@link World}. */
class BlueGreenTest {

  static BlueGreenStrategy strategy() {
    BlueGreenStrategy b = new BlueGreenStrategy();
    b.activeService = "active";
    b.previewService = "preview";
    return b;
  }

  static RolloutAnalysis analysis() {
    RolloutAnalysis a = new RolloutAnalysis();
    AnalysisTemplateSpec.TemplateRef ref = new AnalysisTemplateSpec.TemplateRef();
    ref.templateName = "success-rate";
    a.templates = List.of(ref);
    a.args = new ArrayList<>(List.of(new AnalysisArgument("service", "demo")));
    return a;
  }

  /** v1 deployed and Healthy, then v2 in the spec (not reconciled yet). */
  static World atV2(BlueGreenStrategy b) {
    World w = World.blueGreen(3, b);
    w.templates.put("success-rate", AnalysisStepTest.template());
    w.converge();
    assertThat(w.status().phase).isEqualTo("Healthy");
    w.rollout.getSpec().template = World.template("demo:2");
    return w;
  }

  static String v1(World w) {
    return w.status().stableRS;
  }

  @Test
  void firstDeployIsActiveAndHealthyAtOnce() {
    World w = World.blueGreen(3, strategy());
    w.converge();
    String v1 = w.status().currentPodHash;
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(w.status().stableRS).isEqualTo(v1);
    assertThat(w.status().blueGreen.activeSelector).isEqualTo(v1);
    assertThat(w.selectors).containsEntry("active", v1).containsEntry("preview", v1);
    assertThat(w.status().currentStepIndex).isNull();
    assertThat(w.status().canary).isNull();
  }

  @Test
  void previewAtOnceActiveOnlyWhenFullyAvailableThenOldScaledDownAfterTheDelay() {
    World w = atV2(strategy());
    String v1 = v1(w);
    w.podsBecomeReady = false;
    w.reconcile();
    String v2 = w.status().currentPodHash;
    assertThat(w.selectors).containsEntry("preview", v2).containsEntry("active", v1);
    assertThat(w.replicas()).containsEntry(v1, 3).containsEntry(v2, 3);
    w.reconcile();
    assertThat(w.selectors).containsEntry("active", v1);
    assertThat(w.status().phase).isEqualTo("Progressing");

    w.settle();
    w.reconcile();
    assertThat(w.selectors).containsEntry("active", v2);
    assertThat(w.status().stableRS).isEqualTo(v2);
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(w.sets.get(v1).scaleDownDeadline()).isEqualTo(w.now.plusSeconds(30));
    assertThat(w.replicasOf(v1)).isEqualTo(3);
    assertThat(w.last.requeueAfter()).isEqualTo(Duration.ofSeconds(30));

    w.advance(Duration.ofSeconds(29));
    w.reconcile();
    assertThat(w.replicasOf(v1)).isEqualTo(3);
    w.advance(Duration.ofSeconds(1));
    w.reconcile();
    assertThat(w.replicasOf(v1)).isZero();
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void autoPromotionOffPausesUntilPromoted() {
    BlueGreenStrategy b = strategy();
    b.autoPromotionEnabled = false;
    b.autoPromotionSeconds = 5; // ignored with auto-promotion off, as in Argo
    World w = atV2(b);
    String v1 = v1(w);
    w.converge();
    String v2 = w.status().currentPodHash;
    assertThat(w.status().phase).isEqualTo("Paused");
    assertThat(w.status().message).isEqualTo("BlueGreenPause");
    assertThat(w.status().pauseConditions)
        .extracting(pc -> pc.reason)
        .containsExactly("BlueGreenPause");
    assertThat(w.selectors).containsEntry("active", v1).containsEntry("preview", v2);
    w.advance(Duration.ofHours(1));
    w.converge();
    assertThat(w.status().phase).isEqualTo("Paused");

    w.status().pauseConditions = null; // ramp promote
    w.reconcile();
    assertThat(w.selectors).containsEntry("active", v2);
    assertThat(w.status().stableRS).isEqualTo(v2);
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(w.status().controllerPause).isNull();
  }

  @Test
  void autoPromotionSecondsPromotesAfterThatTime() {
    BlueGreenStrategy b = strategy();
    b.autoPromotionSeconds = 60;
    World w = atV2(b);
    String v1 = v1(w);
    w.converge();
    String v2 = w.status().currentPodHash;
    assertThat(w.status().phase).isEqualTo("Paused");
    assertThat(w.last.requeueAfter()).isEqualTo(Duration.ofSeconds(60));
    w.advance(Duration.ofSeconds(59));
    w.converge();
    assertThat(w.selectors).containsEntry("active", v1);
    w.advance(Duration.ofSeconds(1));
    w.reconcile();
    assertThat(w.selectors).containsEntry("active", v2);
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void previewReplicaCountUntilPromotionThenFullSizeThenSwitch() {
    BlueGreenStrategy b = strategy();
    b.previewReplicaCount = 1;
    b.autoPromotionEnabled = false;
    World w = atV2(b);
    String v1 = v1(w);
    w.converge();
    String v2 = w.status().currentPodHash;
    assertThat(w.replicas()).containsEntry(v2, 1).containsEntry(v1, 3);
    assertThat(w.status().phase).isEqualTo("Paused");

    w.status().pauseConditions = null;
    w.podsBecomeReady = false;
    w.reconcile();
    assertThat(w.status().blueGreen.scaleUpPreviewCheckPoint).isTrue();
    assertThat(w.replicasOf(v2)).isEqualTo(3);
    assertThat(w.selectors).containsEntry("active", v1);
    w.reconcile();
    assertThat(w.selectors).containsEntry("active", v1);
    w.settle();
    w.reconcile();
    assertThat(w.selectors).containsEntry("active", v2);
    assertThat(w.status().stableRS).isEqualTo(v2);
    assertThat(w.status().blueGreen.scaleUpPreviewCheckPoint).isNull();
  }

  @Test
  void prePromotionAnalysisOnceThePreviewIsAvailableThenTheSwitch() {
    BlueGreenStrategy b = strategy();
    b.prePromotionAnalysis = analysis();
    World w = atV2(b);
    String v1 = v1(w);
    w.podsBecomeReady = false;
    w.reconcile();
    String v2 = w.status().currentPodHash;
    assertThat(w.runs).isEmpty();
    w.settle();
    w.reconcile();
    String pre = "demo-" + v2 + "-2-pre";
    assertThat(w.runs).containsOnlyKeys(pre);
    assertThat(w.runs.get(pre).getMetadata().getLabels())
        .containsEntry("rollout-type", "PrePromotion");
    assertThat(w.status().blueGreen.prePromotionAnalysisRunStatus.name).isEqualTo(pre);
    w.converge();
    assertThat(w.selectors).containsEntry("active", v1);
    assertThat(w.status().phase).isEqualTo("Progressing");

    w.setPhase(pre, "Successful", null);
    w.reconcile();
    assertThat(w.selectors).containsEntry("active", v2);
    assertThat(w.status().stableRS).isEqualTo(v2);
  }

  @Test
  void failedPrePromotionAnalysisAbortsAndTheNewReplicaSetGoesAfterTheAbortDelay() {
    BlueGreenStrategy b = strategy();
    b.prePromotionAnalysis = analysis();
    World w = atV2(b);
    String v1 = v1(w);
    w.converge();
    String v2 = w.status().currentPodHash;
    AnalysisStepTest.fail(w, "demo-" + v2 + "-2-pre");
    w.reconcile();
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message).contains("last value 0.8");
    assertThat(w.selectors).containsEntry("active", v1);
    assertThat(w.sets.get(v2).scaleDownDeadline()).isEqualTo(w.now.plusSeconds(30));
    w.advance(Duration.ofSeconds(30));
    w.reconcile();
    assertThat(w.replicasOf(v2)).isZero();
    assertThat(w.replicasOf(v1)).isEqualTo(3);
  }

  @Test
  void failedPostPromotionAnalysisSwitchesBackInOneReconcileAfterTheDelayEndedDuringTheRun() {
    BlueGreenStrategy b = strategy();
    b.postPromotionAnalysis = analysis();
    b.scaleDownDelaySeconds = 10;
    World w = atV2(b);
    String v1 = v1(w);
    w.reconcile();
    String v2 = w.status().currentPodHash;
    assertThat(w.selectors).containsEntry("active", v1).containsEntry("preview", v2);
    w.reconcile();
    assertThat(w.selectors).containsEntry("active", v2);
    // Post-promotion analysis runs while v1 is still the stable one.
    w.reconcile();
    String post = "demo-" + v2 + "-2-post";
    assertThat(w.runs).containsOnlyKeys(post);
    assertThat(w.status().stableRS).isEqualTo(v1);
    // The scale-down delay ends during the run: v1 stays up, with no deadline.
    w.advance(Duration.ofSeconds(60));
    w.converge();
    assertThat(w.replicasOf(v1)).isEqualTo(3);
    assertThat(w.sets.get(v1).scaleDownDeadline()).isNull();

    AnalysisStepTest.fail(w, post);
    Plan plan = w.reconcile();
    assertThat(plan.serviceSelectors()).containsEntry("active", v1);
    assertThat(w.status().blueGreen.activeSelector).isEqualTo(v1);
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message)
        .contains("AnalysisRun " + post + " Failed")
        .contains("last value 0.8");
  }

  @Test
  void successfulPostPromotionAnalysisMakesItStableAndOnlyThenStartsTheDelay() {
    BlueGreenStrategy b = strategy();
    b.postPromotionAnalysis = analysis();
    World w = atV2(b);
    String v1 = v1(w);
    w.converge();
    String v2 = w.status().currentPodHash;
    String post = "demo-" + v2 + "-2-post";
    assertThat(w.status().phase).isEqualTo("Progressing");
    w.advance(Duration.ofSeconds(45));
    w.setPhase(post, "Successful", null);
    w.reconcile();
    assertThat(w.status().stableRS).isEqualTo(v2);
    Instant deadline = w.sets.get(v1).scaleDownDeadline();
    assertThat(deadline).isEqualTo(w.now.plusSeconds(30));
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void userAbortAfterTheSwitchGoesBackAtOnce() {
    BlueGreenStrategy b = strategy();
    b.postPromotionAnalysis = analysis();
    World w = atV2(b);
    String v1 = v1(w);
    w.converge();
    w.status().abort = true;
    Plan plan = w.reconcile();
    assertThat(plan.serviceSelectors()).containsEntry("active", v1);
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.terminated).isNotEmpty();
  }

  @Test
  void aNewTemplateBeforePromotionScalesTheAbandonedPreviewDownAtOnce() {
    BlueGreenStrategy b = strategy();
    b.autoPromotionEnabled = false;
    World w = atV2(b);
    String v1 = v1(w);
    w.converge();
    String v2 = w.status().currentPodHash;
    w.rollout.getSpec().template = World.template("demo:3");
    w.converge();
    String v3 = w.status().currentPodHash;
    assertThat(w.replicasOf(v2)).isZero();
    assertThat(w.replicas()).containsEntry(v1, 3).containsEntry(v3, 3);
    assertThat(w.selectors).containsEntry("active", v1).containsEntry("preview", v3);
  }
}
