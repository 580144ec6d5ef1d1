package dev.ramp.engine.canary;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pause durations as Argo reads them: a plain integer of seconds, or "30s", "5m", "1h30m". */
final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h))+");

  private Durations() {}

  /** Parses a duration; the error message names {@code field} and the value. */
  static Duration parse(IntOrString value, String field) {
    if (value.getIntVal() != null) {
      if (value.getIntVal() < 0) {
        throw new InvalidSpecException(
            field + ": duration " + value.getIntVal() + " is negative; use seconds >= 0");
      }
      return Duration.ofSeconds(value.getIntVal());
    }
    String text = value.getStrVal() == null ? "" : value.getStrVal().trim();
    if (text.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    if (!WHOLE.matcher(text).matches()) {
      throw new InvalidSpecException(
          field
              + ": cannot parse duration \""
              + text
              + "\"; use an integer of seconds or a Go duration such as 30s, 5m, 1h30m");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
    }
    return total;
  }

  /** Parses a duration this controller wrote (e.g. a step plugin status's backoff). */
  static Duration parse(String text, String field) {
    return parse(new IntOrString(text), field);
  }

  /** Formats a duration as Go does for whole units ("500ms", "5s", "1m30s", "2h0m0s"). */
  static String format(Duration d) {
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
