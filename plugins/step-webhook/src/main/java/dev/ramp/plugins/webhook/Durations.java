package dev.ramp.plugins.webhook;

import dev.ramp.plugin.api.InvalidConfigException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as Kubernetes users write them: "500ms", "10s", "5m", "1h30m". */
final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

  private Durations() {}

  /** Parses {@code text}, or returns {@code fallback} when it is absent; bounds inclusive. */
  static Duration parse(String field, String text, Duration fallback, Duration min, Duration max) {
    if (text == null) {
      return fallback;
    }
    Matcher m = PART.matcher(text.trim());
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      try {
        long amount = Long.parseLong(m.group(1));
        total =
            total.plus(
                switch (m.group(2)) {
                  case "ms" -> Duration.ofMillis(amount);
                  case "s" -> Duration.ofSeconds(amount);
                  case "m" -> Duration.ofMinutes(amount);
                  default -> Duration.ofHours(amount);
                });
      } catch (NumberFormatException | ArithmeticException e) {
        throw new InvalidConfigException(
            field, "\"" + text + "\" is out of range; use " + format(max) + " at most");
      }
      end = m.end();
    }
    if (end == 0 || end != text.trim().length()) {
      throw new InvalidConfigException(
          field,
          "\"" + text + "\" is not a duration; write e.g. \"500ms\", \"10s\", \"5m\" or \"1h\"");
    }
    if (total.compareTo(min) < 0 || total.compareTo(max) > 0) {
      throw new InvalidConfigException(
          field, "\"" + text + "\" is out of range; use " + format(min) + " to " + format(max));
    }
    return total;
  }

  /** A duration in the same notation, for messages. */
  static String format(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.getSeconds();
    StringBuilder out = new StringBuilder();
    if (s >= 3600) {
      out.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      out.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || out.length() == 0) {
      out.append(s).append('s');
    }
    return out.toString();
  }
}
