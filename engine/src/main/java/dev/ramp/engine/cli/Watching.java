package dev.ramp.engine.cli;

import java.time.Duration;

/** How the watching verbs wait between looks at the cluster. */
final class Watching {

  private Watching() {}

  /** Waits {@code interval}; Ctrl-C (an interrupt) ends the command quietly. */
  static void pause(Duration interval) {
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
