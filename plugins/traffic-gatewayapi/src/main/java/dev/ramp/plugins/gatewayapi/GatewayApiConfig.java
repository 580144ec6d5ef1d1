package dev.ramp.plugins.gatewayapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.InvalidConfigException;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This plugin's entry of {@code trafficRouting.plugins}, checked: which routes it manages and in
 * which namespace. Shaped like Argo Rollouts' Gateway API plugin config ({@code httpRoute}, {@code
 * httpRoutes}, {@code grpcRoute}, {@code grpcRoutes}, {@code httpRouteSelector}, {@code
 * grpcRouteSelector}, {@code namespace}), so that an Argo manifest keeps working; unknown fields
 * are refused with their name rather than ignored.
 *
 * @param namespace where the routes are: the config's {@code namespace}, else the Rollout's
 * @param routes the routes named in the config, in the config's order
 * @param selectors label selectors that find further routes when a call is served
 */
record GatewayApiConfig(String namespace, List<NamedRoute> routes, List<RouteSelector> selectors) {

  /** A route the config names; {@code field} is where, for messages ("httpRoutes[1].name"). */
  record NamedRoute(RouteKind kind, String name, boolean useHeaderRoutes, String field) {}

  /** A label selector for routes of one kind. */
  record RouteSelector(
      RouteKind kind, LabelSelector selector, boolean useHeaderRoutes, String field) {}

  static final List<String> FIELDS =
      List.of(
          "httpRoute",
          "httpRoutes",
          "httpRouteSelector",
          "grpcRoute",
          "grpcRoutes",
          "grpcRouteSelector",
          "namespace");

  // Fields of Argo's plugin that Ramp's does not take, with the reason.
  private static final Map<String, String> ARGO_ONLY = new LinkedHashMap<>();

  static {
    for (String field :
        List.of(
            "tcpRoute",
            "tcpRoutes",
            "tcpRouteSelector",
            "tlsRoute",
            "tlsRoutes",
            "tlsRouteSelector")) {
      ARGO_ONLY.put(
          field,
          "TCPRoutes and TLSRoutes are not supported by this plugin (HTTPRoute and GRPCRoute only):"
              + " they carry no header matches and no mirror filter");
    }
    for (String field :
        List.of("disableInProgressLabel", "inProgressLabelKey", "inProgressLabelValue")) {
      ARGO_ONLY.put(field, "Ramp does not label routes while a canary is in progress; remove it");
    }
    ARGO_ONLY.put(
        "configMap",
        "Ramp keeps no state in a ConfigMap: managed rules are found by their name; remove it");
  }

  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

