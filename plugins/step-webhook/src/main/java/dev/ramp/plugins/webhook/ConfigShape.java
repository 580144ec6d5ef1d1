package dev.ramp.plugins.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.InvalidConfigException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks the raw config's field names and JSON types before binding, so that a typo or a wrong type
 * is reported with the field and the value rather than as a Jackson message (the API's mapper
 * ignores unknown fields, which would silently drop a misspelt one).
 */
final class ConfigShape {

  private enum Kind {
    STRING("a string"),
    STRING_MAP("an object of string values"),
    BODY("a string or a JSON object or array"),
    STATUS_LIST("a list of HTTP status codes, e.g. [200, 201]"),
    VALUE_LIST("a list of strings, numbers or booleans"),
    OBJECT("an object");

    private final String description;

    Kind(String description) {
      this.description = description;
    }
  }

  private static final Map<String, Kind> TOP = new LinkedHashMap<>();
  private static final Map<String, Kind> POLL = new LinkedHashMap<>();
  private static final Map<String, Kind> CANCEL = new LinkedHashMap<>();

  static {
    TOP.put("url", Kind.STRING);
    TOP.put("method", Kind.STRING);
    TOP.put("headers", Kind.STRING_MAP);
    TOP.put("body", Kind.BODY);
    TOP.put("expectedStatus", Kind.STATUS_LIST);
    TOP.put("timeout", Kind.STRING);
    TOP.put("resultPointer", Kind.STRING);
    TOP.put("successValues", Kind.VALUE_LIST);
    TOP.put("failureValues", Kind.VALUE_LIST);
    TOP.put("poll", Kind.OBJECT);
    TOP.put("cancel", Kind.OBJECT);

    POLL.put("url", Kind.STRING);
    POLL.put("headers", Kind.STRING_MAP);
    POLL.put("interval", Kind.STRING);
    POLL.put("timeout", Kind.STRING);
    POLL.put("resultPointer", Kind.STRING);
    POLL.put("successValues", Kind.VALUE_LIST);
    POLL.put("failureValues", Kind.VALUE_LIST);
    POLL.put("followPointer", Kind.STRING);
    POLL.put("followSuffix", Kind.STRING);

    CANCEL.put("url", Kind.STRING);
    CANCEL.put("method", Kind.STRING);
    CANCEL.put("headers", Kind.STRING_MAP);
    CANCEL.put("body", Kind.BODY);
    CANCEL.put("expectedStatus", Kind.STATUS_LIST);
  }

  private ConfigShape() {}

  static void check(JsonNode config) {
    if (config == null || config.isMissingNode() || config.isNull()) {
      throw new InvalidConfigException("url", "is required (the step has no config)");
    }
    if (!config.isObject()) {
      throw new InvalidConfigException("config", "must be an object, got " + show(config));
    }
    checkObject("", config, TOP);
    checkObject("poll.", config.path("poll"), POLL);
    checkObject("cancel.", config.path("cancel"), CANCEL);
  }

  private static void checkObject(String prefix, JsonNode node, Map<String, Kind> fields) {
    if (!node.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = prefix + field.getKey();
      Kind kind = fields.get(field.getKey());
      if (kind == null) {
        throw new InvalidConfigException(
            name, "unknown field; the known fields here are " + fields.keySet());
      }
      JsonNode value = field.getValue();
      if (!value.isNull() && !matches(name, kind, value)) {
        throw new InvalidConfigException(
            name, "must be " + kind.description + ", got " + show(value));
      }
    }
  }

  private static boolean matches(String name, Kind kind, JsonNode value) {
    switch (kind) {
      case STRING:
        return value.isTextual();
      case OBJECT:
        return value.isObject();
      case BODY:
        return value.isTextual() || value.isContainerNode();
      case STRING_MAP:
        if (!value.isObject()) {
          return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> header = it.next();
          if (!header.getValue().isTextual()) {
            throw new InvalidConfigException(
                name + "." + header.getKey(),
                "must be a string (quote it), got " + show(header.getValue()));
          }
        }
        return true;
      case STATUS_LIST:
        if (!value.isArray()) {
          return false;
        }
        for (JsonNode item : value) {
          if (!item.isIntegralNumber() || !item.canConvertToInt()) {
            return false;
          }
        }
        return true;
      case VALUE_LIST:
        if (!value.isArray()) {
          return false;
        }
        for (JsonNode item : value) {
          if (!item.isValueNode() || item.isNull()) {
            return false;
          }
        }
        return true;
      default:
        throw new IllegalStateException("unhandled kind " + kind);
    }
  }

  /** A config value as JSON, shortened for messages. */
  static String show(JsonNode value) {
    return HttpCalls.abbreviate(value.toString(), 80);
  }
}
