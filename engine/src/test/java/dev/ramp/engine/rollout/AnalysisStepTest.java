package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.RolloutAnalysis;
import dev.ramp.engine.model.RolloutStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Analysis steps on the in-memory world: one run per step, its phase decides the step. */
class AnalysisStepTest {

  static AnalysisTemplateSpec template() {
    try {
      return Json.MAPPER.readValue(
          """
          {"args": [{"name": "service"}],
           "metrics": [{"name": "success-rate", "successCondition": "result[0] >= 0.95",
                        "failureLimit": 0, "provider": {"web": {"url": "http://x/{{args.service}}"}}}]}
          """,
          AnalysisTemplateSpec.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static CanaryStep analysis(String templateName) {
    CanaryStep s = new CanaryStep();
    s.analysis = new RolloutAnalysis();
    AnalysisTemplateSpec.TemplateRef ref = new AnalysisTemplateSpec.TemplateRef();
    ref.templateName = templateName;
    s.analysis.templates = List.of(ref);
    s.analysis.args = new ArrayList<>(List.of(new AnalysisArgument("service", "demo")));
    return s;
  }

  static World rolloutToV2(List<CanaryStep> steps) {
    World w = new World(5, steps);
    w.templates.put("success-rate", template());
    w.converge();
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    return w;
  }

  static String hash(World w) {
    return w.status().currentPodHash;
  }

  /** A Failed run as the AnalysisRun controller leaves it: the metric's last value 0.8. */
  static void fail(World w, String name) {
    AnalysisRun run =
        w.setPhase(
            name,
            "Failed",
            "Metric \"success-rate\" assessed Failed due to failed (1) > failureLimit (0)");
    AnalysisRunStatus.MetricResult m = new AnalysisRunStatus.MetricResult();
    m.name = "success-rate";
    m.phase = "Failed";
    AnalysisRunStatus.Measurement first = new AnalysisRunStatus.Measurement();
    first.value = "0.99";
    AnalysisRunStatus.Measurement last = new AnalysisRunStatus.Measurement();
    last.value = "0.8";
    m.measurements = List.of(first, last);
    run.getStatus().metricResults = List.of(m);
  }

  @Test
  void anAnalysisStepCreatesOneRunNamedAsArgoWithItsLabelsAndOwner() {
    World w = rolloutToV2(List.of(CanaryStep.setWeight(20), analysis("success-rate")));
    String name = "demo-" + hash(w) + "-2-1";
    assertThat(w.runs).containsOnlyKeys(name);
    AnalysisRun run = w.runs.get(name);
    assertThat(run.getMetadata().getLabels())
        .containsEntry("rollout-type", "Step")
        .containsEntry("step-index", "1")
        .containsEntry("rollouts-pod-template-hash", hash(w))
        .containsEntry("app", "demo");
    assertThat(run.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo("uid-1");
              assertThat(o.getController()).isTrue();
              assertThat(o.getKind()).isEqualTo("Rollout");
            });
    assertThat(run.getSpec().args).extracting(a -> a.value).containsExactly("demo");
    assertThat(run.getSpec().metrics).extracting(m -> m.name).containsExactly("success-rate");
    assertThat(w.status().phase).isEqualTo("Progressing");
    assertThat(w.status().message).contains("waiting for AnalysisRun " + name);
    assertThat(w.status().canary.currentStepAnalysisRunStatus.name).isEqualTo(name);
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    // A fresh controller that lost the status write derives the same name and adopts the run.
    w.status().canary.currentStepAnalysisRunStatus = null;
    Plan plan = w.reconcile();
    assertThat(plan.analysisRuns().create()).isEmpty();
    assertThat(w.runs).hasSize(1);
    assertThat(w.status().canary.currentStepAnalysisRunStatus.name).isEqualTo(name);
    // Waiting on the run needs no timer: its changes bring the Rollout back.
    assertThat(plan.requeueAfter()).isNull();
  }

  @Test
  void aCrashAfterTheCreateAndBeforeTheStatusWriteCreatesTheSameName() {
    World w = new World(5, List.of(CanaryStep.setWeight(20), analysis("success-rate")));
    w.templates.put("success-rate", template());
    w.converge();
    w.rollout.getSpec().template = World.template("demo:2");
    RolloutStatus before = null;
    for (int i = 0; i < 20 && w.runs.isEmpty(); i++) {
      before = w.status().copy();
      w.reconcile();
    }
    String name = w.runs.keySet().iterator().next();
    // The status write of that reconcile is lost; the new controller sees the run: adopted.
    w.rollout.setStatus(before.copy());
    assertThat(w.reconcile().analysisRuns().create()).isEmpty();
    assertThat(w.status().canary.currentStepAnalysisRunStatus.name).isEqualTo(name);
    // Its cache does not have the run yet: it creates the same name (the kube side adopts it).
    w.rollout.setStatus(before.copy());
    AnalysisRun kept = w.runs.remove(name);
    Plan again = w.reconcile();
    assertThat(again.analysisRuns().create())
        .extracting(r -> r.getMetadata().getName())
        .containsExactly(name);
    assertThat(w.runs).containsOnlyKeys(name);
    w.runs.put(name, kept);
  }

  @Test
  void aSuccessfulRunMovesToTheNextStep() {
    World w =
        rolloutToV2(
            List.of(CanaryStep.setWeight(20), analysis("success-rate"), CanaryStep.setWeight(60)));
    String name = "demo-" + hash(w) + "-2-1";
    w.setPhase(name, "Successful", null);
    w.converge();
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(w.status().canary.currentStepAnalysisRunStatus).isNull();
    assertThat(w.runs).hasSize(1);
    assertThat(w.terminated).isEmpty();
    assertThat(w.events).extracting(Plan.Event::reason).contains("AnalysisRunSuccessful");
  }

  @Test
  void aFailedRunAbortsWithTheMetricItsLastValueAndItsCondition() {
    World w =
        rolloutToV2(
            List.of(CanaryStep.setWeight(20), analysis("success-rate"), CanaryStep.setWeight(60)));
    String canary = hash(w);
    fail(w, "demo-" + canary + "-2-1");
    w.converge();
    String why =
        "Metric \"success-rate\" assessed Failed due to failed (1) > failureLimit (0):"
            + " last value 0.8, successCondition result[0] >= 0.95";
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().abort).isTrue();
    assertThat(w.status().message).startsWith("RolloutAborted: ").contains(why);
    assertThat(w.events)
        .filteredOn(e -> e.reason().equals("RolloutAborted"))
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains(why));
    assertThat(w.replicasOf(canary)).isZero();
  }

