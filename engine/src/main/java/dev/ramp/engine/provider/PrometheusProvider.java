package dev.ramp.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ramp.engine.model.GoDuration;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argo's {@code prometheus} provider ({@code metricproviders/prometheus/prometheus.go}): an instant
 * query at the injected {@code now}, or a range query ({@code rangeQuery}), through Prometheus'
 * HTTP API ({@code POST /api/v1/query}, {@code /api/v1/query_range}); headers and basic auth on
 * each request; the resolved query in the metadata as {@code ResolvedPrometheusQuery}.
 */
final class PrometheusProvider implements MetricProvider {
  static final String RESOLVED_QUERY = "ResolvedPrometheusQuery";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** {@code now()}, or {@code now() ± duration("5m")}: the forms of Argo's docs. */
  private static final Pattern TIME =
      Pattern.compile("now\\(\\)(?:\\s*([-+])\\s*duration\\(\\s*\"([^\"]*)\"\\s*\\))?");

  private final HttpCalls http;
  private final Supplier<Instant> now;

  PrometheusProvider(HttpCalls http, Supplier<Instant> now) {
    this.http = http;
    this.now = now;
  }

  @Override
  public String type() {
    return "prometheus";
  }

  @Override
  public MetricResult measure(JsonNode spec, MetricArgs args) {
    Map<String, String> metadata = new LinkedHashMap<>();
    return Guard.measure(
        args,
        metadata,
        () -> {
          JsonNode rendered = ArgTemplates.render(spec, args);
          String query = rendered.path("query").asText("");
          if (!query.isEmpty()) {
            metadata.put(RESOLVED_QUERY, query);
          }
          HttpRequest request = request(rendered, args, now.get());
          String what = "prometheus " + args.mask(request.uri().toString());
          HttpCalls.Answer answer =
              http.send(request, request.timeout().orElse(DEFAULT_TIMEOUT), what);
          return PrometheusResults.read(answer, what, metadata);
        });
  }

  /** The HTTP request for a rendered spec at {@code at}. */
  static HttpRequest request(JsonNode rendered, MetricArgs args, Instant at)
      throws MeasureException {
    SpecFields f = new SpecFields("prometheus", rendered);
    f.refuse("insecure", "TLS verification cannot be skipped");
    JsonNode auth = f.node("authentication");
    SpecFields a =
        new SpecFields(
            "prometheus.authentication",
            auth == null ? JsonNodeFactory.instance.objectNode() : auth);
    a.refuse("oauth2", "send an Authorization header from a secret arg instead");
    a.refuse("sigv4", "Amazon Managed Prometheus signing is not built");
    String address = f.text("address");
    if (address.isEmpty()) {
      throw new MeasureException("prometheus address is not configured");
    }
    URI base = f.url("address", address, args);
    String query = f.text("query");
    if (query.isBlank()) {
      throw new MeasureException("provider.prometheus.query is empty");
    }
    Map<String, String> form = new LinkedHashMap<>();
    form.put("query", query);
    String path = range(f.node("rangeQuery"), at, form);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint(base, path))
            .timeout(timeout(f))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form), StandardCharsets.UTF_8));
    Headers.set(b, f.headers(), "prometheus", args);
    basicAuth(a, b);
    return b.build();
  }

  private static Duration timeout(SpecFields f) throws MeasureException {
    Long seconds = f.integer("timeout");
    if (seconds == null) {
      return DEFAULT_TIMEOUT;
    }
    if (seconds <= 0) {
      throw f.wrong("timeout", "a number of seconds above 0, not " + seconds);
    }
    return Duration.ofSeconds(seconds);
  }

  private static void basicAuth(SpecFields auth, HttpRequest.Builder b) throws MeasureException {
    JsonNode basic = auth.node("basicAuth");
    if (basic == null) {
      return;
    }
    SpecFields f = new SpecFields("prometheus.authentication.basicAuth", basic);
    String user = f.text("username");
    String password = f.text("password");
    if (user.isEmpty() && password.isEmpty()) {
      return;
    }
    if (user.isEmpty() || password.isEmpty()) {
      throw new MeasureException(
          "missing mandatory parameter in metric for basic auth setup: "
              + (user.isEmpty() ? "username" : "password"));
    }
    String token = user + ":" + password;
    b.setHeader(
        "Authorization",
        "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
  }

  /** Adds a range query's parameters to {@code form}; the API path to call. */
  private static String range(JsonNode rangeQuery, Instant at, Map<String, String> form)
      throws MeasureException {
    if (rangeQuery == null) {
      form.put("time", epochSeconds(at));
      return "api/v1/query";
    }
    SpecFields r = new SpecFields("prometheus.rangeQuery", rangeQuery);
    Instant start = time(r, "start", at);
    Instant end = time(r, "end", at);
    Duration step;
    try {
      step = GoDuration.parse(r.text("step"));
    } catch (IllegalArgumentException e) {
      throw new MeasureException("failed to parse rangeQuery.step as duration: " + e.getMessage());
    }
    if (step.isZero()) {
      throw new MeasureException("rangeQuery.step must be above 0");
    }
    form.put("start", epochSeconds(start));
    form.put("end", epochSeconds(end));
    form.put(
        "step",
        new BigDecimal(step.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString());
    return "api/v1/query_range";
  }

  /** {@code now()} or {@code now() ± duration("…")}; other expressions are refused. */
  static Instant time(SpecFields r, String field, Instant at) throws MeasureException {
    String text = r.text(field).trim();
    Matcher m = TIME.matcher(text);
    if (!m.matches()) {
      throw new MeasureException(
          "failed to parse rangeQuery."
              + field
              + " as time: \""
              + text
              + "\"; Ramp reads now() and now() - duration(\"5m\") (or +)");
    }
    if (m.group(1) == null) {
      return at;
    }
    Duration d;
    try {
      d = GoDuration.parse(m.group(2));
    } catch (IllegalArgumentException e) {
      throw new MeasureException(
          "failed to parse rangeQuery." + field + " as time: " + e.getMessage());
    }
    return m.group(1).equals("-") ? at.minus(d) : at.plus(d);
  }

  /** Seconds since the epoch as Prometheus reads them: {@code 1700000000.123}. */
  static String epochSeconds(Instant t) {
    return BigDecimal.valueOf(t.getEpochSecond())
        .add(BigDecimal.valueOf(t.getNano(), 9))
        .stripTrailingZeros()
        .toPlainString();
  }

  private static URI endpoint(URI base, String path) {
    String s = base.toString();
    return URI.create(s.endsWith("/") ? s + path : s + "/" + path);
  }

  private static String encode(Map<String, String> form) {
    StringBuilder out = new StringBuilder();
    form.forEach(
        (k, v) ->
            out.append(out.length() == 0 ? "" : "&")
                .append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return out.toString();
  }
}