  /**
   * Reads and checks the config.
   *
   * @param config the plugin's entry as JSON (missing or null is an empty entry)
   * @param defaultNamespace the Rollout's namespace, used when the config names none
   */
  static GatewayApiConfig parse(JsonNode config, String defaultNamespace) {
    if (config == null || config.isMissingNode() || config.isNull()) {
      config = dev.ramp.plugin.api.Json.MAPPER.createObjectNode();
    }
    if (!config.isObject()) {
      throw new InvalidConfigException(
          "config",
          "must be an object such as {\"httpRoute\": \"my-route\"}, was " + abbreviate(config));
    }
    List<NamedRoute> routes = new ArrayList<>();
    List<RouteSelector> selectors = new ArrayList<>();
    String namespace = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      switch (key) {
        case "httpRoute" -> routes.add(new NamedRoute(RouteKind.HTTP, name(key, value), true, key));
        case "grpcRoute" -> routes.add(new NamedRoute(RouteKind.GRPC, name(key, value), true, key));
        case "httpRoutes" -> routes.addAll(routeList(RouteKind.HTTP, key, value));
        case "grpcRoutes" -> routes.addAll(routeList(RouteKind.GRPC, key, value));
        case "httpRouteSelector" -> selectors.add(selector(RouteKind.HTTP, key, value));
        case "grpcRouteSelector" -> selectors.add(selector(RouteKind.GRPC, key, value));
        case "namespace" -> namespace = name(key, value);
        default -> {
          String argo = ARGO_ONLY.get(key);
          throw new InvalidConfigException(
              key,
              argo != null ? argo : "unknown field; the fields are " + String.join(", ", FIELDS));
        }
      }
    }
    if (routes.isEmpty() && selectors.isEmpty()) {
      throw new InvalidConfigException(
          "config",
          "names no route: give httpRoute, httpRoutes, httpRouteSelector, grpcRoute, grpcRoutes or"
              + " grpcRouteSelector, e.g. {\"httpRoute\": \"my-route\"}");
    }
    if (namespace == null) {
      if (defaultNamespace == null || defaultNamespace.isBlank()) {
        throw new InvalidConfigException(
            "namespace",
            "is required when the call names no Rollout namespace; give the routes' namespace");
      }
      namespace = defaultNamespace;
    }
    return new GatewayApiConfig(namespace, List.copyOf(routes), List.copyOf(selectors));
  }

  private static String name(String field, JsonNode value) {
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new InvalidConfigException(
          field, "must be a non-empty string (a resource name), was " + abbreviate(value));
    }
    return value.asText();
  }

  private static List<NamedRoute> routeList(RouteKind kind, String field, JsonNode value) {
    if (!value.isArray() || value.isEmpty()) {
      throw new InvalidConfigException(
          field,
          "must be a non-empty list such as [{\"name\": \"my-route\", \"useHeaderRoutes\": true}],"
              + " was "
              + abbreviate(value));
    }
    List<NamedRoute> list = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      String at = field + "[" + i + "]";
      JsonNode entry = value.get(i);
      if (!entry.isObject()) {
        throw new InvalidConfigException(
            at, "must be an object {\"name\": ..., \"useHeaderRoutes\": ...}");
      }
      String name = null;
      boolean useHeaderRoutes = false;
      for (Iterator<Map.Entry<String, JsonNode>> it = entry.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        switch (f.getKey()) {
          case "name" -> name = name(at + ".name", f.getValue());
          case "useHeaderRoutes" -> useHeaderRoutes = bool(at + ".useHeaderRoutes", f.getValue());
          default ->
              throw new InvalidConfigException(
                  at + "." + f.getKey(), "unknown field; the fields are name, useHeaderRoutes");
        }
      }
      if (name == null) {
        throw new InvalidConfigException(
            at + ".name", "is required: the " + kind.kind() + "'s name");
      }
      list.add(new NamedRoute(kind, name, useHeaderRoutes, at + ".name"));
    }
    return list;
  }

  private static RouteSelector selector(RouteKind kind, String field, JsonNode value) {
    if (!value.isObject()) {
      throw new InvalidConfigException(
          field, "must be an object such as {\"matchLabels\": {\"app\": \"shop\"}}");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    List<LabelSelectorRequirement> expressions = new ArrayList<>();
    boolean useHeaderRoutes = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String at = field + "." + f.getKey();
      switch (f.getKey()) {
        case "matchLabels" -> {
          if (!f.getValue().isObject()) {
            throw new InvalidConfigException(at, "must be an object of label values");
          }
          f.getValue().fields().forEachRemaining(l -> labels.put(l.getKey(), labelValue(at, l)));
        }
        case "matchExpressions" -> expressions.addAll(expressions(at, f.getValue()));
        case "useHeaderRoutes" -> useHeaderRoutes = bool(at, f.getValue());
        default ->
            throw new InvalidConfigException(
                at, "unknown field; the fields are matchLabels, matchExpressions, useHeaderRoutes");
      }
    }
    if (labels.isEmpty() && expressions.isEmpty()) {
      throw new InvalidConfigException(
          field,
          "needs matchLabels or matchExpressions: an empty selector would take every "
              + kind.kind()
              + " in the namespace");
    }
    LabelSelector selector = new LabelSelector(expressions, labels);
    return new RouteSelector(kind, selector, useHeaderRoutes, field);
  }

  private static List<LabelSelectorRequirement> expressions(String field, JsonNode value) {
    if (!value.isArray()) {
      throw new InvalidConfigException(
          field, "must be a list of {\"key\", \"operator\", \"values\"}");
    }
    List<LabelSelectorRequirement> list = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      String at = field + "[" + i + "]";
      JsonNode e = value.get(i);
      String key = null;
      String operator = null;
      List<String> values = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        switch (f.getKey()) {
          case "key" -> key = name(at + ".key", f.getValue());
          case "operator" -> operator = name(at + ".operator", f.getValue());
          case "values" -> {
            if (!f.getValue().isArray()) {
              throw new InvalidConfigException(at + ".values", "must be a list of strings");
            }
            for (JsonNode v : f.getValue()) {
              values.add(name(at + ".values", v));
            }
          }
          default ->
              throw new InvalidConfigException(
                  at + "." + f.getKey(), "unknown field; the fields are key, operator, values");
        }
      }
      if (key == null) {
        throw new InvalidConfigException(at + ".key", "is required");
      }
      if (operator == null || !OPERATORS.contains(operator)) {
        throw new InvalidConfigException(
            at + ".operator", "must be one of In, NotIn, Exists, DoesNotExist, was " + operator);
      }
      list.add(new LabelSelectorRequirement(key, operator, values));
    }
    return list;
  }

  private static String labelValue(String field, Map.Entry<String, JsonNode> label) {
    if (!label.getValue().isTextual()) {
      throw new InvalidConfigException(
          field + "." + label.getKey(),
          "must be a string (a label value), was " + abbreviate(label.getValue()));
    }
    return label.getValue().asText();
  }

  private static boolean bool(String field, JsonNode value) {
    if (!value.isBoolean()) {
      throw new InvalidConfigException(field, "must be true or false, was " + abbreviate(value));
    }
    return value.asBoolean();
  }

  private static String abbreviate(JsonNode value) {
    String text = value.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }
}
