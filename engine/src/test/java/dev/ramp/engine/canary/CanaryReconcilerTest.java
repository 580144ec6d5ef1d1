package dev.ramp.engine.canary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.CanaryStep;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanaryReconcilerTest {
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
}
