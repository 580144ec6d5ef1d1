package dev.ramp.engine.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of an AnalysisTemplate's spec (Argo's field names), read into the semantics'
 * settings, compiled conditions and provider specs, with the template's args resolved against the
 * caller's. Every problem is collected with the field it is about, so a template is refused whole,
 * before anything is measured.
 */
final class TemplateMetrics {

  /** One metric, ready to measure; {@code spec} is the metric as written. */
  record Planned(
      MetricSettings settings, ConditionSet conditions, JsonNode provider, JsonNode spec) {}

  /** The template could not be read; the message names every bad field. */
  static final class Invalid extends Exception {
    Invalid(List<String> problems) {
      super(String.join("; ", problems));
    }
  }

  final List<Planned> metrics;
  final Map<String, String> args;

  private TemplateMetrics(List<Planned> metrics, Map<String, String> args) {
    this.metrics = List.copyOf(metrics);
    this.args = Map.copyOf(args);
  }

  /**
   * Reads {@code spec} (an AnalysisTemplate's or an AnalysisRun's) with {@code given} args, which
   * override the template's values.
   */
  static TemplateMetrics read(JsonNode spec, Map<String, String> given) throws Invalid {
    List<String> problems = new ArrayList<>();
    Map<String, String> args = args(spec.path("args"), given, problems);
    List<Planned> metrics = new ArrayList<>();
    JsonNode list = spec.path("metrics");
    if (!list.isArray() || list.isEmpty()) {
      problems.add("spec.metrics: at least one metric is required");
    }
    for (int i = 0; i < list.size(); i++) {
      Planned p = metric(list.get(i), "spec.metrics[" + i + "]", problems);
      if (p != null) {
        metrics.add(p);
      }
    }
    metrics = withRules(spec, metrics, problems);
    if (!problems.isEmpty()) {
      throw new Invalid(problems);
    }
    return new TemplateMetrics(metrics, args);
  }

