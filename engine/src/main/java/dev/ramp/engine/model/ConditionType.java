package dev.ramp.engine.model;

/** The types of {@code status.conditions[]}, spelled as on the wire. */
public enum ConditionType {
  /** The spec cannot be executed; the message names the field. */
  InvalidSpec,
  /** At least {@code replicas - maxUnavailable} pods are available. */
  Available,
  /** The rollout makes progress within its deadline (Argo's semantics). */
  Progressing,
  Paused,
  Completed,
  Healthy,
  /** A plugin step's plugin cannot take calls (starting, backing off, refused): a Ramp addition. */
  StepPluginAvailable
}
