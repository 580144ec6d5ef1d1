package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.CanaryStep;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutReconcilerTest {
  static final List<CanaryStep> STEPS =
      List.of(
          CanaryStep.setWeight(20),
          CanaryStep.pause("30s"),
          CanaryStep.setWeight(60),
          CanaryStep.pause(null));

  @Test
  void firstDeploymentIsStableAtOnceAndSettles() {
    World w = new World(5, STEPS);
    w.converge();
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(w.status().stableRS).isEqualTo(w.status().currentPodHash);
    assertThat(w.replicas()).containsExactly(java.util.Map.entry(w.status().stableRS, 5));
    assertThat(w.reconcile().statusChanged()).isFalse();
  }

  @Test
  void canaryWalksItsSteps() {
    World w = new World(5, STEPS);
    w.converge();
    String v1 = w.status().stableRS;
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    String v2 = w.status().currentPodHash;
    assertThat(w.status().phase).isEqualTo("Paused");
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    assertThat(w.replicasOf(v2)).isEqualTo(1);
    assertThat(w.replicasOf(v1)).isEqualTo(4);
    assertThat(w.last.requeueAfter()).isEqualTo(Duration.ofSeconds(30));
    w.advance(Duration.ofSeconds(30));
    w.converge();
    assertThat(w.status().currentStepIndex).isEqualTo(3);
    assertThat(w.replicasOf(v2)).isEqualTo(3);
    assertThat(w.replicasOf(v1)).isEqualTo(2);
    w.status().pauseConditions = null; // promote
    w.converge();
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(w.status().stableRS).isEqualTo(v2);
    assertThat(w.replicasOf(v2)).isEqualTo(5);
    assertThat(w.replicasOf(v1)).isEqualTo(0);
  }

  @Test
  void aProgressDeadlineAbortTakesEffectInTheReconcileThatDecidesIt() {
    World w = new World(5, STEPS);
    w.rollout.getSpec().progressDeadlineSeconds = 60;
    w.rollout.getSpec().progressDeadlineAbort = true;
    w.converge();
    String v1 = w.status().stableRS;
    w.podsBecomeReady = false;
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    String v2 = w.status().currentPodHash;
    // The canary's pod never becomes ready; stable gave one pod up for it (maxUnavailable 1).
    assertThat(w.replicasOf(v2)).isEqualTo(1);
    assertThat(w.replicasOf(v1)).isEqualTo(4);
    assertThat(w.status().phase).isEqualTo("Progressing");

    w.advance(Duration.ofSeconds(60));
    Plan plan = w.reconcile();
    // One reconcile: the abort is decided, written, and the canary already goes back.
    assertThat(plan.status().abort).isTrue();
    assertThat(plan.status().phase).isEqualTo("Degraded");
    assertThat(plan.replicaSets().scales())
        .containsEntry(w.nameOf(v2), 0)
        .containsEntry(w.nameOf(v1), 5);
    assertThat(plan.serviceSelectors()).doesNotContainValue(v2);
    assertThat(plan.status().condition("Progressing").reason).isEqualTo("ProgressDeadlineExceeded");
    assertThat(plan.events()).extracting(Plan.Event::reason).contains("RolloutAborted");
    // The cause, not only the time: what the rollout waited for when the deadline passed.
    String waited = "more replicas need to be updated (0 of 1 canary available)";
    assertThat(plan.status().message)
        .startsWith("RolloutAborted: ProgressDeadlineExceeded: ReplicaSet ")
        .endsWith("has timed out progressing; " + waited);
    assertThat(plan.status().condition("Progressing").message).endsWith(waited);
    w.reconcile();
    assertThat(w.status().message).isEqualTo(plan.status().message);
  }

  @Test
  void everyStepKindIsHandledByTheVisitor() {
    // A new kind of Step must be a new Visitor method: compiled, every kind has one.
    java.util.Set<String> visited = new java.util.HashSet<>();
    for (Class<?> kind : Step.class.getPermittedSubclasses()) {
      String name = kind.getSimpleName();
      visited.add(Character.toLowerCase(name.charAt(0)) + name.substring(1));
    }
    java.util.Set<String> methods = new java.util.HashSet<>();
    for (var m : Step.Visitor.class.getDeclaredMethods()) {
      methods.add(m.getName());
    }
    assertThat(methods).isEqualTo(visited);
  }

  @Test
  void aPromoteAfterAPauseLongerThanTheDeadlineIsProgressNotAnAbort() {
    World w = new World(5, List.of(CanaryStep.setWeight(20), CanaryStep.pause(null)));
    w.rollout.getSpec().progressDeadlineSeconds = 60;
    w.rollout.getSpec().progressDeadlineAbort = true;
    w.converge();
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(w.status().phase).isEqualTo("Paused");
    w.advance(Duration.ofHours(1));
    w.converge();
    assertThat(w.status().phase).isEqualTo("Paused");
    w.status().pauseConditions = null; // promote
    w.converge();
    assertThat(w.status().abort).isNull();
    assertThat(w.status().phase).isEqualTo("Healthy");
  }
}
