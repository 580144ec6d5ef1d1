package dev.ramp.engine.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Takes the measurements of a run's metrics: the providers as the semantics see them. The run's
 * reconcile calls {@link #measure} for a new measurement (a provider's {@code Run}), {@link
 * #resume} for one in flight, {@link #terminate} when the run ends while one is in flight, {@link
 * #garbageCollect} before it drops old measurements, and {@link #metadata} for the metric's
 * metadata. None of them throws for provider trouble: that is an {@link Measured.Status#ERROR}.
 */
public interface Measurer {

  /** Starts a measurement (a provider's {@code Run}). */
  Measured measure(Call call);

  /** Looks again at the measurement in flight (a provider's {@code Resume}). */
  default Measured resume(Call call, InFlight inFlight) {
    return Measured.failed("provider of metric " + call.metric() + " cannot resume a measurement");
  }

  /**
   * Ends the measurement in flight because the run is terminating (a provider's {@code Terminate}).
   * By default it finishes Successful, as Argo's providers answer.
   */
  default Measured terminate(Call call, InFlight inFlight) {
    return Measured.verdict(
        Measured.Status.SUCCESSFUL, "", "Metric Terminated", inFlight.metadata());
  }

  /**
   * Lets the provider drop what it keeps of measurements older than the newest {@code limit}
   * (Argo's {@code GarbageCollect}); the measurements leave the status only if this succeeded.
   *
   * @return empty on success, else what went wrong
   */
  default Optional<String> garbageCollect(Call call, int limit) {
    return Optional.empty();
  }

  /** The metric's metadata for its result (a resolved query, a plugin's {@code GetMetadata}). */
  default Map<String, String> metadata(Call call) {
    return Map.of();
  }

  /**
   * What is measured.
   *
   * @param metric the metric's name
   * @param spec the metric as the run's spec has it (name, conditions, provider, ...)
   * @param provider the metric's {@code provider} object (one field naming the provider)
   * @param measurementIndex which measurement of the metric this is, from 1; stays the same while
   *     it is in flight and never repeats in a run (old measurements leaving the status do not
   *     change it)
   */
  record Call(String metric, JsonNode spec, JsonNode provider, int measurementIndex) {
    public Call {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(provider, "provider");
    }
  }

  /**
   * A measurement in flight, as the run's status keeps it.
   *
   * @param resumeAt when it was to be resumed; null for at once
   * @param metadata what the provider put on it (a Job's name, a plugin's state)
   */
  record InFlight(Instant startedAt, Instant resumeAt, String value, Map<String, String> metadata) {
    public InFlight {
      value = value == null ? "" : value;
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
  }

  /**
   * What a provider answered.
   *
   * @param status who decides the measurement, or that it is still in flight
   * @param value for {@link Status#VALUE}: the result the conditions see (null for none)
   * @param text the value as the measurement records it
   * @param message the provider's message; for {@link Status#ERROR} what went wrong
   * @param resumeAt for {@link Status#RUNNING}: when to resume; null for at the next look (the
   *     controller looks again when the provider's object changes, such as a Job)
   * @param metadata for the measurement's metadata
   */
  record Measured(
      Status status,
      JsonNode value,
      String text,
      String message,
      Instant resumeAt,
      Map<String, String> metadata) {

    /** Who decides the measurement. */
    public enum Status {
      /** The provider gave a value; the metric's conditions decide. */
      VALUE,
      /** The provider's own verdict (a Job that completed, a plugin that judged); no conditions. */
      SUCCESSFUL,
      FAILED,
      INCONCLUSIVE,
      /** No measurement: the provider could not measure. */
      ERROR,
      /** In flight: resume it at {@code resumeAt}. */
      RUNNING
    }

    public Measured {
      Objects.requireNonNull(status, "status");
      text = text == null ? "" : text;
      message = message == null ? "" : message;
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** A value for the conditions. */
    public static Measured of(JsonNode value, String text) {
      return new Measured(Status.VALUE, value, text, "", null, Map.of());
    }

    /** No measurement: {@code error} says why. */
    public static Measured failed(String error) {
      return new Measured(Status.ERROR, null, "", error, null, Map.of());
    }

    /** The provider's own verdict (SUCCESSFUL, FAILED or INCONCLUSIVE). */
    public static Measured verdict(
        Status verdict, String text, String message, Map<String, String> metadata) {
      if (verdict != Status.SUCCESSFUL
          && verdict != Status.FAILED
          && verdict != Status.INCONCLUSIVE) {
        throw new IllegalArgumentException("a verdict is SUCCESSFUL, FAILED or INCONCLUSIVE");
      }
      return new Measured(verdict, null, text, message, null, metadata);
    }

    /** Still in flight: resume at {@code resumeAt} (null: at the next look). */
    public static Measured running(Instant resumeAt, Map<String, String> metadata) {
      return new Measured(Status.RUNNING, null, "", "", resumeAt, metadata);
    }

    /** These metadata instead. */
    public Measured withMetadata(Map<String, String> more) {
      return new Measured(status, value, text, message, resumeAt, more);
    }
  }
}
