package dev.ramp.plugins.judge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.InvalidConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The judge's config ({@code provider.plugin.<name>} of a metric), validated once per call. Every
 * refusal is an {@link InvalidConfigException} naming the field ({@code metrics[1].direction}).
 */
record JudgeConfig(
    URI address,
    String canary,
    String stable,
    Duration lookback,
    Duration step,
    int minSamples,
    Duration horizon,
    Duration timeout,
    double pass,
    double marginal,
    Map<String, Double> groupWeights,
    List<MetricSpec> metrics) {

  /** Where a query puts the version (the pod-template hash) it is about. */
  static final String VERSION = "${version}";

  static final String DEFAULT_GROUP = "default";

  /** Which way of change is a regression. */
  enum Direction {
    INCREASE,
    DECREASE,
    EITHER
  }

  /** What to do with NaN values (Prometheus gives them for 0/0). */
  enum NanStrategy {
    REMOVE,
    REPLACE
  }

  /** How the effect is measured: canary mean over stable mean, or the share of higher pairs. */
  enum EffectMeasure {
    MEAN_RATIO,
    CLES
  }

  /** One metric to judge. */
  record MetricSpec(
      String name,
      String query,
      Direction direction,
      NanStrategy nanStrategy,
      boolean removeOutliers,
      double outlierFactor,
      EffectMeasure effectMeasure,
      double allowedIncrease,
      double allowedDecrease,
      double criticalIncrease,
      double criticalDecrease,
      boolean critical,
      boolean mustHaveData,
      List<String> groups) {

    /** The query for one version. */
    String queryFor(String version) {
      return query.replace(VERSION, version);
    }
  }

  private static final Set<String> TOP =
      Set.of(
          "mode",
          "address",
          "canary",
          "stable",
          "lookback",
          "step",
          "minSamples",
          "horizon",
          "timeoutSeconds",
          "scoreThresholds",
          "groupWeights",
          "metrics");
  private static final Set<String> METRIC =
      Set.of(
          "name",
          "query",
          "direction",
          "nanStrategy",
          "outliers",
          "effectSize",
          "critical",
          "mustHaveData",
          "groups");

  /** The config, or an {@link InvalidConfigException} naming what is wrong. */
  static JudgeConfig parse(JsonNode config) {
    if (config == null || !config.isObject()) {
      throw new InvalidConfigException("config", "must be an object with address and metrics");
    }
    known(config, TOP, "");
    URI address = address(config.path("address"));
    String canary = requiredText(config, "canary", "the canary's pod-template hash");
    String stable = requiredText(config, "stable", "stable's pod-template hash");
    Duration lookback = duration(config, "lookback", Duration.ofMinutes(10));
    Duration step = duration(config, "step", Duration.ofSeconds(15));
    if (lookback.dividedBy(step) > 11_000) {
      throw new InvalidConfigException(
          "step", "lookback/step must be at most 11000 points (Prometheus' limit)");
    }
    int minSamples = (int) number(config, "minSamples", 20, 0, 11_000);
    Duration horizon = duration(config, "horizon", Duration.ofMinutes(15));
    Duration timeout = Duration.ofSeconds((long) number(config, "timeoutSeconds", 10, 1, 600));
    JsonNode thresholds = config.path("scoreThresholds");
    if (!thresholds.isMissingNode()) {
      object(thresholds, "scoreThresholds");
      known(thresholds, Set.of("pass", "marginal"), "scoreThresholds.");
    }
    double pass = number(thresholds, "scoreThresholds.pass", "pass", 95, 0, 100);
    double marginal = number(thresholds, "scoreThresholds.marginal", "marginal", 75, 0, 100);
    if (marginal > pass) {
      throw new InvalidConfigException(
          "scoreThresholds.marginal", marginal + " must not be above pass (" + pass + ")");
    }
    List<MetricSpec> metrics = metrics(config.path("metrics"));
    Map<String, Double> weights = weights(config.path("groupWeights"), metrics);
    return new JudgeConfig(
        address,
        canary,
        stable,
        lookback,
        step,
        minSamples,
        horizon,
        timeout,
        pass,
        marginal,
        weights,
        metrics);
  }

  private static URI address(JsonNode node) {
    if (!node.isTextual() || node.asText().isBlank()) {
      throw new InvalidConfigException(
          "address", "is required: Prometheus' URL, e.g. http://prometheus.monitoring:9090");
    }
    try {
      URI uri = URI.create(node.asText().trim());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("not an absolute http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          "address", "'" + node.asText() + "' must be an absolute http:// or https:// URL");
    }
  }

  private static List<MetricSpec> metrics(JsonNode node) {
    if (!node.isArray() || node.isEmpty()) {
      throw new InvalidConfigException(
          "metrics", "is required: a list of at least one {name, query} to judge");
    }
    List<MetricSpec> metrics = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      MetricSpec m = metric(node.get(i), "metrics[" + i + "].");
      if (!names.add(m.name())) {
        throw new InvalidConfigException(
            "metrics[" + i + "].name", "'" + m.name() + "' is the name of another metric too");
      }
      metrics.add(m);
    }
    return List.copyOf(metrics);
  }

  private static MetricSpec metric(JsonNode m, String at) {
    object(m, at.substring(0, at.length() - 1));
    known(m, METRIC, at);
    String name = requiredText(m, at + "name", "name", "the metric's name");
    String query = requiredText(m, at + "query", "query", "a PromQL query");
    if (!query.contains(VERSION)) {
      throw new InvalidConfigException(
          at + "query",
          "must contain "
              + VERSION
              + " where the version's pod-template hash goes, e.g."
              + " rate(errors_total{rollouts_pod_template_hash=\"${version}\"}[1m])");
    }
    Direction direction = choice(m, at + "direction", "direction", Direction.class, "either");
    NanStrategy nan = choice(m, at + "nanStrategy", "nanStrategy", NanStrategy.class, "remove");
    JsonNode outliers = m.path("outliers");
    boolean remove = false;
    double factor = 3.0;
    if (!outliers.isMissingNode()) {
      object(outliers, at + "outliers");
      known(outliers, Set.of("strategy", "factor"), at + "outliers.");
      remove = "remove".equals(oneOf(outliers, at + "outliers.strategy", "strategy", "keep"));
      factor = number(outliers, at + "outliers.factor", "factor", 3.0, Double.MIN_VALUE, 1e6);
    }
    JsonNode effect = m.path("effectSize");
    if (!effect.isMissingNode()) {
      object(effect, at + "effectSize");
      known(
          effect,
          Set.of(
              "measure",
              "allowedIncrease",
              "allowedDecrease",
              "criticalIncrease",
              "criticalDecrease"),
          at + "effectSize.");
    }
    String e = at + "effectSize.";
    EffectMeasure measure =
        "cles".equals(oneOf(effect, e + "measure", "measure", "meanRatio"))
            ? EffectMeasure.CLES
            : EffectMeasure.MEAN_RATIO;
    double neutral = measure == EffectMeasure.CLES ? 0.5 : 1.0;
    double top = measure == EffectMeasure.CLES ? 1 : Double.MAX_VALUE;
    return new MetricSpec(
        name,
        query,
        direction,
        nan,
        remove,
        factor,
        measure,
        number(effect, e + "allowedIncrease", "allowedIncrease", neutral, 0, top),
        number(effect, e + "allowedDecrease", "allowedDecrease", neutral, 0, top),
        number(effect, e + "criticalIncrease", "criticalIncrease", neutral, 0, top),
        number(effect, e + "criticalDecrease", "criticalDecrease", neutral, 0, top),
        bool(m, at + "critical", "critical"),
        bool(m, at + "mustHaveData", "mustHaveData"),
        groups(m.path("groups"), at + "groups"));
  }

  private static List<String> groups(JsonNode node, String at) {
    if (node.isMissingNode() || node.isNull()) {
      return List.of(DEFAULT_GROUP);
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new InvalidConfigException(at, "must be a non-empty list of group names");
    }
    Set<String> groups = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode g = node.get(i);
      if (!g.isTextual() || g.asText().isBlank()) {
        throw new InvalidConfigException(at + "[" + i + "]", "must be a group name");
      }
      groups.add(g.asText());
    }
    return List.copyOf(groups);
  }

  private static Map<String, Double> weights(JsonNode node, List<MetricSpec> metrics) {
    Map<String, Double> weights = new LinkedHashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return weights;
    }
    object(node, "groupWeights");
    Set<String> used = new LinkedHashSet<>();
    metrics.forEach(m -> used.addAll(m.groups()));
    double sum = 0;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String group = it.next();
      if (!used.contains(group)) {
        throw new InvalidConfigException(
            "groupWeights." + group,
            "no metric is in group '" + group + "' (groups: " + used + ")");
      }
      double w = number(node, "groupWeights." + group, group, 0, 0, 100);
      weights.put(group, w);
      sum += w;
    }
    if (sum > 100 + 1e-9) {
      throw new InvalidConfigException("groupWeights", "add up to " + sum + ", more than 100");
    }
    if (weights.keySet().containsAll(used) && Math.abs(sum - 100) > 1e-9) {
      throw new InvalidConfigException(
          "groupWeights", "weigh every group and so must add up to 100, not " + sum);
    }
    return weights;
  }

  private static void known(JsonNode node, Set<String> fields, String at) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw new InvalidConfigException(
            at + f, "is not a field of the judge's config (known: " + sorted(fields) + ")");
      }
    }
  }

  private static List<String> sorted(Set<String> fields) {
    return fields.stream().sorted().toList();
  }

  private static void object(JsonNode node, String at) {
    if (!node.isObject()) {
      throw new InvalidConfigException(at, "must be an object");
    }
  }

  private static String requiredText(JsonNode node, String field, String what) {
    return requiredText(node, field, field, what);
  }

  private static String requiredText(JsonNode node, String at, String field, String what) {
    JsonNode v = node.path(field);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new InvalidConfigException(at, "is required: " + what);
    }
    return v.asText().trim();
  }

  private static <E extends Enum<E>> E choice(
      JsonNode node, String at, String field, Class<E> type, String fallback) {
    return Enum.valueOf(type, oneOf(node, at, field, fallback).toUpperCase(java.util.Locale.ROOT));
  }

  /** A text field among its allowed spellings; Kayenta's defaults when absent. */
  private static String oneOf(JsonNode node, String at, String field, String fallback) {
    List<String> allowed =
        switch (field) {
          case "direction" -> List.of("increase", "decrease", "either");
          case "nanStrategy" -> List.of("remove", "replace");
          case "strategy" -> List.of("remove", "keep");
          default -> List.of("meanRatio", "cles");
        };
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual() || !allowed.contains(v.asText())) {
      throw new InvalidConfigException(at, "'" + v.asText() + "' must be one of " + allowed);
    }
    return v.asText();
  }

  private static boolean bool(JsonNode node, String at, String field) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new InvalidConfigException(at, "'" + v.asText() + "' must be true or false");
    }
    return v.booleanValue();
  }

  private static double number(JsonNode node, String field, double fallback, double lo, double hi) {
    return number(node, field, field, fallback, lo, hi);
  }

  private static double number(
      JsonNode node, String at, String field, double fallback, double lo, double hi) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber() || !(v.doubleValue() >= lo && v.doubleValue() <= hi)) {
      throw new InvalidConfigException(
          at, "'" + v.asText() + "' must be a number from " + lo + " to " + hi);
    }
    return v.doubleValue();
  }

  private static Duration duration(JsonNode node, String field, Duration fallback) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return fallback;
    }
    Duration d = v.isTextual() ? GoDuration.parse(v.asText()) : null;
    if (d == null || d.isZero() || d.isNegative()) {
      throw new InvalidConfigException(
          field, "'" + v.asText() + "' must be a positive duration such as 30s, 5m or 1h30m");
    }
    return d;
  }
}
