package dev.ramp.engine.rollout;

import dev.ramp.engine.model.Rollout;
import java.util.List;

/**
 * A deployment strategy: the ordered sub-steps of its reconcile. Canary and blue-green, each with
 * its own list; both share validation, hashing, the abort decision, analysis clean-up, history
 * clean-up and the status.
 */
sealed interface Strategy permits Canary, BlueGreen {

  /** The sub-steps, in order; the last computes the status. */
  List<SubStep> subSteps();

  /** The strategy the Rollout's spec asks for (validation refuses a spec that asks for none). */
  static Strategy of(Rollout rollout) {
    var strategy = rollout.getSpec() == null ? null : rollout.getSpec().strategy;
    return strategy != null && strategy.blueGreen != null && strategy.canary == null
        ? BlueGreen.INSTANCE
        : Canary.INSTANCE;
  }
}
