package dev.ramp.engine.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Times as the command line prints and reads them: kubectl's short ages, and pause lengths. */
final class TimeText {

  private TimeText() {}

  /**
   * The age of an RFC 3339 timestamp at {@code now} ("" when there is none or it is unreadable).
   */
  static String ageOf(String timestamp, Instant now) {
    Instant t = instant(timestamp);
    return t == null
        ? ""
        : compact(Duration.between(t, now).isNegative() ? Duration.ZERO : Duration.between(t, now));
  }

  /** The time from {@code since} to {@code now}, never negative, as {@link #compact} writes it. */
  static String age(Instant since, Instant now) {
    Duration d = Duration.between(since, now);
    return compact(d.isNegative() ? Duration.ZERO : d);
  }

  /** kubectl's short ages: 45s, 3m10s, 5h2m, 4d3h. */
  static String compact(Duration d) {
    long s = d.getSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    if (s < 86400) {
      return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
    }
    return (s / 86400) + "d" + ((s % 86400) / 3600 == 0 ? "" : ((s % 86400) / 3600) + "h");
  }

  /** An RFC 3339 timestamp, or null when there is none or it is unreadable. */
  static Instant instant(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * A pause step's duration as the manifest gives it (seconds as a number, or Go duration text), or
   * null when it cannot be read.
   */
  static Duration duration(Object value) {
    if (value instanceof Integer seconds) {
      return Duration.ofSeconds(seconds);
    }
    try {
      return new DurationConverter().convert(String.valueOf(value));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
