package dev.ramp.plugins.judge;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Argo and Go write them: {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 500ms}. */
final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  private GoDuration() {}

  /** The duration, or null when the text is not one. */
  static Duration parse(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return null;
    }
    Matcher m = PART.matcher(t);
    long nanos = 0;
    int at = 0;
    while (at < t.length()) {
      if (!m.find(at) || m.start() != at) {
        return null;
      }
      long unit =
          switch (m.group(2)) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      nanos += new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).longValue();
      at = m.end();
    }
    return Duration.ofNanos(nanos);
  }

  /** The duration as Go prints it, roughly: {@code 15m}, {@code 30s}, {@code 1m30s}. */
  static String format(Duration d) {
    long s = d.toSeconds();
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    StringBuilder out = new StringBuilder();
    if (s >= 3600) {
      out.append(s / 3600).append('h');
    }
    if (s % 3600 >= 60) {
      out.append(s % 3600 / 60).append('m');
    }
    if (s % 60 != 0 || out.length() == 0) {
      out.append(s % 60).append('s');
    }
    return out.toString();
  }
}
