package dev.ramp.engine.rollout;

import dev.ramp.engine.model.GoDuration;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;

/** Pause and backoff durations of a Rollout, with errors that name the field (InvalidSpec). */
final class Durations {

  private Durations() {}

  /** Parses a duration; the error message names {@code field} and the value. */
  static Duration parse(IntOrString value, String field) {
    if (value.getIntVal() == null && value.getStrVal() == null) {
      throw new InvalidSpecException(field + ": a duration such as 30s, 5m or 1h is required");
    }
    if (value.getIntVal() != null) {
      if (value.getIntVal() < 0) {
        throw new InvalidSpecException(
            field + ": duration " + value.getIntVal() + " is negative; use seconds >= 0");
      }
      if (value.getIntVal() > GoDuration.MAX.getSeconds()) {
        throw new InvalidSpecException(
            field
                + ": duration "
                + value.getIntVal()
                + " is longer than a year; use at most 8760h");
      }
      return Duration.ofSeconds(value.getIntVal());
    }
    try {
      return GoDuration.parse(value.getStrVal());
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(field + ": " + e.getMessage());
    }
  }

  /** Parses a duration this controller wrote (e.g. a step plugin status's backoff). */
  static Duration parse(String text, String field) {
    return parse(new IntOrString(text), field);
  }

  /** Formats a duration as Go does for whole units ("500ms", "5s", "1m30s", "2h0m0s"). */
  static String format(Duration d) {
    return GoDuration.format(d);
  }
}
