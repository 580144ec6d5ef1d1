package dev.ramp.plugin.sdk.launch;

import java.time.Duration;

/** Durations as a person reads them in a message: Go's notation ("500ms", "20s", "1m30s"). */
final class DurationText {

  private DurationText() {}

  static String of(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0) {
      return ms + "ms";
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    return s / 3600 + "h" + (s % 3600 / 60) + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
  }
}
