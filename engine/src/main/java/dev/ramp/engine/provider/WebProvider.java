package dev.ramp.engine.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Argo's {@code web} provider ({@code metricproviders/webmetric/webmetric.go}): one GET, POST or
 * PUT; a non-2xx status is an Error; a JSON body is read through {@code jsonPath} (the whole body
 * without one); a body that is not JSON is the result as a string, when no {@code jsonPath} asks
 * for a field of it.
 */
final class WebProvider implements MetricProvider {
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final HttpCalls http;

  WebProvider(HttpCalls http) {
    this.http = http;
  }

  @Override
  public String type() {
    return "web";
  }

  /** A web request as the spec asks for it. */
  record Call(HttpRequest request, Duration timeout, List<JsonPaths.Step> path, boolean hasPath) {}

  @Override
  public MetricResult measure(JsonNode spec, MetricArgs args) {
    return Guard.measure(
        args,
        () -> {
          Call call = call(ArgTemplates.render(spec, args), args);
          String what = call.request().method() + " " + args.mask(call.request().uri().toString());
          HttpCalls.Answer answer = http.send(call.request(), call.timeout(), what);
          return read(call, answer, what);
        });
  }

  static Call call(JsonNode rendered, MetricArgs args) throws MeasureException {
    SpecFields f = new SpecFields("web", rendered);
    f.refuse("insecure", "TLS verification cannot be skipped");
    f.refuse("authentication", "send an Authorization header from a secret arg instead");
    String method = f.text("method").isEmpty() ? "GET" : f.text("method");
    if (!List.of("GET", "POST", "PUT").contains(method)) {
      throw f.wrong("method", "GET, POST or PUT, not \"" + method + "\"");
    }
    URI url = f.url("url", f.text("url"), args);
    String body = f.text("body");
    JsonNode jsonBody = f.node("jsonBody");
    if (!body.isEmpty() && jsonBody != null) {
      throw new MeasureException(
          "use either body or jsonBody; both cannot exist for a web metric payload");
    }
    if ((!body.isEmpty() || jsonBody != null) && method.equals("GET")) {
      throw new MeasureException("body/jsonBody can only be used with POST or PUT web metrics");
    }
    Long seconds = f.integer("timeoutSeconds");
    Duration timeout =
        seconds == null || seconds <= 0 ? DEFAULT_TIMEOUT : Duration.ofSeconds(seconds);
    String payload = jsonBody != null ? jsonBody.toString() : body;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .timeout(timeout)
            .method(
                method,
                payload.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
    Headers.set(b, f.headers(), "web", args);
    if (jsonBody != null) {
      b.setHeader("Content-Type", "application/json");
    }
    String path = f.text("jsonPath");
    return new Call(b.build(), timeout, JsonPaths.parse(path), !path.isBlank());
  }

  static MetricResult read(Call call, HttpCalls.Answer answer, String what)
      throws MeasureException {
    if (answer.status() < 200 || answer.status() >= 300) {
      throw new MeasureException(
          what + ": received non 2xx response code: " + answer.status() + snippet(answer.body()));
    }
    String text = new String(answer.body(), StandardCharsets.UTF_8);
    JsonNode body;
    try {
      body = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      if (call.hasPath()) {
        throw new MeasureException(
            what
                + ": the response is not JSON, so jsonPath cannot be applied: "
                + e.getOriginalMessage()
                + snippet(answer.body()));
      }
      return MetricResult.value(JsonNodeFactory.instance.textNode(text), text, Map.of());
    }
    if (body == null || body.isMissingNode()) {
      // An empty body: Argo's result is the empty string.
      return MetricResult.value(JsonNodeFactory.instance.textNode(text), text, Map.of());
    }
    JsonNode value = JsonPaths.find(body, call.path());
    return MetricResult.value(value, value.toString(), Map.of());
  }

  /** The start of a body, for a message. */
  static String snippet(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    if (text.isEmpty()) {
      return "";
    }
    return " (body: " + (text.length() > 200 ? text.substring(0, 200) + "…" : text) + ")";
  }
}
