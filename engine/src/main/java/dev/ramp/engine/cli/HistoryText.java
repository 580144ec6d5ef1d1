package dev.ramp.engine.cli;

import dev.ramp.engine.rehearsal.Rehearsal.StepRecord;
import java.time.Duration;

/** One line per step of a rehearsal's history. */
final class HistoryText {

  private HistoryText() {}

  static String line(StepRecord s) {
    Duration took = Duration.between(s.start(), s.end());
    return String.format(
        "step %d  %-28s %-24s %6.1fs%s",
        s.index(),
        s.step(),
        s.result(),
        took.toMillis() / 1000.0,
        s.pluginCalls() > 0 ? "  (" + s.pluginCalls() + " plugin calls)" : "");
  }
}
