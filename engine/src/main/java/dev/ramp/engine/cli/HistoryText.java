package dev.ramp.engine.cli;

import dev.ramp.engine.rehearsal.Rehearsal.StepRecord;
import java.time.Duration;

/** One line per step of a rehearsal's history. */
final class HistoryText {

  private HistoryText() {}

  /** "step 2 of 4 (pause 30s) completed 30.0s", counted from 1 as every view counts. */
  static String line(StepRecord s, int total) {
    Duration took = Duration.between(s.start(), s.end());
    return String.format(
        "%-44s %-24s %6.1fs%s",
        "step " + (s.index() + 1) + " of " + total + " (" + s.step() + ")",
        s.result(),
        took.toMillis() / 1000.0,
        s.pluginCalls() > 0 ? "  (" + s.pluginCalls() + " plugin calls)" : "");
  }
}
