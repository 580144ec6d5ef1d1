package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Json;
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

  @Test
  void analysisStepsAndBackgroundAnalysisAreCheckedAndExperimentsRefused() throws Exception {
    CanaryStep noTemplate =
        Json.MAPPER.readValue(
            "{\"analysis\": {\"templates\": [{}], \"args\": [{\"value\": \"x\"}]}}",
            CanaryStep.class);
    CanaryStep badHash =
        Json.MAPPER.readValue(
            "{\"analysis\": {\"templates\": [{\"templateName\": \"t\"}], \"args\":"
                + " [{\"name\": \"h\", \"valueFrom\": {\"podTemplateHashValue\": \"Old\"}}]}}",
            CanaryStep.class);
    CanaryStep experiment =
        Json.MAPPER.readValue("{\"experiment\": {\"templates\": []}}", CanaryStep.class);
    World w = new World(3, List.of(noTemplate, badHash, experiment, CanaryStep.setWeight(50)));
    w.rollout.getSpec().strategy.canary.analysis =
        Json.MAPPER.readValue(
            "{\"templates\": [{\"templateName\": \"t\"}], \"startingStep\": 9}",
            dev.ramp.engine.model.RolloutAnalysisBackground.class);
    assertThat(SpecCheck.validate(w.rollout))
        .extracting(p -> p.field() + ": " + p.message())
        .containsExactly(
            "spec.strategy.canary.steps[0].analysis.templates[0].templateName: a template name is"
                + " required; spec.strategy.canary.steps[0].analysis.args[0].name: an arg needs a"
                + " name",
            "spec.strategy.canary.steps[1].analysis.args[0].valueFrom.podTemplateHashValue:"
                + " \"Old\" is not Latest or Stable",
            "spec.strategy.canary.steps[2].experiment: experiment steps are not supported by"
                + " Ramp; remove the step",
            "spec.strategy.canary.analysis.startingStep: 9 is outside the steps (0-4)");
  }
}
