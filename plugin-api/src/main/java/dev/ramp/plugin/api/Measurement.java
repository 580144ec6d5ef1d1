package dev.ramp.plugin.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One measurement of a metric.
 *
 * @param value the measured value as text, evaluated by the metric's conditions
 * @param resumeAt for {@link Phase#RUNNING}: when to call {@code resume}; null otherwise
 */
public record Measurement(
    Phase phase,
    String value,
    Map<String, String> metadata,
    Instant startedAt,
    Instant finishedAt,
    Instant resumeAt,
    String message) {

  /** The phase of a measurement. */
  public enum Phase {
    RUNNING,
    SUCCESSFUL,
    FAILED,
    INCONCLUSIVE,
    ERROR
  }

  public Measurement {
    Objects.requireNonNull(phase, "phase");
    value = value == null ? "" : value;
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    message = message == null ? "" : message;
  }

  /** A finished measurement whose verdict the controller's conditions give. */
  public static Measurement of(String value, Instant startedAt, Instant finishedAt) {
    return new Measurement(Phase.SUCCESSFUL, value, Map.of(), startedAt, finishedAt, null, "");
  }

  public static Measurement error(String message, Instant at) {
    return new Measurement(Phase.ERROR, "", Map.of(), at, at, null, message);
  }
}
