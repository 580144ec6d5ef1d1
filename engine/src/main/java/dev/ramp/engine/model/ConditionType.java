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
  StepPluginAvailable,
  /**
   * The traffic routers hold the traffic where the rollout needs it; False (with the router and its
   * message) while one failed, is disabled or unavailable, or has not verified the weight: a Ramp
   * addition.
   */
  TrafficRouting
}
