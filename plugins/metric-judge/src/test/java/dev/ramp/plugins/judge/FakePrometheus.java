package dev.ramp.plugins.judge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ramp.plugin.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Prometheus' {@code /api/v1/query_range} (and {@code /api/v1/query}, {@link
 * #counters}) on 127.0.0.1, for unit tests: a range query that contains a version's hash answers
 * that version's values, one per step from the window's start (null: no point at that step);
 * anything else answers no series. Real Prometheus is in the ITs.
 */
final class FakePrometheus implements AutoCloseable {
  final HttpServer server;
  final Map<String, Double[]> byVersion = new ConcurrentHashMap<>();
  final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  volatile int status = 200;
  volatile String body;

  /** Instant queries ({@code /api/v1/query}): by exact query, each series' value by its pod. */
  final Map<String, Map<String, Double>> counters = new ConcurrentHashMap<>();

  FakePrometheus() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/query_range", this::answer);
    server.createContext("/api/v1/query", this::answer);
    server.start();
  }

  String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void answer(HttpExchange ex) throws IOException {
    Map<String, String> form = new LinkedHashMap<>();
    String text = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    for (String pair : text.split("&")) {
      String[] kv = pair.split("=", 2);
      form.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    requests.add(form);
    String out =
        body != null
            ? body
            : ex.getRequestURI().getPath().endsWith("query_range") ? matrix(form) : vector(form);
    byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(bytes);
    }
  }

  private String matrix(Map<String, String> form) {
    BigDecimal start = new BigDecimal(form.get("start"));
    BigDecimal step = new BigDecimal(form.get("step"));
    var result = Json.MAPPER.createArrayNode();
    byVersion.forEach(
        (version, values) -> {
          if (!form.get("query").contains(version)) {
            return;
          }
          var series = result.addObject();
          series.putObject("metric").put("version", version);
          var points = series.putArray("values");
          for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
              var p = points.addArray();
              p.add(start.add(step.multiply(BigDecimal.valueOf(i))).doubleValue());
              p.add(values[i].isNaN() ? "NaN" : BigDecimal.valueOf(values[i]).toPlainString());
            }
          }
        });
    var root = Json.MAPPER.createObjectNode().put("status", "success");
    root.putObject("data").put("resultType", "matrix").set("result", result);
    return root.toString();
  }

  private String vector(Map<String, String> form) {
    var result = Json.MAPPER.createArrayNode();
    counters
        .getOrDefault(form.get("query"), Map.of())
        .forEach(
            (pod, value) -> {
              var series = result.addObject();
              series.putObject("metric").put("pod", pod);
              series
                  .putArray("value")
                  .add(new BigDecimal(form.get("time")).doubleValue())
                  .add(BigDecimal.valueOf(value).toPlainString());
            });
    var root = Json.MAPPER.createObjectNode().put("status", "success");
    root.putObject("data").put("resultType", "vector").set("result", result);
    return root.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
