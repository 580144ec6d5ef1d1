package dev.ramp.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider answered for one measurement.
 *
 * @param phase {@link Phase#SUCCESSFUL} when the provider gave a value (the conditions then decide
 *     the measurement), {@link Phase#ERROR} when it did not
 * @param value the value the conditions see as {@code result}; JSON null on an error
 * @param text the value as Argo writes it in a measurement's {@code value} ({@code [0.5,1]}, the
 *     JSON of a web result, a plain-text body as it came); empty on an error
 * @param message empty on success; on an error, what went wrong, secret values masked
 * @param metadata for the measurement's {@code metadata}, e.g. {@code ResolvedPrometheusQuery}
 */
public record MetricResult(
    Phase phase, JsonNode value, String text, String message, Map<String, String> metadata) {

  /** Whether the provider gave a value. */
  public enum Phase {
    SUCCESSFUL,
    ERROR
  }

  public MetricResult {
    Objects.requireNonNull(phase, "phase");
    value = value == null ? NullNode.getInstance() : value;
    text = text == null ? "" : text;
    message = message == null ? "" : message;
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  static MetricResult value(JsonNode value, String text, Map<String, String> metadata) {
    return new MetricResult(Phase.SUCCESSFUL, value, text, "", metadata);
  }

  static MetricResult error(String message, Map<String, String> metadata) {
    return new MetricResult(Phase.ERROR, null, "", message, metadata);
  }

  public boolean successful() {
    return phase == Phase.SUCCESSFUL;
  }
}
