package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.CanaryStep;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link SpecCheck#validate}, which `ramp lint` runs: the controller's problems, split by field.
 */
class SpecCheckValidateTest {

  @Test
  void aValidRolloutHasNoProblems() {
    World w = new World(3, SpecCheckTest.STEPS);
    assertThat(SpecCheck.validate(w.rollout)).isEmpty();
  }

  @Test
  void problemsAreTheControllersInvalidSpecMessageFieldByField() {
    World w = new World(3, SpecCheckTest.STEPS);
    w.rollout.getSpec().replicas = -2;
    w.rollout.getSpec().strategy.canary.steps =
        List.of(CanaryStep.setWeight(120), CanaryStep.pause("soon"));

    List<SpecCheck.Problem> problems = SpecCheck.validate(w.rollout);

    assertThat(problems)
        .extracting(SpecCheck.Problem::field)
        .contains(
            "spec.replicas",
            "spec.strategy.canary.steps[0].setWeight",
            "spec.strategy.canary.steps[1].pause.duration");
    w.reconcile();
    assertThat(
            problems.stream()
                .map(p -> p.field() + ": " + p.message())
                .collect(Collectors.joining("; ")))
        .isEqualTo(w.status().condition("InvalidSpec").message);
  }

  @Test
  void servicesAreNotLookedUpWithoutACluster() {
    World w = new World(3, SpecCheckTest.STEPS);
    w.rollout.getSpec().strategy.canary.canaryService = "nowhere";
    assertThat(SpecCheck.validate(w.rollout)).isEmpty();
  }
}
