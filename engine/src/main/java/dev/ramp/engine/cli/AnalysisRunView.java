package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.AnalysisRunStatus.Measurement;
import dev.ramp.engine.model.AnalysisRunStatus.MetricResult;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The text of {@code ramp get analysisrun}: one run whole (phase, message, times, args, and each
 * metric with its counters, metadata and measurements). An arg taken from a Secret shows where it
 * comes from, never a value. Pure, as {@link RolloutView} is.
 */
final class AnalysisRunView {

  private final Ansi ansi;
  private final Instant now;
  private final StringBuilder out = new StringBuilder();

  private AnalysisRunView(boolean colour, Instant now) {
    this.ansi = new Ansi(colour);
    this.now = now;
  }

  /**
   * Renders a run as lines of text.
   *
   * @param colour whether to use ANSI colours
   * @param now the time ages are measured against
   */
  static String render(AnalysisRun run, boolean colour, Instant now) {
    AnalysisRunView view = new AnalysisRunView(colour, now);
    view.header(run);
    view.args(run);
    for (MetricResult m : AnalysisRunTable.results(run)) {
      view.metric(m);
    }
    view.pending(run);
    return view.out.toString();
  }

  /**
   * The run as an object for {@code -o json|yaml}, with the value of every arg taken from a Secret
   * left out (a run's args hold references, but a value beside one is not printed either).
   */
  static JsonNode object(AnalysisRun run) {
    JsonNode tree = Serialization.jsonMapper().valueToTree(run);
    for (JsonNode arg : tree.path("spec").path("args")) {
      if (arg.path("valueFrom").has("secretKeyRef") && arg instanceof ObjectNode o) {
        o.remove("value");
      }
    }
    return tree;
  }

  /** An arg's value, or where it comes from: {@code valueFrom secret NAME/KEY} for a Secret. */
  static String argValue(AnalysisArgument arg) {
    AnalysisArgument.ValueFrom from = arg.valueFrom;
    if (from == null) {
      return arg.value == null ? "(no value)" : arg.value;
    }
    if (from.secretKeyRef != null) {
      return "valueFrom secret " + ref(from.secretKeyRef);
    }
    if (from.configMapKeyRef != null) {
      return "valueFrom configMap " + ref(from.configMapKeyRef);
    }
    if (from.fieldRef != null) {
      return "valueFrom field " + nz(from.fieldRef.fieldPath);
    }
    if (from.podTemplateHashValue != null) {
      return "valueFrom podTemplateHash " + from.podTemplateHashValue;
    }
    return "valueFrom (empty)";
  }

  private void header(AnalysisRun run) {
    AnalysisRunStatus st = run.getStatus() == null ? new AnalysisRunStatus() : run.getStatus();
    field("Name", ansi.paint(Ansi.BOLD, run.getMetadata().getName()));
    field("Namespace", run.getMetadata().getNamespace());
    String owner = controller(run);
    if (owner != null) {
      field("Owner", owner);
    }
    Map<String, String> labels = run.getMetadata().getLabels();
    if (labels != null && !labels.isEmpty()) {
      field("Labels", pairs(labels));
    }
    String phase = AnalysisRunTable.phase(run);
    field("Status", ansi.paint(AnalysisRunTable.colour(phase), phase));
    if (st.message != null && !st.message.isEmpty()) {
      field("Message", st.message);
    }
    if (run.getSpec() != null && Boolean.TRUE.equals(run.getSpec().terminate)) {
      field("Terminate", "requested (spec.terminate)");
    }
    time("StartedAt", st.startedAt);
    time("CompletedAt", st.completedAt);
    if (st.runSummary != null) {
      field("Summary", summary(st.runSummary));
    }
    if (st.dryRunSummary != null) {
      field("DryRun", summary(st.dryRunSummary));
    }
  }

