package dev.ramp.engine.host;

import java.time.Duration;

/**
 * Capped exponential restart backoff: {@code initial * 2^(failures-1)}, at most {@code max}. Policy
 * only; the count of failures lives in the supervisor.
 */
record Backoff(Duration initial, Duration max) {

  Backoff {
    if (initial.isZero() || initial.isNegative()) {
      throw new IllegalArgumentException(
          "backoff initial must be positive, got "
              + dev.ramp.engine.model.GoDuration.format(initial));
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff max "
              + dev.ramp.engine.model.GoDuration.format(max)
              + " must not be below initial "
              + dev.ramp.engine.model.GoDuration.format(initial));
    }
  }

  /** The delay before the restart that follows the {@code failures}-th failure in a row. */
  Duration delay(int failures) {
    int shift = Math.min(Math.max(failures, 1) - 1, 30);
    long millis = initial.toMillis() << shift;
    return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
  }
}
