package dev.ramp.plugins.judge;

import dev.ramp.plugin.api.Json;
import java.util.stream.IntStream;

/** Configs and samples for the judge's unit tests. */
final class Specs {
  private Specs() {}

  /** A valid config with the given top-level fields merged in (JSON object members). */
  static JudgeConfig config(String extra, String... metrics) {
    return JudgeConfig.parse(Json.parse(configJson(extra, metrics)));
  }

  static String configJson(String extra, String... metrics) {
    StringBuilder m = new StringBuilder();
    for (String metric : metrics) {
      m.append(m.length() == 0 ? "" : ",").append(metric);
    }
    return "{\"address\":\"http://127.0.0.1:9\",\"canary\":\"c4n4ry\",\"stable\":\"st4ble\""
        + (extra.isEmpty() ? "" : "," + extra)
        + ",\"metrics\":["
        + m
        + "]}";
  }

  /** A metric named {@code name} with its query and the given fields. */
  static String metric(String name, String fields) {
    return "{\"name\":\""
        + name
        + "\",\"query\":\"sum(rate(errors_total{hash=\\\"${version}\\\"}[1m]))\""
        + (fields.isEmpty() ? "" : "," + fields)
        + "}";
  }

  /** The spec of one metric with these fields. */
  static JudgeConfig.MetricSpec spec(String fields) {
    return config("", metric("m", fields)).metrics().get(0);
  }

  /** from, from + 1, ..., from + n - 1. */
  static double[] range(double from, int n) {
    return IntStream.range(0, n).mapToDouble(i -> from + i).toArray();
  }

  static double[] constant(double v, int n) {
    return IntStream.range(0, n).mapToDouble(i -> v).toArray();
  }
}
