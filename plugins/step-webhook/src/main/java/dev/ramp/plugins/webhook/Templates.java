package dev.ramp.plugins.webhook;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.PluginContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {{name}}} placeholders in urls, header values and bodies, replaced by plain string
 * replacement. Values from the call context are percent-encoded inside URLs; {@code {{location}}}
 * and {@code {{response:/pointer}}} (URLs the backend gave) are inserted as they are.
 */
final class Templates {

  static final String LOCATION = "location";
  static final String RESPONSE_PREFIX = "response:";
  static final List<String> CONTEXT_NAMES =
      List.of(
          "rollout.name", "rollout.namespace", "podTemplateHash", "stepIndex", "idempotencyKey");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

  /** Which placeholders a field may use besides the context ones. */
  enum Scope {
    /** Trigger url, headers and body: only the call context. */
    CONTEXT,
    /** The poll URL: also the trigger response's Location header and body. */
    TRIGGER_RESPONSE,
    /** The cancel request: also the trigger response's Location header (kept in the state). */
    LOCATION
  }

  private Templates() {}

  /** Refuses placeholders the field may not use, naming the field and the placeholder. */
  static void check(String field, String template, Scope scope) {
    if (template == null) {
      return;
    }
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      String name = m.group(1);
      if (CONTEXT_NAMES.contains(name)) {
        continue;
      }
      if (name.equals(LOCATION) && scope != Scope.CONTEXT) {
        continue;
      }
      if (name.startsWith(RESPONSE_PREFIX) && scope == Scope.TRIGGER_RESPONSE) {
        responsePointer(field, name);
        continue;
      }
      throw new InvalidConfigException(
          field, "unknown placeholder " + m.group() + "; usable here: " + usable(scope));
    }
  }

  static void check(String field, JsonNode body, Scope scope) {
    if (body == null) {
      return;
    }
    if (body.isTextual()) {
      check(field, body.textValue(), scope);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      check(field + "." + e.getKey(), e.getValue(), scope);
    }
    if (body.isArray()) {
      for (int i = 0; i < body.size(); i++) {
        check(field + "[" + i + "]", body.get(i), scope);
      }
    }
  }

  /** The JSON pointer of a {@code response:/pointer} placeholder. */
  static JsonPointer responsePointer(String field, String name) {
    String pointer = name.substring(RESPONSE_PREFIX.length());
    try {
      return JsonPointer.compile(pointer);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          field,
          "{{"
              + name
              + "}}: \""
              + pointer
              + "\" is not a JSON pointer; write e.g. {{response:/id}}");
    }
  }

  private static String usable(Scope scope) {
    StringBuilder out = new StringBuilder();
    for (String name : CONTEXT_NAMES) {
      out.append("{{").append(name).append("}} ");
    }
    if (scope != Scope.CONTEXT) {
      out.append("{{location}} ");
    }
    if (scope == Scope.TRIGGER_RESPONSE) {
      out.append("{{response:/json/pointer}} ");
    }
    return out.toString().trim();
  }

  /** The context's values by placeholder name, percent-encoded when they go into a URL. */
  static Map<String, String> contextValues(PluginContext context, boolean forUrl) {
    Function<String, String> enc = forUrl ? Templates::encode : v -> v;
    return Map.of(
        "rollout.name", enc.apply(context.rolloutName()),
        "rollout.namespace", enc.apply(context.namespace()),
        "podTemplateHash", enc.apply(context.podTemplateHash()),
        "stepIndex", Integer.toString(context.stepIndex()),
        "idempotencyKey", enc.apply(context.idempotencyKey()));
  }

  /**
   * Replaces every placeholder with {@code values.apply(name)}. Names were checked when the config
   * was read; {@code values} may throw {@link StepOutcome} for one that has no value in this call
   * (a {@code {{location}}} the backend did not send).
   */
  static String render(String template, Function<String, String> values) {
    if (template == null) {
      return null;
    }
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(values.apply(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Renders every string in a JSON body (keys stay as written). */
  static JsonNode render(JsonNode body, Function<String, String> values) {
    if (body == null || body.isNull()) {
      return null;
    }
    if (body.isTextual()) {
      return TextNode.valueOf(render(body.textValue(), values));
    }
    JsonNode copy = body.deepCopy();
    renderInPlace(copy, values);
    return copy;
  }

  private static void renderInPlace(JsonNode node, Function<String, String> values) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isTextual()) {
          e.setValue(TextNode.valueOf(render(e.getValue().textValue(), values)));
        } else {
          renderInPlace(e.getValue(), values);
        }
      }
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isTextual()) {
          array.set(i, TextNode.valueOf(render(array.get(i).textValue(), values)));
        } else {
          renderInPlace(array.get(i), values);
        }
      }
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
