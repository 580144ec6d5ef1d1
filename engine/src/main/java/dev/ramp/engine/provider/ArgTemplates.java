package dev.ramp.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;

/**
 * Argo's {@code {{args.x}}} templates: a tag between {@code {{} and {@code }}}, spaces around it
 * allowed ({@code {{ args.x }}}), replaced by the arg's value. A tag that is not an arg of the run
 * is refused with its name, as Argo's {@code failed to resolve {{tag}}}.
 */
final class ArgTemplates {
  private static final String OPEN = "{{";
  private static final String CLOSE = "}}";

  private ArgTemplates() {}

  /** {@code spec} with every string value rendered; object keys stay as written. */
  static JsonNode render(JsonNode spec, MetricArgs args) throws MeasureException {
    if (spec == null) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (spec.isTextual()) {
      return JsonNodeFactory.instance.textNode(render(spec.textValue(), args));
    }
    if (spec.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode(spec.size());
      for (JsonNode element : spec) {
        out.add(render(element, args));
      }
      return out;
    }
    if (spec.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        out.set(field.getKey(), render(field.getValue(), args));
      }
      return out;
    }
    return spec;
  }

  /** {@code template} with its tags replaced by the args' values. */
  static String render(String template, MetricArgs args) throws MeasureException {
    StringBuilder out = new StringBuilder(template.length());
    int from = 0;
    while (true) {
      int open = template.indexOf(OPEN, from);
      if (open < 0) {
        return out.append(template, from, template.length()).toString();
      }
      int close = template.indexOf(CLOSE, open + OPEN.length());
      if (close < 0) {
        throw new MeasureException(
            "template \"" + args.mask(template) + "\" has a \"{{\" without its \"}}\"");
      }
      out.append(template, from, open);
      out.append(value(template.substring(open + OPEN.length(), close).trim(), args));
      from = close + CLOSE.length();
    }
  }

  private static String value(String tag, MetricArgs args) throws MeasureException {
    if (!tag.startsWith("args.")) {
      throw new MeasureException(
          "failed to resolve {{" + tag + "}}: only {{args.<name>}} is known to a provider");
    }
    String name = tag.substring("args.".length());
    String value = args.values().get(name);
    if (value == null) {
      throw new MeasureException(
          "failed to resolve {{"
              + tag
              + "}}: the run has no arg \""
              + name
              + "\" (its args: "
              + (args.values().isEmpty()
                  ? "none"
                  : String.join(", ", new TreeSet<>(args.values().keySet())))
              + ")");
    }
    return value;
  }
}
