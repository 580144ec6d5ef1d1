package dev.ramp.plugins.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the sequential judge carries from look to look, in the measurement's metadata (key {@link
 * #KEY}, JSON), so that the plugin keeps nothing itself: the test's start, the looks, the
 * e-process, the counts it has consumed, the increments waiting for the next interval with traffic
 * at both versions, and each counter series' last value (to difference the next look against,
 * resets included).
 *
 * @param startedAt the test's start, epoch milliseconds; the horizon counts from it
 * @param warm whether both versions reached {@code minRequests}: from then on every look counts
 * @param used the counts consumed by the e-process
 * @param pending the counts since the last consumed interval
 * @param last each counter's series values at the last look
 * @param outcome empty while running, else "Failed" or "Successful"
 */
record SequentialState(
    long startedAt,
    int looks,
    boolean warm,
    EProcess process,
    Counts used,
    Counts pending,
    Snapshot last,
    String outcome) {

  static final String KEY = "judge.sequential.state";

  /** Requests and errors of both versions. */
  record Counts(long canaryRequests, long canaryErrors, long stableRequests, long stableErrors) {
    static final Counts ZERO = new Counts(0, 0, 0, 0);

    Counts plus(Counts o) {
      return new Counts(
          canaryRequests + o.canaryRequests,
          canaryErrors + o.canaryErrors,
          stableRequests + o.stableRequests,
          stableErrors + o.stableErrors);
    }
  }

  /** The four counters' series values at one look, by series labels. */
  record Snapshot(
      Map<String, Double> canaryRequests,
      Map<String, Double> canaryErrors,
      Map<String, Double> stableRequests,
      Map<String, Double> stableErrors) {

    /** The integer increase of each counter from {@code before} to this snapshot. */
    Counts since(Snapshot before) {
      return new Counts(
          increase(before.canaryRequests, canaryRequests),
          increase(before.canaryErrors, canaryErrors),
          increase(before.stableRequests, stableRequests),
          increase(before.stableErrors, stableErrors));
    }
  }

  static SequentialState start(long startedAt, boolean twoSided, Snapshot baseline) {
    return new SequentialState(
        startedAt, 0, false, EProcess.start(twoSided), Counts.ZERO, Counts.ZERO, baseline, "");
  }

  boolean finished() {
    return !outcome.isEmpty();
  }

  /**
   * The increase of a counter summed over its series, in whole units. A series whose value fell was
   * reset (its process restarted): its increase is its new value, counted from 0. A series new
   * since the last look counts from 0; a series gone counts nothing more. NaN values count nothing.
   */
  static long increase(Map<String, Double> before, Map<String, Double> now) {
    double sum = 0;
    for (Map.Entry<String, Double> e : now.entrySet()) {
      double v = e.getValue();
      if (Double.isNaN(v)) {
        continue;
      }
      Double b = before.get(e.getKey());
      if (b == null || Double.isNaN(b) || v < b) {
        sum += v;
      } else {
        sum += v - b;
      }
    }
    return Math.round(sum);
  }

  String toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("v", 1).put("startedAt", startedAt).put("looks", looks).put("warm", warm);
    o.put("twoSided", process.twoSided()).put("outcome", outcome);
    var lr = o.putArray("logLr");
    for (double x : process.logLr()) {
      lr.add(x);
    }
    o.set("used", Json.MAPPER.valueToTree(used));
    o.set("pending", Json.MAPPER.valueToTree(pending));
    o.set("last", Json.MAPPER.valueToTree(last));
    return o.toString();
  }

  /** The state in this metadata, or null when it has none (or one this version cannot read). */
  static SequentialState from(Map<String, String> metadata) {
    String text = metadata == null ? null : metadata.get(KEY);
    if (text == null) {
      return null;
    }
    try {
      JsonNode o = Json.parse(text);
      if (o.path("v").asInt() != 1) {
        return null;
      }
      JsonNode lr = o.path("logLr");
      double[] logLr = new double[lr.size()];
      for (int i = 0; i < logLr.length; i++) {
        logLr[i] = lr.get(i).asDouble();
      }
      return new SequentialState(
          o.path("startedAt").asLong(),
          o.path("looks").asInt(),
          o.path("warm").asBoolean(),
          EProcess.of(o.path("twoSided").asBoolean(), logLr),
          Json.MAPPER.treeToValue(o.path("used"), Counts.class),
          Json.MAPPER.treeToValue(o.path("pending"), Counts.class),
          snapshot(o.path("last")),
          o.path("outcome").asText(""));
    } catch (PluginException | IllegalArgumentException | java.io.IOException e) {
      return null;
    }
  }

  private static Snapshot snapshot(JsonNode n) {
    return new Snapshot(
        values(n.path("canaryRequests")),
        values(n.path("canaryErrors")),
        values(n.path("stableRequests")),
        values(n.path("stableErrors")));
  }

  private static Map<String, Double> values(JsonNode n) {
    Map<String, Double> out = new TreeMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble(Double.NaN)));
    return out;
  }

  /**
   * The newest state of this metric in the AnalysisRun's status (a measurement before this one: an
   * Error that interrupted the test, or the test's end), or null. A new measurement continues the
   * same test rather than starting another: restarting an e-process would spend α again.
   */
  static SequentialState inRun(JsonNode analysisRun, String metric) {
    if (analysisRun == null || metric == null) {
      return null;
    }
    for (JsonNode result : analysisRun.path("status").path("metricResults")) {
      if (!metric.equals(result.path("name").asText())) {
        continue;
      }
      JsonNode ms = result.path("measurements");
      for (int i = ms.size() - 1; i >= 0; i--) {
        JsonNode md = ms.get(i).path("metadata");
        if (md.has(KEY)) {
          return from(Map.of(KEY, md.path(KEY).asText()));
        }
      }
    }
    return null;
  }
}
