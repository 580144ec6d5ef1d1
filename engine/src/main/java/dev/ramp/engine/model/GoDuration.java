package dev.ramp.engine.model;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Rollouts, the plugin ConfigMap and the command line write them: Go's notation for
 * whole units ("500ms", "30s", "5m", "1h30m"), or a plain integer of seconds. The one parser of the
 * engine; callers wrap its message with the field it came from.
 */
public final class GoDuration {

  /** The longest duration accepted anywhere: a year, so no time computation can overflow. */
  public static final Duration MAX = Duration.ofDays(365);

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h))+");

  private GoDuration() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException saying what is wrong with the value and what to write
   */
  public static Duration parse(String value) {
    String text = value == null ? "" : value.trim();
    if (text.matches("\\d+")) {
      return bounded(text, text, "s");
    }
    if (!WHOLE.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "cannot parse duration \""
              + (text.length() > 40 ? text.substring(0, 40) + "…" : text)
              + "\"; use an integer of seconds or a Go duration such as 30s, 5m, 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      total = total.plus(bounded(text, m.group(1), m.group(2)));
      if (total.compareTo(MAX) > 0) {
        throw tooLong(text);
      }
    }
    return total;
  }

  /** One part of a duration, refused above {@link #MAX} before any arithmetic can overflow. */
  private static Duration bounded(String text, String digits, String unit) {
    String n = digits.replaceFirst("^0+(?=\\d)", "");
    if (n.length() > 12) {
      throw tooLong(text);
    }
    long v = Long.parseLong(n);
    Duration d =
        switch (unit) {
          case "ms" -> Duration.ofMillis(v);
          case "s" -> Duration.ofSeconds(v);
          case "m" -> Duration.ofMinutes(v);
          default -> Duration.ofHours(v);
        };
    if (d.compareTo(MAX) > 0) {
      throw tooLong(text);
    }
    return d;
  }

  private static IllegalArgumentException tooLong(String text) {
    return new IllegalArgumentException(
        "duration \""
            + (text.length() > 40 ? text.substring(0, 40) + "…" : text)
            + "\" is longer than a year; use at most 8760h");
  }

  /** Formats a duration as Go does for whole units ("500ms", "5s", "1m30s", "2h0m0s"). */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 != 0 || ms == 0) {
      return ms + (ms == 0 ? "s" : "ms");
    }
    long s = ms / 1000;
    long h = s / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    if (h > 0) {
      return h + "h" + m + "m" + sec + "s";
    }
    if (m > 0) {
      return m + "m" + sec + "s";
    }
    return sec + "s";
  }
}
