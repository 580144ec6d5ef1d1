package dev.ramp.engine.analysis;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which metrics the run's {@code dryRun} and {@code measurementRetention} rules name, as Argo's
 * {@code GetDryRunMetrics} and {@code GetMeasurementRetentionMetrics} in {@code
 * utils/analysis/helpers.go}: a rule's {@code metricName} is a regular expression found anywhere in
 * the metric's name ({@code .*} names all); a rule that names no metric makes the spec invalid.
 */
final class MetricRules {

  private MetricRules() {}

  /** A {@code measurementRetention} rule. */
  record RetentionRule(String metricName, int limit) {}

  /**
   * The names of the dry-run metrics.
   *
   * @throws IllegalArgumentException {@code dryRun[i]: Rule didn't match any metric name(s)}
   */
  static Set<String> dryRunMetrics(List<String> rules, List<String> metricNames) {
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < rules.size(); i++) {
      List<String> matched = matching(rules.get(i), metricNames);
      if (matched.isEmpty()) {
        throw new IllegalArgumentException(noMatch("dryRun", i));
      }
      names.addAll(matched);
    }
    return names;
  }

  /**
   * The retention limit per metric name; a later rule wins over an earlier one.
   *
   * @throws IllegalArgumentException {@code measurementRetention[i]: Rule didn't match any metric
   *     name(s)}
   */
  static Map<String, Integer> retentionLimits(List<RetentionRule> rules, List<String> metricNames) {
    Map<String, Integer> limits = new LinkedHashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      RetentionRule rule = rules.get(i);
      List<String> matched = matching(rule.metricName(), metricNames);
      if (matched.isEmpty()) {
        throw new IllegalArgumentException(noMatch("measurementRetention", i));
      }
      matched.forEach(name -> limits.put(name, rule.limit()));
    }
    return limits;
  }

  /** Metric names the expression is found in; an invalid expression matches none, as in Argo. */
  private static List<String> matching(String expression, List<String> metricNames) {
    Pattern p;
    try {
      p = Pattern.compile(expression);
    } catch (PatternSyntaxException e) {
      return List.of();
    }
    return metricNames.stream().filter(n -> p.matcher(n).find()).toList();
  }

  private static String noMatch(String field, int index) {
    return "%s[%d]: Rule didn't match any metric name(s)".formatted(field, index);
  }
}
