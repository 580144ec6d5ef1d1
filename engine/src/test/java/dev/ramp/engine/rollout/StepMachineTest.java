package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.CanaryStep;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Step-machine behaviour beyond the happy path, on the in-memory world. */
class StepMachineTest {

  World rolloutToV2(List<CanaryStep> steps) {
    World w = new World(5, steps);
    w.converge();
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    return w;
  }

  @Test
  void aPluginStepWithoutAPluginHostIsAnInvalidSpec() {
    CanaryStep plugin = new CanaryStep();
    plugin.plugin = new CanaryStep.PluginStep();
    plugin.plugin.name = "ramp.dev/step-webhook";
    World w = rolloutToV2(List.of(CanaryStep.setWeight(40), plugin, CanaryStep.setWeight(80)));
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message)
        .startsWith(
            "InvalidSpec: spec.strategy.canary.steps[1].plugin.name: \"ramp.dev/step-webhook\""
                + " is not a configured step plugin");
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    int events = w.events.size();
    w.advance(Duration.ofMinutes(1));
    w.converge();
    assertThat(w.events).hasSize(events);
    assertThat(w.last.statusChanged()).isFalse();
  }

  @Test
  void anEditedStepListStartsTheStepsAgain() {
    World w =
        rolloutToV2(
            List.of(
                CanaryStep.setWeight(20),
                CanaryStep.pause(null),
                CanaryStep.setWeight(60),
                CanaryStep.pause(null)));
    w.status().pauseConditions = null;
    w.converge();
    assertThat(w.status().currentStepIndex).isEqualTo(3);
    String stepHash = w.status().currentStepHash;
    w.rollout.getSpec().strategy.canary.steps =
        List.of(CanaryStep.setWeight(10), CanaryStep.pause(null));
    w.converge();
    assertThat(w.status().currentStepHash).isNotEqualTo(stepHash);
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    assertThat(w.status().phase).isEqualTo("Paused");
    assertThat(w.replicasOf(w.status().currentPodHash)).isEqualTo(1);
    assertThat(w.events).extracting(Plan.Event::reason).contains("RolloutStepsChanged");
  }

  /**
   * A canary at 100 % with every pod available still waits for the steps after its last setWeight:
   * a pause there lasts its time, an analysis runs (Argo: stable only past the last step). Each
   * step's start is recorded on the controller's clock.
   */
  @Test
  void aPauseAfterSetWeight100StillLastsItsTime() {
    World w =
        new World(
            2,
            List.of(
                CanaryStep.setWeight(50),
                CanaryStep.pause("3s"),
                CanaryStep.setWeight(100),
                CanaryStep.pause("2s")));
    w.converge();
    String v1 = w.status().stableRS;
    w.rollout.getSpec().template = World.template("demo:2");
    w.reconcile(); // the new revision starts at step 0
    for (int i = 0; i < 20 && w.status().currentStepIndex < 3; i++) {
      w.advance(java.time.Duration.ofSeconds(1));
      w.reconcile();
    }
    assertThat(w.status().currentStepIndex).isEqualTo(3);
    assertThat(w.status().phase).isEqualTo("Paused");
    assertThat(w.status().stableRS).isEqualTo(v1);
    java.time.Instant pauseStart = java.time.Instant.parse(w.status().canary.currentStepStartedAt);
    w.now = pauseStart.plusMillis(1999);
    w.reconcile();
    assertThat(w.status().currentStepIndex).isEqualTo(3);
    w.now = pauseStart.plusSeconds(2);
    w.reconcile();
    assertThat(w.status().currentStepIndex).isEqualTo(4);
    assertThat(w.status().canary.currentStepStartedAt).isEqualTo(w.now.toString());
    assertThat(w.status().stableRS).isEqualTo(w.status().currentPodHash);
  }

  /** A canary without steps has no step start: its status does not change from look to look. */
  @Test
  void aCanaryWithoutStepsWritesNoStatusWhenNothingChanged() {
    World w = new World(2, List.of());
    w.converge();
    w.advance(java.time.Duration.ofSeconds(7));
    assertThat(w.reconcile().statusChanged()).isFalse();
    assertThat(w.status().canary.currentStepStartedAt).isNull();
  }

  @Test
  void pausedBySpecHoldsTheCurrentStep() {
    World w = new World(5, List.of(CanaryStep.setWeight(20), CanaryStep.setWeight(60)));
    w.converge();
    w.rollout.getSpec().paused = true;
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(w.status().phase).isEqualTo("Paused");
    assertThat(w.status().message).isEqualTo("PausedBySpec");
    assertThat(w.status().currentStepIndex).isEqualTo(0);
    w.rollout.getSpec().paused = false;
    w.converge();
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void aSettledRolloutWritesNothingAndEmitsNoEventsOnRequeue() {
    World w = rolloutToV2(List.of(CanaryStep.setWeight(20), CanaryStep.pause("1h")));
    int events = w.events.size();
    for (int i = 0; i < 5; i++) {
      w.advance(Duration.ofMinutes(1));
      Plan plan = w.reconcile();
      assertThat(plan.statusChanged()).isFalse();
      assertThat(plan.replicaSets().scales()).isEmpty();
      assertThat(plan.events()).isEmpty();
      assertThat(plan.requeueAfter()).isEqualTo(Duration.ofMinutes(60 - i - 1));
    }
    assertThat(w.events).hasSize(events);
  }

  @Test
  void oldReplicaSetsBeyondTheHistoryLimitAreDeleted() {
    World w = new World(2, List.of());
    w.rollout.getSpec().revisionHistoryLimit = 1;
    w.converge();
    for (int v = 2; v <= 4; v++) {
      w.rollout.getSpec().template = World.template("demo:" + v);
      w.converge();
    }
    // Current (v4) plus one idle old revision (v3).
    assertThat(w.sets).hasSize(2);
    assertThat(w.replicas().values()).containsExactlyInAnyOrder(2, 0);
  }

  @Test
  void statusCarriesObservedGenerationAndScaleFields() {
    World w = new World(3, List.of());
    w.rollout.getMetadata().setGeneration(7L);
    w.converge();
    assertThat(w.status().observedGeneration).isEqualTo(7L);
    assertThat(w.status().replicas).isEqualTo(3);
    assertThat(w.status().selector).isEqualTo("app=demo");
    assertThat(w.status().currentStepIndex).isNull();
  }

  @Test
  void trafficRoutingWithoutItsServicesIsRefusedAtOnceNotAcceptedAndHeld() {
    World w = new World(5, List.of(CanaryStep.setWeight(20)));
    w.rollout.getSpec().strategy.canary.trafficRouting = new dev.ramp.engine.model.TrafficRouting();
    w.rollout.getSpec().strategy.canary.trafficRouting.plugins =
        java.util.Map.of(
            "acme.io/mesh",
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    w.converge();
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message)
        .isEqualTo(
            "InvalidSpec: spec.strategy.canary.trafficRouting: set both canaryService and"
                + " stableService; routers move traffic between those two Services");
    assertThat(w.replicas()).isEmpty();
  }

  @Test
  void routeStepsWithoutARouterAreRefusedAtOnceNamingTheStep() {
    CanaryStep route = new CanaryStep();
    route.setHeaderRoute =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    ((com.fasterxml.jackson.databind.node.ObjectNode) route.setHeaderRoute).put("name", "h");
    World w = new World(5, List.of(CanaryStep.setWeight(20), route));
    w.converge();
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message)
        .isEqualTo(
            "InvalidSpec: spec.strategy.canary.steps[1].setHeaderRoute: requires"
                + " spec.strategy.canary.trafficRouting (as in Argo Rollouts)");
  }

  @Test
  void restartReplacesOldPodsInBatchesOfMaxUnavailable() {
    World w = new World(5, List.of());
    w.converge();
    String hash = w.status().stableRS;
    for (int i = 0; i < 5; i++) {
      w.pods.add(new Observed.Pod("old-" + i, hash, w.now, true));
    }
    w.advance(Duration.ofMinutes(1));
    w.rollout.getSpec().restartAt = w.now.toString();
    w.advance(Duration.ofSeconds(1));
    List<Integer> batches = new java.util.ArrayList<>();
    for (int i = 0; i < 10 && w.status().restartedAt == null; i++) {
      batches.add(w.reconcile().replicaSets().podDeletes().size());
    }
    // 5 replicas, maxUnavailable 25% -> 1 pod at a time, then recorded as done.
    assertThat(batches).containsExactly(1, 1, 1, 1, 1, 0);
    assertThat(w.status().restartedAt).isEqualTo(w.rollout.getSpec().restartAt);
    assertThat(w.pods).noneMatch(p -> p.name().startsWith("old-"));
    assertThat(w.events).extracting(Plan.Event::reason).contains("RolloutRestarted");
    assertThat(w.reconcile().replicaSets().podDeletes()).isEmpty();
  }

  @Test
  void restartWaitsWhileAPodIsNotReadyAndForItsTime() {
    World w = new World(2, List.of());
    w.converge();
    String hash = w.status().stableRS;
    w.pods.add(new Observed.Pod("a", hash, w.now, true));
    w.pods.add(new Observed.Pod("b", hash, w.now, false));
    w.rollout.getSpec().restartAt = w.now.plusSeconds(60).toString();
    w.advance(Duration.ofSeconds(1));
    Plan early = w.reconcile();
    assertThat(early.replicaSets().podDeletes()).isEmpty();
    assertThat(early.requeueAfter()).isEqualTo(Duration.ofSeconds(59));
    assertThat(early.replicaSets().podDeletes()).isEmpty();
    w.advance(Duration.ofSeconds(60));
    assertThat(w.reconcile().replicaSets().podDeletes()).isEmpty();
    w.pods.set(1, new Observed.Pod("b", hash, w.pods.get(1).created(), true));
    assertThat(w.reconcile().replicaSets().podDeletes()).containsExactly("a");
  }

  @Test
  void anExceededProgressDeadlineIsAStableStateUntilProgress() {
    World w = new World(3, List.of(CanaryStep.setWeight(50)));
    w.rollout.getSpec().progressDeadlineSeconds = 60;
    w.converge();
    w.podsBecomeReady = false;
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(w.status().phase).isEqualTo("Progressing");
    assertThat(w.last.requeueAfter()).isEqualTo(Duration.ofSeconds(60));
    w.advance(Duration.ofSeconds(60));
    w.reconcile();
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message).startsWith("ProgressDeadlineExceeded: ");
    for (int i = 0; i < 3; i++) {
      w.advance(Duration.ofSeconds(30));
      assertThat(w.reconcile().statusChanged()).isFalse();
    }
    assertThat(w.status().abort).isNull();
    w.podsBecomeReady = true;
    w.settle();
    w.converge();
    assertThat(w.status().phase).isEqualTo("Healthy");
  }
}
