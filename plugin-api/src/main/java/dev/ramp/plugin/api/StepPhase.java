package dev.ramp.plugin.api;

/** The outcome of a step plugin call. Only {@link #FAILED} aborts a rollout. */
public enum StepPhase {
  /** Still working: called again after the result's requeue-after, with its state. */
  RUNNING,
  /** Done; the rollout moves on. */
  SUCCESSFUL,
  /** The rollout must not go on: it aborts with the message. */
  FAILED,
  /** A retry may fix it: retried with backoff. */
  ERROR
}
