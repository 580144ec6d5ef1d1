package dev.ramp.plugins.judge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.InvalidConfigException;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The config of the sequential judge ({@code mode: sequential}), validated once per call; every
 * refusal is an {@link InvalidConfigException} naming the field. The looks are the metric's {@code
 * interval} apart and the horizon is its {@code count} × {@code interval}, unless the judge's own
 * {@code interval} and {@code horizon} say otherwise.
 *
 * @param requests PromQL of each version's request counter(s), with {@code ${version}}
 * @param errors PromQL of each version's error counter(s), with {@code ${version}}
 * @param twoSided {@code direction: either}; the default {@code increase} tests "canary worse"
 * @param minRequests requests each version serves before the first look counts
 */
record SequentialConfig(
    URI address,
    String canary,
    String stable,
    String requests,
    String errors,
    double alpha,
    boolean twoSided,
    long minRequests,
    Duration interval,
    Duration horizon,
    Duration timeout) {

  static final String MODE = "sequential";

  private static final Set<String> FIELDS =
      Set.of(
          "mode",
          "address",
          "canary",
          "stable",
          "requests",
          "errors",
          "alpha",
          "direction",
          "minRequests",
          "interval",
          "horizon",
          "timeoutSeconds");

  /** Functions that make a counter something else: the judge differences raw counters itself. */
  private static final Pattern NOT_RAW =
      Pattern.compile("\\b(rate|irate|increase|delta|idelta|resets)\\s*\\(");

  /**
   * Whether the judge's config asks for this mode; any {@code mode} other than fixed is refused.
   */
  static boolean wanted(JsonNode config) {
    JsonNode mode = config == null ? null : config.get("mode");
    if (mode == null || mode.isNull()) {
      return false;
    }
    if (mode.isTextual() && MODE.equals(mode.asText())) {
      return true;
    }
    if (mode.isTextual() && "fixed".equals(mode.asText())) {
      return false;
    }
    throw new InvalidConfigException(
        "mode", "'" + mode.asText() + "' must be one of [fixed, sequential]");
  }

  /** The config, with the horizon from the metric ({@code count}, {@code interval}). */
  static SequentialConfig parse(JsonNode config, JsonNode metric) {
    for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new InvalidConfigException(
            f,
            "is not a field of the sequential judge's config (known: "
                + FIELDS.stream().sorted().toList()
                + ")");
      }
    }
    JsonNode addressNode = config.path("address");
    if (!addressNode.isTextual() || !addressNode.asText().matches("https?://[^/\\s]+(/\\S*)?")) {
      throw new InvalidConfigException(
          "address", "'" + addressNode.asText() + "' must be an absolute http:// or https:// URL");
    }
    Duration interval = interval(config, metric);
    Duration horizon = horizon(config, metric, interval);
    return new SequentialConfig(
        URI.create(addressNode.asText().trim()),
        text(config, "canary", "the canary's pod-template hash"),
        text(config, "stable", "stable's pod-template hash"),
        counter(config, "requests"),
        counter(config, "errors"),
        number(config, "alpha", 0.05, 1e-9, 0.5),
        direction(config),
        (long) number(config, "minRequests", 1000, 0, 1e15),
        interval,
        horizon,
        Duration.ofSeconds((long) number(config, "timeoutSeconds", 10, 1, 600)));
  }

  /** The query of a version's counter. */
  static String queryFor(String query, String version) {
    return query.replace(JudgeConfig.VERSION, version);
  }

  private static String counter(JsonNode config, String field) {
    String q = text(config, field, "a PromQL selector of each version's " + field + " counter");
    if (!q.contains(JudgeConfig.VERSION)) {
      throw new InvalidConfigException(
          field,
          "must contain "
              + JudgeConfig.VERSION
              + " where the version's pod-template hash goes, e.g."
              + " http_requests_total{rollouts_pod_template_hash=\"${version}\"}");
    }
    if (NOT_RAW.matcher(q).find()) {
      throw new InvalidConfigException(
          field,
          "must select the raw counter (one series per pod is fine), not rate() or increase():"
              + " the judge differences the counters itself, with resets, in whole requests");
    }
    return q;
  }

  private static Duration interval(JsonNode config, JsonNode metric) {
    Duration own = duration(config.path("interval"), "interval");
    if (own != null) {
      return own;
    }
    Duration fromMetric = duration(metric == null ? null : metric.path("interval"), "interval");
    if (fromMetric == null) {
      throw new InvalidConfigException(
          "interval",
          "is required: set the metric's interval (the time between looks), or interval here");
    }
    return fromMetric;
  }

  private static Duration horizon(JsonNode config, JsonNode metric, Duration interval) {
    Duration own = duration(config.path("horizon"), "horizon");
    if (own != null) {
      return own;
    }
    JsonNode count = metric == null ? null : metric.get("count");
    long n = -1;
    if (count != null && count.canConvertToLong()) {
      n = count.asLong();
    } else if (count != null && count.isTextual() && count.asText().trim().matches("\\d+")) {
      n = Long.parseLong(count.asText().trim());
    }
    if (n < 1) {
      throw new InvalidConfigException(
          "horizon",
          "is required: set the metric's count (the horizon is count × interval), or horizon"
              + " here");
    }
    return interval.multipliedBy(n);
  }

  private static Duration duration(JsonNode v, String field) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return null;
    }
    Duration d = v.isTextual() ? GoDuration.parse(v.asText()) : null;
    if (d == null || d.isZero() || d.isNegative()) {
      throw new InvalidConfigException(
          field, "'" + v.asText() + "' must be a positive duration such as 30s, 5m or 1h30m");
    }
    return d;
  }

  private static boolean direction(JsonNode config) {
    JsonNode v = config.path("direction");
    if (v.isMissingNode() || v.isNull() || "increase".equals(v.asText())) {
      return false;
    }
    if ("either".equals(v.asText())) {
      return true;
    }
    throw new InvalidConfigException(
        "direction", "'" + v.asText() + "' must be one of " + List.of("increase", "either"));
  }

  private static String text(JsonNode config, String field, String what) {
    JsonNode v = config.path(field);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new InvalidConfigException(field, "is required: " + what);
    }
    return v.asText().trim();
  }

  private static double number(JsonNode node, String field, double fallback, double lo, double hi) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber() || !(v.doubleValue() >= lo && v.doubleValue() <= hi)) {
      throw new InvalidConfigException(
          field, "'" + v.asText() + "' must be a number from " + lo + " to " + hi);
    }
    return v.doubleValue();
  }
}
