package dev.ramp.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of Kubernetes JSONPath that Argo's web provider is used with: {@code {$}}, {@code
 * {$.a.b}}, {@code {.a.b}}, indexes {@code {$.a[0]}} (negative from the end) and quoted keys {@code
 * {$['a.b']}}. Anything else (wildcards, {@code ..}, filters, slices, unions, {@code range}, text
 * outside the braces) is refused with a message, never half-evaluated.
 */
final class JsonPaths {
  /** A step: {@code .name}, {@code ['name']} or {@code [n]}. */
  private static final Pattern STEP =
      Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_-]*)|\\['([^'\\\\]*)'\\]|\\[(-?\\d+)\\]");

  /** One step of a parsed path: a key, or an index when key is null. */
  record Step(String key, int index) {}

  private JsonPaths() {}

  /** The steps of {@code path}; {@code {$}} when it is empty. */
  static List<Step> parse(String path) throws MeasureException {
    String text = path == null || path.isBlank() ? "{$}" : path.trim();
    if (!text.startsWith("{") || !text.endsWith("}")) {
      throw refused(path, "write it in braces, as {$.data.value}");
    }
    String inner = text.substring(1, text.length() - 1).trim();
    if (inner.startsWith("$")) {
      inner = inner.substring(1);
    }
    List<Step> steps = new ArrayList<>();
    Matcher m = STEP.matcher(inner);
    int at = 0;
    while (at < inner.length()) {
      if (!m.find(at) || m.start() != at) {
        throw refused(
            path,
            "only $, .field, ['field'] and [n] are supported; cannot read \""
                + inner.substring(at)
                + "\"");
      }
      steps.add(
          m.group(3) != null
              ? new Step(null, parseIndex(path, m.group(3)))
              : new Step(m.group(1) != null ? m.group(1) : m.group(2), 0));
      at = m.end();
    }
    return steps;
  }

  /** The node at {@code steps} in {@code root}; a missing key or index is a message. */
  static JsonNode find(JsonNode root, List<Step> steps) throws MeasureException {
    JsonNode node = root;
    for (Step step : steps) {
      if (step.key() != null) {
        if (!node.isObject() || !node.has(step.key())) {
          throw new MeasureException(
              "Could not find JSONPath in body: " + step.key() + " is not found");
        }
        node = node.get(step.key());
      } else {
        if (!node.isArray()) {
          throw new MeasureException(
              "Could not find JSONPath in body: [" + step.index() + "] of a non-array");
        }
        int i = step.index() < 0 ? node.size() + step.index() : step.index();
        if (i < 0 || i >= node.size()) {
          throw new MeasureException(
              "Could not find JSONPath in body: array index out of bounds: index "
                  + step.index()
                  + ", length "
                  + node.size());
        }
        node = node.get(i);
      }
    }
    return node;
  }

  private static int parseIndex(String path, String digits) throws MeasureException {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw refused(path, "index " + digits + " is too large");
    }
  }

  private static MeasureException refused(String path, String why) {
    return new MeasureException("jsonPath \"" + path + "\" is not supported: " + why);
  }
}
