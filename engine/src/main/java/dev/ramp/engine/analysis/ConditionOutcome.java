package dev.ramp.engine.analysis;

/**
 * What one measurement's result makes of a metric's conditions: a phase, and for {@link
 * Phase#ERROR} a message saying which condition could not be evaluated and why.
 *
 * @param phase the measurement's phase
 * @param message empty unless the phase is {@link Phase#ERROR}
 */
record ConditionOutcome(Phase phase, String message) {

  /** The measurement phases a condition decides (Argo's AnalysisPhase, less the running ones). */
  enum Phase {
    SUCCESSFUL,
    FAILED,
    INCONCLUSIVE,
    ERROR
  }

  static final ConditionOutcome SUCCESSFUL = new ConditionOutcome(Phase.SUCCESSFUL, "");
  static final ConditionOutcome FAILED = new ConditionOutcome(Phase.FAILED, "");
  static final ConditionOutcome INCONCLUSIVE = new ConditionOutcome(Phase.INCONCLUSIVE, "");

  ConditionOutcome {
    if (phase == null || message == null) {
      throw new IllegalArgumentException("phase and message are required");
    }
  }

  static ConditionOutcome error(String message) {
    return new ConditionOutcome(Phase.ERROR, message);
  }
}
