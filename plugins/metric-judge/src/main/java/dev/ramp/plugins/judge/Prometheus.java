package dev.ramp.plugins.judge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginException;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Prometheus' range queries ({@code /api/v1/query_range}) over HTTP. A query is to give one series
 * (aggregate it, e.g. with {@code sum}); no series is no data. Prometheus that cannot be reached or
 * answers anything but a range is a {@link MeasureException}; a query it refuses as bad ({@code
 * bad_data}) is the config's fault, an {@link InvalidConfigException} naming the query's field.
 */
final class Prometheus {
  private static final int BODY_SHOWN = 300;

  private final HttpClient http;

  Prometheus(HttpClient http) {
    this.http = http;
  }

  /** One window of a query: its values by time (epoch milliseconds); NaN for ±Inf and NaN. */
  NavigableMap<Long, Double> range(
      URI address, String query, String field, Window window, Duration timeout)
      throws MeasureException {
    String form =
        "query="
            + URLEncoder.encode(query, StandardCharsets.UTF_8)
            + "&start="
            + seconds(window.start())
            + "&end="
            + seconds(window.end())
            + "&step="
            + seconds(window.step());
    HttpResponse<String> answer = send(address, "api/v1/query_range", form, timeout);
    return series(answer, address, field);
  }

  /**
   * An instant query ({@code /api/v1/query}) at {@code time}: every series' value by its labels
   * (sorted {@code name="value"} pairs), NaN for ±Inf and NaN. For raw counters, which the
   * sequential judge differences itself; no series is an empty map.
   */
  Map<String, Double> instant(
      URI address, String query, String field, Instant time, Duration timeout)
      throws MeasureException {
    String form =
        "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&time=" + seconds(time);
    JsonNode data = data(send(address, "api/v1/query", form, timeout), address, field);
    if (!"vector".equals(data.path("resultType").asText())) {
      throw new MeasureException(
          field
              + " gave a "
              + data.path("resultType").asText()
              + ", not an instant vector of counters");
    }
    Map<String, Double> values = new TreeMap<>();
    for (JsonNode s : data.path("result")) {
      Map<String, String> labels = new TreeMap<>();
      s.path("metric")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      values.put(labels.toString(), value(s.path("value").get(1).asText()));
    }
    return values;
  }

  private HttpResponse<String> send(URI address, String path, String form, Duration timeout)
      throws MeasureException {
    String base = address.toString();
    URI uri = URI.create(base + (base.endsWith("/") ? "" : "/") + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new MeasureException(
          "Prometheus at " + address + " did not answer: " + describe(e) + "; nothing judged");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MeasureException("interrupted while asking Prometheus at " + address);
    }
  }

  private static NavigableMap<Long, Double> series(
      HttpResponse<String> answer, URI address, String field) throws MeasureException {
    JsonNode data = data(answer, address, field);
    if (!"matrix".equals(data.path("resultType").asText())) {
      throw new MeasureException(
          "Prometheus answered a " + data.path("resultType").asText() + ", not a range");
    }
    JsonNode result = data.path("result");
    if (result.size() > 1) {
      throw new MeasureException(
          field
              + " gave "
              + result.size()
              + " series; aggregate it to one, e.g. sum(...), for each version");
    }
    NavigableMap<Long, Double> values = new TreeMap<>();
    if (result.isEmpty()) {
      return values;
    }
    for (JsonNode point : result.get(0).path("values")) {
      long at = new BigDecimal(point.get(0).asText()).movePointRight(3).longValue();
      values.put(at, value(point.get(1).asText()));
    }
    return values;
  }

  /** The answer's {@code data}, or the trouble: a refused query, an error, not JSON. */
  private static JsonNode data(HttpResponse<String> answer, URI address, String field)
      throws MeasureException {
    JsonNode body;
    try {
      body = Json.parse(answer.body());
    } catch (PluginException e) {
      body = null;
    }
    if (answer.statusCode() == 400
        && body != null
        && "bad_data".equals(body.path("errorType").asText())) {
      throw new InvalidConfigException(
          field, "Prometheus refused the query: " + body.path("error").asText());
    }
    if (answer.statusCode() / 100 != 2 || body == null || !body.path("data").isObject()) {
      throw new MeasureException(
          "Prometheus at "
              + address
              + " answered "
              + answer.statusCode()
              + ": "
              + cut(answer.body())
              + "; nothing judged");
    }
    return body.path("data");
  }

  /** Prometheus writes floats as Go does: {@code NaN}, {@code +Inf}, {@code -Inf}. */
  static double value(String text) {
    return switch (text) {
      case "NaN", "+Inf", "-Inf", "Inf" -> Double.NaN;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          yield Double.NaN;
        }
      }
    };
  }

  private static String seconds(Instant t) {
    return BigDecimal.valueOf(t.toEpochMilli())
        .movePointLeft(3)
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
  }

  private static String describe(IOException e) {
    String type = e.getClass().getSimpleName();
    return e.getMessage() == null ? type : type + ": " + e.getMessage();
  }

  private static String cut(String body) {
    String one = body == null ? "" : body.replace('\n', ' ').trim();
    return one.length() <= BODY_SHOWN ? one : one.substring(0, BODY_SHOWN) + "...";
  }

  /** The window a measurement asks about: the same for the canary and stable. */
  record Window(Instant start, Instant end, Duration step) {}
}
