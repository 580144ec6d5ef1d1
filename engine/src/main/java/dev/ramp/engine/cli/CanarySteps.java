package dev.ramp.engine.cli;

import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutSpec;
import java.util.List;

/**
 * What a Rollout's canary steps say: which they are and the weight they set (one step as text:
 * StepText).
 */
final class CanarySteps {

  private CanarySteps() {}

  /** The canary steps of the spec; empty without a canary strategy or steps. */
  static List<CanaryStep> of(Rollout r) {
    RolloutSpec spec = r.getSpec();
    if (spec == null
        || spec.strategy == null
        || spec.strategy.canary == null
        || spec.strategy.canary.steps == null) {
      return List.of();
    }
    return spec.strategy.canary.steps;
  }

  /** The status's current step index (0-based), 0 when the status has none. */
  static int currentIndex(Rollout r) {
    return r.getStatus() == null || r.getStatus().currentStepIndex == null
        ? 0
        : r.getStatus().currentStepIndex;
  }

  /** The weight the steps before the current one set; 100 once all steps are done. */
  static int setWeight(List<CanaryStep> steps, int index) {
    if (index >= steps.size()) {
      return 100;
    }
    int weight = 0;
    for (int i = 0; i < index; i++) {
      if (steps.get(i).setWeight != null) {
        weight = steps.get(i).setWeight;
      }
    }
    return weight;
  }
}
