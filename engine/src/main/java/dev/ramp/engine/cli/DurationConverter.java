package dev.ramp.engine.cli;

import dev.ramp.engine.model.GoDuration;
import java.time.Duration;
import picocli.CommandLine;

/** Durations as people write them on a command line: 500ms, 30s, 5m, 1h, 1h30m. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return GoDuration.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration; write e.g. 30s, 5m, 1h30m");
    }
  }
}
