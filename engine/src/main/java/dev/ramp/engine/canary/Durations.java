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
}
