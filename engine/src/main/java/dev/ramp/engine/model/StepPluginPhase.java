package dev.ramp.engine.model;

/** The phase of one {@code status.canary.stepPluginStatuses[]} entry, spelled as on the wire. */
public enum StepPluginPhase {
  Running,
  Successful,
  Failed,
  Error;

  public boolean is(String phase) {
    return name().equals(phase);
  }
}
