package dev.ramp.engine.rollout;

/**
 * One concern of the reconcile pipeline (validate, hash, steps, ReplicaSets, …): reads the observed
 * state and the plan so far from the {@link Reconcile}, adds its part, and returns early when its
 * part is not due. Sub-steps run in the order their {@link Strategy} lists them.
 */
interface SubStep {
  void apply(Reconcile r);
}
