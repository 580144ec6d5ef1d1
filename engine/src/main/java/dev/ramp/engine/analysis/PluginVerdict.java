package dev.ramp.engine.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.PluginException;
import java.util.Optional;

/**
 * Who decides a metric-provider plugin's measurement, as {@code metric_provider.proto} says:
 * SUCCESSFUL means "measured" and the metric's conditions decide on its value; FAILED and
 * INCONCLUSIVE are the plugin's own verdict (a judge), the conditions are not evaluated; ERROR is
 * no measurement; RUNNING is no verdict yet (the controller resumes it).
 */
final class PluginVerdict {
  private PluginVerdict() {}

  /** The measurement's outcome; empty while it is RUNNING. */
  static Optional<ConditionOutcome> of(Measurement m, ConditionSet conditions) {
    return switch (m.phase()) {
      case SUCCESSFUL -> Optional.of(conditions.evaluate(value(m.value())));
      case FAILED -> Optional.of(ConditionOutcome.FAILED);
      case INCONCLUSIVE -> Optional.of(ConditionOutcome.INCONCLUSIVE);
      case ERROR ->
          Optional.of(
              ConditionOutcome.error(
                  m.message() == null || m.message().isEmpty()
                      ? "the plugin answered ERROR without a message"
                      : m.message()));
      case RUNNING -> Optional.empty();
    };
  }

  /** The value as the conditions see it: JSON when it parses, otherwise the text itself. */
  static JsonNode value(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Json.parse(text);
    } catch (PluginException e) {
      return TextNode.valueOf(text);
    }
  }
}
