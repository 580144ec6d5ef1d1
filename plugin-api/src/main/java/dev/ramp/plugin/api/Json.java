package dev.ramp.plugin.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** The one JSON mapper of the plugin API, and conversions used by the call records. */
public final class Json {

  /** Lenient on unknown fields so that a newer controller's JSON never breaks a plugin. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  /** Parses JSON text; empty or blank text is a {@link MissingNode}. */
  public static JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new PluginException(
          PluginException.Reason.FAILED_PRECONDITION, "not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** Writes a node as compact JSON; a missing or null node is the empty string. */
  public static String write(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return "";
    }
    return node.toString();
  }

  /** Binds a config object to a type; a mismatch is an {@link InvalidConfigException}. */
  public static <T> T bind(JsonNode config, Class<T> type) {
    JsonNode source = config == null || config.isMissingNode() ? MAPPER.createObjectNode() : config;
    try {
      return MAPPER.treeToValue(source, type);
    } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
      String path =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .reduce((a, b) -> a + "." + b)
              .orElse("config");
      throw new InvalidConfigException(path, e.getOriginalMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidConfigException("config", e.getOriginalMessage());
    }
  }

  /** Converts a value to a JSON tree (for states and configs built in code). */
  public static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }
}
