package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutCondition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pauses no clock can hold (a number overflow, a date overflow before this change) are an
 * InvalidSpec naming the field, with a Warning Event, at once; the controller's other rollouts go
 * on as if nothing happened.
 */
class OverflowRolloutsIT extends RolloutItBase {

  @Test
  void overflowingPausesAreInvalidSpecAndTheOtherRolloutsAreUnaffected() {
    cluster.restartController();
    cluster.create(rollout("huge", "9999999999999999h"));
    cluster.create(rollout("far", "9000000000000h"));
    cluster.create(Cluster.rollout("fine", 3, STEPS));

    for (String name : List.of("huge", "far")) {
      String duration = name.equals("huge") ? "9999999999999999h" : "9000000000000h";
      String message =
          "spec.strategy.canary.steps[1].pause.duration: duration \""
              + duration
              + "\" is longer than a year; use at most 8760h";
      Rollout r = awaitRollout(name, x -> x.getStatus().condition("InvalidSpec") != null);
      RolloutCondition invalid = r.getStatus().condition("InvalidSpec");
      assertThat(invalid.message).isEqualTo(message);
      assertThat(r.getStatus().phase).isEqualTo("Degraded");
      assertThat(cluster.events(name)).contains("InvalidSpec: " + message);
    }
    Rollout fine = awaitRollout("fine", phase("Healthy", 4));
    assertThat(fine.getStatus().condition("InvalidSpec")).isNull();
    assertThat(cluster.replicas("fine")).containsValue(3);
  }

  private static Rollout rollout(String name, String pause) {
    return Cluster.rollout(name, 3, List.of(CanaryStep.setWeight(20), CanaryStep.pause(pause)));
  }
}
