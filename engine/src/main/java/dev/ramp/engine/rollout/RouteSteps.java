package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.TrafficRouting.HeaderMatch;
import dev.ramp.plugin.api.TrafficRouting.MatchType;
import dev.ramp.plugin.api.TrafficRouting.RouteMatch;
import dev.ramp.plugin.api.TrafficRouting.StringMatch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Parses Argo's {@code setHeaderRoute} and {@code setMirrorRoute} steps into typed ones, naming the
 * field of every problem: {@code {name, match: [{headerName, headerValue: {exact|prefix|regex}}]}}
 * and {@code {name, percentage, match: [{method, path, headers}]}}.
 */
final class RouteSteps {
  private RouteSteps() {}

  static Step.SetHeaderRoute header(JsonNode node, String field) {
    known(node, field, Set.of("name", "match"));
    return new Step.SetHeaderRoute(name(node, field), list(node, field, RouteSteps::headerMatch));
  }

  static Step.SetMirrorRoute mirror(JsonNode node, String field) {
    known(node, field, Set.of("name", "match", "percentage"));
    Integer percentage = null;
    JsonNode p = node.get("percentage");
    if (p != null && !p.isNull()) {
      if (!p.isIntegralNumber() || p.asInt() < 0 || p.asInt() > 100) {
        throw new InvalidSpecException(
            field + ".percentage: " + p + " is not an integer from 0 to 100");
      }
      percentage = p.asInt();
    }
    return new Step.SetMirrorRoute(
        name(node, field), percentage, list(node, field, RouteSteps::routeMatch));
  }

  /** The step's {@code match} list, each entry parsed by {@code one}; empty when absent. */
  private static <T> List<T> list(
      JsonNode node, String field, BiFunction<JsonNode, String, T> one) {
    List<T> out = new ArrayList<>();
    JsonNode match = node.path("match");
    if (match.isMissingNode() || match.isNull()) {
      return out;
    }
    if (!match.isArray()) {
      throw new InvalidSpecException(field + ".match: must be a list");
    }
    for (int i = 0; i < match.size(); i++) {
      out.add(one.apply(match.get(i), field + ".match[" + i + "]"));
    }
    return out;
  }

  private static HeaderMatch headerMatch(JsonNode m, String f) {
    known(m, f, Set.of("headerName", "headerValue"));
    String header = m.path("headerName").asText("");
    if (!m.path("headerName").isTextual() || header.isBlank()) {
      throw new InvalidSpecException(f + ".headerName: a header name is required");
    }
    StringMatch value = stringMatch(m.get("headerValue"), f + ".headerValue");
    if (value == null) {
      throw new InvalidSpecException(
          f + ".headerValue: set one of exact, prefix or regex for header " + header);
    }
    return new HeaderMatch(header, value);
  }

  private static RouteMatch routeMatch(JsonNode m, String f) {
    known(m, f, Set.of("method", "path", "headers"));
    Map<String, StringMatch> headers = new LinkedHashMap<>();
    JsonNode h = m.path("headers");
    if (!h.isMissingNode() && !h.isNull()) {
      if (!h.isObject()) {
        throw new InvalidSpecException(f + ".headers: must map header names to matches");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        StringMatch value = stringMatch(e.getValue(), f + ".headers." + e.getKey());
        if (value == null) {
          throw new InvalidSpecException(
              f + ".headers." + e.getKey() + ": set one of exact, prefix or regex");
        }
        headers.put(e.getKey(), value);
      }
    }
    RouteMatch rm =
        new RouteMatch(
            stringMatch(m.get("method"), f + ".method"),
            stringMatch(m.get("path"), f + ".path"),
            headers);
    if (rm.method() == null && rm.path() == null && rm.headers().isEmpty()) {
      throw new InvalidSpecException(f + ": set a method, a path or headers to match");
    }
    return rm;
  }

  private static String name(JsonNode node, String field) {
    JsonNode n = node.path("name");
    if (!n.isTextual() || n.asText().isBlank()) {
      throw new InvalidSpecException(
          field + ".name: a route name is required (one of trafficRouting.managedRoutes)");
    }
    return n.asText();
  }

  /** Argo's StringMatch: exactly one of exact, prefix, regex; null when absent. */
  private static StringMatch stringMatch(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new InvalidSpecException(field + ": must be {exact|prefix|regex: value}");
    }
    known(node, field, Set.of("exact", "prefix", "regex"));
    List<StringMatch> set = new ArrayList<>();
    add(node, "exact", MatchType.EXACT, set);
    add(node, "prefix", MatchType.PREFIX, set);
    add(node, "regex", MatchType.REGEX, set);
    if (set.size() != 1) {
      throw new InvalidSpecException(field + ": set exactly one of exact, prefix or regex");
    }
    if (set.get(0).type() == MatchType.REGEX) {
      try {
        java.util.regex.Pattern.compile(set.get(0).value());
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new InvalidSpecException(
            field + ".regex: \"" + set.get(0).value() + "\" is not a regular expression");
      }
    }
    return set.get(0);
  }

  private static void add(JsonNode node, String key, MatchType type, List<StringMatch> out) {
    JsonNode v = node.get(key);
    if (v != null && !v.isNull()) {
      out.add(new StringMatch(type, v.asText()));
    }
  }

  private static void known(JsonNode node, String field, Set<String> fields) {
    if (node == null || !node.isObject()) {
      throw new InvalidSpecException(field + ": must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw new InvalidSpecException(
            field + "." + f + ": unknown field; known: " + String.join(", ", fields));
      }
    }
  }
}