  /**
   * What is wrong with a template's spec, checked without args (lint: args get their values when a
   * run starts); empty when it can run. Each problem starts with the field it is about.
   */
  static List<String> problems(JsonNode spec) {
    List<String> problems = new ArrayList<>();
    JsonNode args = spec.path("args");
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).path("name").asText("").isEmpty()) {
        problems.add("spec.args[" + i + "].name: required");
      }
    }
    JsonNode list = spec.path("metrics");
    if (!list.isArray() || list.isEmpty()) {
      problems.add("spec.metrics: at least one metric is required");
    }
    List<Planned> metrics = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Planned p = metric(list.get(i), "spec.metrics[" + i + "]", problems);
      if (p != null) {
        metrics.add(p);
      }
    }
    withRules(spec, metrics, problems);
    return problems;
  }

  private static Map<String, String> args(
      JsonNode list, Map<String, String> given, List<String> problems) {
    Map<String, String> args = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode arg = list.get(i);
      String name = arg.path("name").asText("");
      String field = "spec.args[" + i + "]";
      if (name.isEmpty()) {
        problems.add(field + ".name: required");
      } else if (given.containsKey(name)) {
        args.put(name, given.get(name));
      } else if (arg.path("value").isTextual()) {
        args.put(name, arg.path("value").asText());
      } else if (arg.has("valueFrom")) {
        problems.add(
            field
                + ".valueFrom: "
                + name
                + " takes its value from the cluster, which this command does not read; pass"
                + " --arg "
                + name
                + "=VALUE");
      } else {
        problems.add(field + ": arg " + name + " has no value; pass --arg " + name + "=VALUE");
      }
    }
    for (String name : given.keySet()) {
      if (!args.containsKey(name)) {
        problems.add("--arg " + name + ": the template declares no arg of that name");
      }
    }
    return args;
  }

  private static Planned metric(JsonNode m, String field, List<String> problems) {
    String name = m.path("name").asText("");
    if (name.isEmpty()) {
      problems.add(field + ".name: required");
      return null;
    }
    int before = problems.size();
    MetricSettings s = MetricSettings.of(name);
    s = s.withInterval(duration(m, "interval", field, problems));
    s = s.withInitialDelay(duration(m, "initialDelay", field, problems));
    Integer count = integer(m, "count", field, problems);
    if (count != null) {
      s = s.withCount(count);
    }
    Integer failureLimit = integer(m, "failureLimit", field, problems);
    if (failureLimit != null) {
      s = s.withFailureLimit(failureLimit);
    }
    Integer inconclusiveLimit = integer(m, "inconclusiveLimit", field, problems);
    if (inconclusiveLimit != null) {
      s = s.withInconclusiveLimit(inconclusiveLimit);
    }
    Integer errorLimit = integer(m, "consecutiveErrorLimit", field, problems);
    if (errorLimit != null) {
      s = s.withConsecutiveErrorLimit(errorLimit);
    }
    Integer successLimit = integer(m, "consecutiveSuccessLimit", field, problems);
    if (successLimit != null) {
      s = s.withConsecutiveSuccessLimit(successLimit);
    }
    s.validate().ifPresent(p -> problems.add(field + ": " + p));
    ConditionSet conditions = null;
    try {
      conditions = ConditionSet.compile(text(m, "successCondition"), text(m, "failureCondition"));
    } catch (ConditionException e) {
      problems.add(field + "." + e.getMessage());
    }
    provider(m.path("provider"), field + ".provider", problems);
    return problems.size() > before ? null : new Planned(s, conditions, m.path("provider"), m);
  }

  /** Argo's providers; the ones Ramp measures are {@link #MEASURED}. */
  static final java.util.Set<String> ARGO_PROVIDERS =
      java.util.Set.of(
          "prometheus",
          "web",
          "job",
          "plugin",
          "datadog",
          "newRelic",
          "cloudWatch",
          "wavefront",
          "kayenta",
          "graphite",
          "influxdb",
          "skywalking");

  static final java.util.Set<String> MEASURED =
      java.util.Set.of("prometheus", "web", "job", "plugin");

  /** Exactly one provider, one that this version measures; others named with what to do. */
  private static void provider(JsonNode p, String field, List<String> problems) {
    if (!p.isObject() || p.size() != 1) {
      problems.add(field + ": set exactly one provider (for example web or prometheus)");
      return;
    }
    String kind = p.fieldNames().next();
    if (kind.equals("plugin")) {
      JsonNode plugin = p.get(kind);
      if (!plugin.isObject() || plugin.size() != 1) {
        problems.add(field + ".plugin: name exactly one plugin, as plugin: {org/name: {config}}");
      }
      return;
    }
    if (kind.equals("job")) {
      if (!p.get(kind).path("spec").path("template").isObject()) {
        problems.add(field + ".job.spec.template: required (the Job's pod template)");
      }
      return;
    }
    if (MEASURED.contains(kind)) {
      return;
    }
    if (!ARGO_PROVIDERS.contains(kind)) {
      problems.add(field + "." + kind + ": unknown provider; Ramp measures " + MEASURED);
    } else {
      problems.add(
          field
              + "."
              + kind
              + ": not built into Ramp; use a metric-provider plugin (provider.plugin)");
    }
  }

  /**
   * The metrics with the spec's {@code dryRun} and {@code measurementRetention} rules applied; a
   * rule that names no metric is a problem, as in Argo.
   */
  private static List<Planned> withRules(
      JsonNode spec, List<Planned> metrics, List<String> problems) {
    List<String> names = metrics.stream().map(p -> p.settings().name()).toList();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) {
        // Argo's ValidateMetrics: results are kept by name, so two metrics would share one.
        problems.add("spec.metrics: metric \"" + name + "\" is defined more than once");
      }
    }
    List<String> dryRunRules = new ArrayList<>();
    spec.path("dryRun").forEach(r -> dryRunRules.add(r.path("metricName").asText("")));
    List<MetricRules.RetentionRule> retention = new ArrayList<>();
    JsonNode rules = spec.path("measurementRetention");
    for (int i = 0; i < rules.size(); i++) {
      JsonNode limit = rules.get(i).path("limit");
      if (!limit.isIntegralNumber() || limit.asInt() < 0) {
        problems.add("spec.measurementRetention[" + i + "].limit: a whole number, 0 or more");
      }
      retention.add(
          new MetricRules.RetentionRule(rules.get(i).path("metricName").asText(""), limit.asInt()));
    }
    java.util.Set<String> dryRun = java.util.Set.of();
    Map<String, Integer> limits = Map.of();
    try {
      dryRun = MetricRules.dryRunMetrics(dryRunRules, names);
    } catch (IllegalArgumentException e) {
      problems.add("spec." + e.getMessage());
    }
    try {
      limits = MetricRules.retentionLimits(retention, names);
    } catch (IllegalArgumentException e) {
      problems.add("spec." + e.getMessage());
    }
    List<Planned> out = new ArrayList<>();
    for (Planned p : metrics) {
      MetricSettings s = p.settings().withDryRun(dryRun.contains(p.settings().name()));
      s = s.withRetentionLimit(limits.getOrDefault(s.name(), 0));
      out.add(new Planned(s, p.conditions(), p.provider(), p.spec()));
    }
    return out;
  }

  private static String text(JsonNode m, String key) {
    return m.path(key).isTextual() ? m.path(key).asText() : null;
  }

  private static Duration duration(JsonNode m, String key, String field, List<String> problems) {
    JsonNode v = m.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    try {
      // An integer is seconds, bounded as a text duration is (GoDuration.MAX).
      return GoDuration.parse(v.isIntegralNumber() ? v.bigIntegerValue().toString() : v.asText());
    } catch (IllegalArgumentException e) {
      problems.add(field + "." + key + ": " + e.getMessage());
      return null;
    }
  }

  private static Integer integer(JsonNode m, String key, String field, List<String> problems) {
    JsonNode v = m.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber()) {
      return v.asInt();
    }
    if (v.isTextual() && v.asText().matches("-?\\d{1,9}")) {
      return Integer.parseInt(v.asText());
    }
    problems.add(field + "." + key + ": " + v + " is not a whole number");
    return null;
  }
}
