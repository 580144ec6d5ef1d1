package dev.ramp.engine.provider;

import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A run's args as the providers see them: every value resolved, those read from a Secret named in
 * {@code secret} so that their values are masked ({@value #MASK}) wherever a provider writes a
 * message or metadata, as Argo redacts them.
 *
 * @param values arg name to value
 * @param secret names of the args whose values came from a Secret
 */
public record MetricArgs(Map<String, String> values, Set<String> secret) {
  /** What a secret value reads as in messages and metadata; Argo's redaction. */
  public static final String MASK = "*****";

  public MetricArgs {
    values = Map.copyOf(values);
    secret = Set.copyOf(secret);
    for (String name : secret) {
      if (!values.containsKey(name)) {
        throw new IllegalArgumentException("secret arg " + name + " has no value");
      }
    }
  }

  /** Args without secrets. */
  public static MetricArgs of(Map<String, String> values) {
    return new MetricArgs(values, Set.of());
  }

  /** These args and one more whose value came from a Secret. */
  public MetricArgs withSecret(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(values);
    more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    Set<String> secrets = new HashSet<>(secret);
    secrets.add(name);
    return new MetricArgs(more, secrets);
  }

  /** {@code text} with every non-empty secret value replaced by {@value #MASK}, longest first. */
  public String mask(String text) {
    if (text == null || secret.isEmpty()) {
      return text;
    }
    String masked = text;
    for (String value :
        secret.stream()
            .map(values::get)
            .filter(v -> !v.isEmpty())
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList()) {
      masked = masked.replace(value, MASK);
    }
    return masked;
  }

  /**
   * {@code spec} with every {@code {{args.x}}} in its string values replaced (for providers outside
   * this package: Jobs, plugins' config).
   *
   * @throws IllegalArgumentException naming a tag that is not an arg of the run
   */
  public com.fasterxml.jackson.databind.JsonNode render(
      com.fasterxml.jackson.databind.JsonNode spec) {
    try {
      return ArgTemplates.render(spec, this);
    } catch (MeasureException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The values of secret args are not printed. */
  @Override
  public String toString() {
    Map<String, String> shown = new java.util.TreeMap<>();
    values.forEach((k, v) -> shown.put(k, secret.contains(k) ? MASK : v));
    return "MetricArgs" + shown;
  }
}
