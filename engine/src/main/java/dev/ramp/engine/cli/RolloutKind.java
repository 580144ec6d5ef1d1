package dev.ramp.engine.cli;

import java.util.List;

/** The resource kinds the steering verbs (and `ramp get`) know, as kubectl spells them. */
final class RolloutKind {

  private static final List<String> NAMES = List.of("rollout", "rollouts", "ro");

  private static final List<String> RUN_NAMES = List.of("analysisrun", "analysisruns", "ar");

  private RolloutKind() {}

  /** For {@code ramp get}: true for an AnalysisRun, false for a Rollout; refuses anything else. */
  static boolean analysisRunOrRollout(String kind) {
    String k = kind.toLowerCase(java.util.Locale.ROOT);
    if (RUN_NAMES.contains(k)) {
      return true;
    }
    if (NAMES.contains(k)) {
      return false;
    }
    throw new CliException(
        "unknown kind \""
            + kind
            + "\"; ramp get knows: rollout (rollouts, ro), analysisrun (analysisruns, ar)");
  }

  /** Refuses anything but a Rollout, naming what was asked for. */
  static void require(String verb, String kind) {
    if (!NAMES.contains(kind.toLowerCase(java.util.Locale.ROOT))) {
      throw new CliException(
          "unknown kind \"" + kind + "\"; ramp " + verb + " knows: rollout (rollouts, ro)");
    }
  }
}
