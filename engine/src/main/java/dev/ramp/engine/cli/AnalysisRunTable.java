package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.AnalysisMetric;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.AnalysisRunStatus.Measurement;
import dev.ramp.engine.model.AnalysisRunStatus.MetricResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A Rollout's AnalysisRuns in brief: the "Analysis runs:" section of {@code ramp get rollout} (one
 * row per metric, with its last measurement) and the {@code analysisRuns} of {@code ramp run -o
 * json}. Pure, as {@link RolloutView} is.
 */
final class AnalysisRunTable {

  /**
   * Values longer than this are cut in the table; {@code ramp get analysisrun} shows them whole.
   */
  static final int VALUE_WIDTH = 40;

  /**
   * A measurement's metadata key for a table its provider rendered (the canary judge's per-metric
   * classes); the newest run's tables are printed whole under the runs.
   */
  static final String TABLE = "ramp.dev/table";

  private AnalysisRunTable() {}

  /** "Analysis runs:" and the runs newest first; nothing when there are none. */
  static void section(StringBuilder out, List<AnalysisRun> runs, Instant now, Ansi ansi) {
    if (runs.isEmpty()) {
      return;
    }
    out.append('\n').append(ansi.paint(Ansi.BOLD, "Analysis runs:")).append('\n');
    TextTable table =
        new TextTable("NAME", "PHASE", "AGE", "METRIC", "LAST VALUE", "LAST PHASE", "MESSAGE");
    for (AnalysisRun run : newestFirst(runs)) {
      String phase = phase(run);
      String name = run.getMetadata().getName();
      String age = TimeText.ageOf(run.getMetadata().getCreationTimestamp(), now);
      String message = message(run);
      List<Metric> metrics = metrics(run);
      if (metrics.isEmpty()) {
        table.add(colour(phase), name, phase, age, "", "", "", message);
      }
      for (int i = 0; i < metrics.size(); i++) {
        Metric m = metrics.get(i);
        boolean first = i == 0;
        table.add(
            first ? colour(phase) : null,
            first ? name : "",
            first ? phase : "",
            first ? age : "",
            m.name(),
            cut(m.lastValue()),
            m.lastPhase(),
            first ? message : "");
      }
    }
    table.appendTo(out, "  ", ansi);
    tables(out, runs);
  }

  /** The tables of the newest run's last measurements ({@value #TABLE}), indented, if any. */
  private static void tables(StringBuilder out, List<AnalysisRun> runs) {
    AnalysisRun newest = newestFirst(runs).get(0);
    for (Metric m : metrics(newest)) {
      String text =
          m.last() == null || m.last().metadata == null ? null : m.last().metadata.get(TABLE);
      if (text != null && !text.isBlank()) {
        out.append('\n').append("  ").append(newest.getMetadata().getName()).append(' ');
        out.append(m.name()).append(":\n");
        text.lines().forEach(line -> out.append("    ").append(line).append('\n'));
      }
    }
  }

  /**
   * The runs for {@code ramp run -o json}, newest first: name, phase, message (when there is one)
   * and each metric with its phase and last measurement.
   */
  static ArrayNode summary(List<AnalysisRun> runs) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ArrayNode all = nodes.arrayNode();
    for (AnalysisRun run : newestFirst(runs)) {
      ObjectNode node = all.addObject();
      node.put("name", run.getMetadata().getName());
      node.put("phase", phase(run));
      AnalysisRunStatus st = run.getStatus();
      if (st != null && st.message != null && !st.message.isEmpty()) {
        node.put("message", st.message);
      }
      ArrayNode metrics = node.putArray("metrics");
      for (Metric m : metrics(run)) {
        ObjectNode metric = metrics.addObject();
        metric.put("name", m.name());
        metric.put("phase", m.phase());
        metric.put("measurements", m.measurements());
        if (m.last() != null) {
          metric.put("lastValue", m.last().value);
          metric.put("lastPhase", m.last().phase);
        }
      }
    }
    return all;
  }

  /** A metric of a run as the views show it: from the status, else (none yet) from the spec. */
  record Metric(String name, String phase, int measurements, Measurement last) {
    String lastValue() {
      return last == null || last.value == null ? "" : last.value;
    }

    String lastPhase() {
      return last == null ? "-" : Objects.requireNonNullElse(last.phase, "");
    }
  }

  /** The metrics of the status in its order, then those of the spec not measured yet (Pending). */
  static List<Metric> metrics(AnalysisRun run) {
    List<Metric> metrics = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (MetricResult r : results(run)) {
      List<Measurement> ms = r.measurements == null ? List.of() : r.measurements;
      metrics.add(
          new Metric(
              Objects.requireNonNullElse(r.name, ""),
              Objects.requireNonNullElse(r.phase, "Pending"),
              ms.size(),
              ms.isEmpty() ? null : ms.get(ms.size() - 1)));
      seen.add(r.name);
    }
    if (run.getSpec() != null && run.getSpec().metrics != null) {
      for (AnalysisMetric m : run.getSpec().metrics) {
        if (m.name != null && !seen.contains(m.name)) {
          metrics.add(new Metric(m.name, "Pending", 0, null));
        }
      }
    }
    return metrics;
  }

  static List<MetricResult> results(AnalysisRun run) {
    AnalysisRunStatus st = run.getStatus();
    return st == null || st.metricResults == null ? List.of() : st.metricResults;
  }

  /** The run's phase, Pending before the controller has written one. */
  static String phase(AnalysisRun run) {
    AnalysisRunStatus st = run.getStatus();
    return st == null || st.phase == null || st.phase.isEmpty() ? "Pending" : st.phase;
  }

  /** The colour of a run's or measurement's phase: green, blue, yellow or red; null for none. */
  static String colour(String phase) {
    return switch (phase) {
      case "Successful" -> Ansi.GREEN;
      case "Running" -> Ansi.BLUE;
      case "Inconclusive" -> Ansi.YELLOW;
      case "Failed", "Error" -> Ansi.RED;
      default -> null;
    };
  }

  /** Whether a run has ended: Successful, Failed, Error or Inconclusive. */
  static boolean completed(AnalysisRun run) {
    return List.of("Successful", "Failed", "Error", "Inconclusive").contains(phase(run));
  }

  /** Newest first by creation time, then by name (newest-looking last name first). */
  static List<AnalysisRun> newestFirst(List<AnalysisRun> runs) {
    List<AnalysisRun> sorted = new ArrayList<>(runs);
    sorted.sort(
        Comparator.comparing(
                (AnalysisRun r) ->
                    Objects.requireNonNullElse(r.getMetadata().getCreationTimestamp(), ""))
            .thenComparing(r -> r.getMetadata().getName())
            .reversed());
    return sorted;
  }

  /** The run's message (its first line) unless it is Successful. */
  private static String message(AnalysisRun run) {
    AnalysisRunStatus st = run.getStatus();
    if (st == null || st.message == null || "Successful".equals(phase(run))) {
      return "";
    }
    int newline = st.message.indexOf('\n');
    return newline < 0 ? st.message : st.message.substring(0, newline);
  }

  private static String cut(String value) {
    String oneLine = value.replace('\n', ' ');
    return oneLine.length() <= VALUE_WIDTH
        ? oneLine
        : oneLine.substring(0, VALUE_WIDTH - 3) + "...";
  }
}
