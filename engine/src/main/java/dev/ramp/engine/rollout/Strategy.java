package dev.ramp.engine.rollout;

import dev.ramp.engine.model.Rollout;
import java.util.List;

/**
 * A deployment strategy: the ordered sub-steps of its reconcile. Canary now; blue-green is the next
 * one, a second implementation with its own list.
 */
sealed interface Strategy permits Canary {

  /** The sub-steps, in order; the last computes the status. */
  List<SubStep> subSteps();

  /** The strategy the Rollout's spec asks for (validation refuses a spec that asks for none). */
  static Strategy of(Rollout rollout) {
    return Canary.INSTANCE;
  }
}
