package dev.ramp.engine.model;

/** A Rollout's {@code status.phase}; the constants are spelled as on the wire, as Argo's. */
public enum Phase {
  Healthy,
  Progressing,
  Paused,
  Degraded;

  /** True when {@code phase} (a status field) is this phase. */
  public boolean is(String phase) {
    return name().equals(phase);
  }
}