  private void args(AnalysisRun run) {
    List<AnalysisArgument> args = run.getSpec() == null ? null : run.getSpec().args;
    if (args == null || args.isEmpty()) {
      return;
    }
    out.append('\n').append(ansi.paint(Ansi.BOLD, "Args:")).append('\n');
    TextTable table = new TextTable("NAME", "VALUE");
    for (AnalysisArgument a : args) {
      table.add(null, nz(a.name), argValue(a));
    }
    table.appendTo(out, "  ", ansi);
  }

  private void metric(MetricResult m) {
    String phase = m.phase == null ? "Pending" : m.phase;
    out.append('\n')
        .append(ansi.paint(Ansi.BOLD, "Metric " + nz(m.name) + ":"))
        .append(' ')
        .append(ansi.paint(AnalysisRunTable.colour(phase), phase))
        .append(Boolean.TRUE.equals(m.dryRun) ? " (dry run)" : "")
        .append('\n');
    if (m.message != null && !m.message.isEmpty()) {
      indented("Message", m.message);
    }
    indented(
        "Counters",
        "count "
            + orZero(m.count)
            + ", successful "
            + orZero(m.successful)
            + ", failed "
            + orZero(m.failed)
            + ", inconclusive "
            + orZero(m.inconclusive)
            + ", error "
            + orZero(m.error)
            + ", consecutiveError "
            + orZero(m.consecutiveError)
            + ", consecutiveSuccess "
            + orZero(m.consecutiveSuccess));
    if (m.metadata != null && !m.metadata.isEmpty()) {
      indented("Metadata", pairs(m.metadata));
    }
    List<Measurement> ms = m.measurements == null ? List.of() : m.measurements;
    if (ms.isEmpty()) {
      indented("Measured", "not yet");
      return;
    }
    out.append("  Measurements:\n");
    TextTable table = new TextTable("PHASE", "VALUE", "STARTED", "FINISHED", "MESSAGE", "METADATA");
    for (Measurement x : ms) {
      String p = nz(x.phase);
      table.add(
          AnalysisRunTable.colour(p),
          p,
          nz(x.value).replace('\n', ' '),
          nz(x.startedAt),
          x.finishedAt != null
              ? x.finishedAt
              : x.resumeAt != null ? "resumes " + x.resumeAt : "(running)",
          nz(x.message).replace('\n', ' '),
          x.metadata == null ? "" : pairs(x.metadata));
    }
    table.appendTo(out, "    ", ansi);
  }

  /** The spec's metrics that have no result yet. */
  private void pending(AnalysisRun run) {
    for (AnalysisRunTable.Metric m : AnalysisRunTable.metrics(run)) {
      boolean hasResult =
          AnalysisRunTable.results(run).stream().anyMatch(r -> Objects.equals(r.name, m.name()));
      if (!hasResult) {
        out.append('\n')
            .append(ansi.paint(Ansi.BOLD, "Metric " + m.name() + ":"))
            .append(" Pending\n");
        indented("Measured", "not yet");
      }
    }
  }

  private static String controller(AnalysisRun run) {
    for (OwnerReference o : run.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(o.getController())) {
        return o.getKind() + " " + o.getName();
      }
    }
    return null;
  }

  private static String summary(AnalysisRunStatus.RunSummary s) {
    return orZero(s.count)
        + " metrics: successful "
        + orZero(s.successful)
        + ", failed "
        + orZero(s.failed)
        + ", inconclusive "
        + orZero(s.inconclusive)
        + ", error "
        + orZero(s.error);
  }

  private void time(String name, String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return;
    }
    String age = TimeText.ageOf(timestamp, now);
    field(name, age.isEmpty() ? timestamp : timestamp + " (" + age + " ago)");
  }

  private void field(String name, String value) {
    out.append(String.format("%-13s", name + ":")).append(value).append('\n');
  }

  private void indented(String name, String value) {
    out.append("  ").append(String.format("%-11s", name + ":")).append(value).append('\n');
  }

  private static String pairs(Map<String, String> map) {
    return map.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static String ref(AnalysisArgument.KeyRef ref) {
    return nz(ref.name) + "/" + nz(ref.key);
  }

  private static String nz(String value) {
    return value == null ? "" : value;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
