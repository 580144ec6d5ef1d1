package dev.ramp.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus' HTTP API answers, mapped as Argo's {@code processResponse} maps them: a scalar is a
 * number; a vector is a list of its samples' values (also of one sample, and {@code []} of none); a
 * matrix is one flat list of every series' values in order; a string result is an Error. Values are
 * doubles, {@code NaN} and {@code ±Inf} included.
 */
final class PrometheusResults {
  private PrometheusResults() {}

  /**
   * Reads an answer.
   *
   * @param what how messages name the request
   */
  static MetricResult read(HttpCalls.Answer answer, String what, Map<String, String> metadata)
      throws MeasureException {
    JsonNode body;
    try {
      body = WebProvider.JSON.readTree(answer.body());
    } catch (java.io.IOException e) {
      body = null;
    }
    if (body == null || !body.isObject() || !body.path("status").isTextual()) {
      throw new MeasureException(
          what
              + ": the answer (status "
              + answer.status()
              + ") is not Prometheus' API JSON"
              + WebProvider.snippet(answer.body()));
    }
    if (!body.path("status").textValue().equals("success")) {
      throw new MeasureException(
          what
              + ": Prometheus answered "
              + answer.status()
              + ": "
              + body.path("errorType").asText("error")
              + ": "
              + body.path("error").asText("(no error text)"));
    }
    if (answer.status() < 200 || answer.status() >= 300) {
      throw new MeasureException(what + ": Prometheus answered " + answer.status());
    }
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    String warnings = warnings(body.path("warnings"));
    if (!warnings.isEmpty()) {
      meta.put("warnings", warnings);
    }
    JsonNode value = map(body.path("data"));
    return MetricResult.value(value, text(value), meta);
  }

  /** The {@code data} of a successful answer as the value the conditions see. */
  static JsonNode map(JsonNode data) throws MeasureException {
    String type = data.path("resultType").asText("");
    JsonNode result = data.path("result");
    switch (type) {
      case "scalar":
        return DoubleNode.valueOf(sample(result, "scalar"));
      case "vector":
        {
          ArrayNode out = JsonNodeFactory.instance.arrayNode();
          for (JsonNode s : list(result, type)) {
            out.add(sample(s.path("value"), "vector sample"));
          }
          return out;
        }
      case "matrix":
        {
          ArrayNode out = JsonNodeFactory.instance.arrayNode();
          for (JsonNode series : list(result, type)) {
            for (JsonNode point : list(series.path("values"), "matrix series values")) {
              out.add(sample(point, "matrix sample"));
            }
          }
          return out;
        }
      default:
        throw new MeasureException(
            "Prometheus metric type not supported: resultType \"" + type + "\"");
    }
  }

  private static List<JsonNode> list(JsonNode node, String what) throws MeasureException {
    if (!node.isArray()) {
      throw new MeasureException("Prometheus answered a " + what + " that is not a list");
    }
    List<JsonNode> out = new ArrayList<>(node.size());
    node.forEach(out::add);
    return out;
  }

  /** A {@code [timestamp, "value"]} pair's value; Prometheus writes values as strings. */
  private static double sample(JsonNode pair, String what) throws MeasureException {
    if (!pair.isArray() || pair.size() != 2 || !pair.get(1).isTextual()) {
      throw new MeasureException(
          "Prometheus answered a " + what + " that is not [time, \"value\"]: " + pair);
    }
    String v = pair.get(1).textValue();
    switch (v) {
      case "NaN":
        return Double.NaN;
      case "+Inf", "Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new MeasureException(
              "Prometheus answered a " + what + " whose value is not a number: \"" + v + "\"");
        }
    }
  }

  private static String warnings(JsonNode warnings) {
    List<String> out = new ArrayList<>();
    warnings.forEach(w -> out.add("\"" + w.asText() + "\""));
    return String.join(", ", out);
  }

  /** The value as Argo writes it: {@code 0.5}, {@code [1,NaN,+Inf]}. */
  static String text(JsonNode value) {
    if (value.isArray()) {
      List<String> parts = new ArrayList<>();
      value.forEach(v -> parts.add(goFloat(v.doubleValue())));
      return "[" + String.join(",", parts) + "]";
    }
    return goFloat(value.doubleValue());
  }

  /**
   * Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: the fewest digits that read back as {@code
   * v}, no exponent, no trailing zeros.
   */
  static String goFloat(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return (1 / v < 0) ? "-0" : "0";
    }
    BigDecimal exact = new BigDecimal(v);
    for (int digits = 1; digits < 17; digits++) {
      BigDecimal shortest = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (shortest.doubleValue() == v) {
        return shortest.stripTrailingZeros().toPlainString();
      }
    }
    return exact
        .round(new MathContext(17, RoundingMode.HALF_EVEN))
        .stripTrailingZeros()
        .toPlainString();
  }
}
