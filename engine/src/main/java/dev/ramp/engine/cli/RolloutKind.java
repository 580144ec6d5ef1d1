package dev.ramp.engine.cli;

import java.util.List;

/** The resource kinds the steering verbs know, as kubectl spells them. */
final class RolloutKind {

  private static final List<String> NAMES = List.of("rollout", "rollouts", "ro");

  private RolloutKind() {}

  /** Refuses anything but a Rollout, naming what was asked for. */
  static void require(String verb, String kind) {
    if (!NAMES.contains(kind.toLowerCase(java.util.Locale.ROOT))) {
      throw new CliException(
          "unknown kind \"" + kind + "\"; ramp " + verb + " knows: rollout (rollouts, ro)");
    }
  }
}