  @Test
  void anInconclusiveRunPausesAndAPromoteGoesOnWithANewRunAtTheNextAnalysis() {
    World w =
        rolloutToV2(
            List.of(
                CanaryStep.setWeight(20),
                analysis("success-rate"),
                CanaryStep.setWeight(40),
                analysis("success-rate")));
    String first = "demo-" + hash(w) + "-2-1";
    w.setPhase(first, "Inconclusive", "Metric \"success-rate\" assessed Inconclusive");
    w.converge();
    assertThat(w.status().phase).isEqualTo("Paused");
    assertThat(w.status().message).isEqualTo("InconclusiveAnalysisRun");
    assertThat(w.status().pauseConditions)
        .extracting(pc -> pc.reason)
        .containsExactly("InconclusiveAnalysisRun");
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    // ramp promote removes the pause conditions.
    w.status().pauseConditions = null;
    w.converge();
    String second = "demo-" + hash(w) + "-2-3";
    assertThat(w.runs).as(Json.write(w.status())).containsOnlyKeys(first, second);
    assertThat(w.status().currentStepIndex).isEqualTo(3);
    assertThat(w.status().controllerPause).isNull();
    assertThat(w.status().phase).isEqualTo("Progressing");
    w.setPhase(second, "Successful", null);
    w.converge();
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void aRunLeftBehindByAPromoteOrANewTemplateIsTerminated() {
    World w =
        rolloutToV2(
            List.of(
                CanaryStep.setWeight(20),
                analysis("success-rate"),
                CanaryStep.setWeight(40),
                CanaryStep.pause(null)));
    String first = "demo-" + hash(w) + "-2-1";
    w.setPhase(first, "Running", null);
    // ramp promote while not paused skips the step.
    w.status().currentStepIndex = 2;
    w.converge();
    assertThat(w.terminated).containsExactly(first);
    assertThat(w.status().currentStepIndex).isEqualTo(3);

    World v = rolloutToV2(List.of(CanaryStep.setWeight(20), analysis("success-rate")));
    String old = "demo-" + hash(v) + "-2-1";
    v.setPhase(old, "Running", null);
    v.rollout.getSpec().template = World.template("demo:3");
    v.converge();
    assertThat(v.terminated).contains(old);
    assertThat(v.runs).containsKey("demo-" + hash(v) + "-3-1");
  }

  @Test
  void aRetryCreatesANewRunThatCanEndHealthy() {
    World w =
        rolloutToV2(
            List.of(CanaryStep.setWeight(20), analysis("success-rate"), CanaryStep.setWeight(60)));
    String first = "demo-" + hash(w) + "-2-1";
    fail(w, first);
    w.converge();
    assertThat(w.status().abort).isTrue();
    // ramp retry, as RolloutActions.retry patches the status.
    RolloutStatus st = w.status();
    st.abort = null;
    st.abortedAt = null;
    st.pauseConditions = null;
    st.controllerPause = null;
    st.currentStepIndex = 0;
    st.retries = 1;
    w.converge();
    String retried = first + ".1";
    assertThat(w.runs).containsOnlyKeys(first, retried);
    assertThat(w.status().phase).isEqualTo("Progressing");
    w.setPhase(retried, "Successful", null);
    w.converge();
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void aMissingTemplateIsAnInvalidSpecNamingIt() {
    World w = new World(5, List.of(CanaryStep.setWeight(20), analysis("nope")));
    w.templates.put("nope", template());
    w.converge();
    w.templates.remove("nope");
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message)
        .isEqualTo(
            "InvalidSpec: spec.strategy.canary.steps[1].analysis.templates[0]:"
                + " AnalysisTemplate nope is not found");
    assertThat(w.runs).isEmpty();
    w.templates.put("nope", template());
    w.converge();
    assertThat(w.runs).as(Json.write(w.status())).hasSize(1);
    assertThat(w.status().phase).isEqualTo("Progressing");
  }

  @Test
  void argsAreResolvedFromTheRolloutWhenTheRunIsMade() throws Exception {
    AnalysisTemplateSpec t =
        Json.MAPPER.readValue(
            """
            {"args": [{"name": "service"}, {"name": "latest"}, {"name": "stable"},
                      {"name": "team"}, {"name": "image"},
                      {"name": "token", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
             "metrics": [{"name": "m", "successCondition": "true", "provider": {"web": {"url": "http://x"}}}]}
            """,
            AnalysisTemplateSpec.class);
    CanaryStep step = analysis("args");
    step.analysis.args.addAll(
        List.of(
            Json.MAPPER.readValue(
                """
            [{"name": "latest", "valueFrom": {"podTemplateHashValue": "Latest"}},
             {"name": "stable", "valueFrom": {"podTemplateHashValue": "Stable"}},
             {"name": "team", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['team']"}}},
             {"name": "image",
              "valueFrom": {"fieldRef": {"fieldPath": "spec.template.spec.containers[0].image"}}}]
            """,
                AnalysisArgument[].class)));
    World w = new World(5, List.of(CanaryStep.setWeight(20), step));
    w.rollout.getMetadata().setLabels(java.util.Map.of("team", "payments"));
    w.templates.put("args", t);
    w.converge();
    String stable = w.status().stableRS;
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    AnalysisRun run = w.runs.values().iterator().next();
    assertThat(run.getSpec().args)
        .extracting(a -> a.name + "=" + a.value)
        .containsExactly(
            "service=demo",
            "latest=" + hash(w),
            "stable=" + stable,
            "team=payments",
            "image=demo:2",
            "token=null");
    assertThat(run.getSpec().args.get(5).valueFrom.secretKeyRef.name).isEqualTo("s");
  }

  @Test
  void aFieldRefThatIsNotInTheRolloutHoldsWithAnInvalidSpec() {
    CanaryStep step = analysis("success-rate");
    AnalysisArgument arg = new AnalysisArgument();
    arg.name = "service";
    arg.valueFrom = new AnalysisArgument.ValueFrom();
    arg.valueFrom.fieldRef = new AnalysisArgument.FieldRef();
    arg.valueFrom.fieldRef.fieldPath = "spec.nothing";
    step.analysis.args = List.of(arg);
    World w = rolloutToV2(List.of(CanaryStep.setWeight(20), step));
    assertThat(w.status().message)
        .isEqualTo(
            "InvalidSpec: spec.strategy.canary.steps[1].analysis: args: arg \"service\":"
                + " fieldRef spec.nothing is not a value of the Rollout");
    assertThat(w.runs).isEmpty();
  }
}
