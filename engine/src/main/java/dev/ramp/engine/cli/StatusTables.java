package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.model.StepPluginPhase;

/** The sections of {@code ramp get rollout} under the tree: step plugin statuses and conditions. */
final class StatusTables {

  private StatusTables() {}

  /** "Step plugins:" and one row per step plugin status; nothing when there are none. */
  static void stepPlugins(StringBuilder out, RolloutStatus st, Ansi ansi) {
    // Read through JSON so that fields added to the record later show up as they arrive.
    JsonNode statuses = Json.tree(st).path("canary").path("stepPluginStatuses");
    if (!statuses.isArray() || statuses.isEmpty()) {
      return;
    }
    out.append('\n').append(ansi.paint(Ansi.BOLD, "Step plugins:")).append('\n');
    TextTable table = new TextTable("STEP", "NAME", "OPERATION", "PHASE", "MESSAGE");
    for (JsonNode s : statuses) {
      String phase = s.path("phase").asText("");
      table.add(
          StepPluginPhase.Successful.is(phase)
              ? Ansi.GREEN
              : StepPluginPhase.Running.is(phase)
                  ? Ansi.BLUE
                  : StepPluginPhase.Failed.is(phase) || StepPluginPhase.Error.is(phase)
                      ? Ansi.RED
                      : null,
          s.has("index") ? String.valueOf(s.path("index").asInt() + 1) : "",
          s.path("name").asText(""),
          s.path("operation").asText(""),
          phase,
          s.path("message").asText(""));
    }
    table.appendTo(out, "  ", ansi);
  }

  /** "Conditions:" and one row per condition (a true InvalidSpec in red); nothing without any. */
  static void conditions(StringBuilder out, RolloutStatus st, Ansi ansi) {
    if (st.conditions == null || st.conditions.isEmpty()) {
      return;
    }
    out.append('\n').append(ansi.paint(Ansi.BOLD, "Conditions:")).append('\n');
    TextTable table = new TextTable("TYPE", "STATUS", "REASON", "MESSAGE");
    for (RolloutCondition c : st.conditions) {
      boolean bad = ConditionType.InvalidSpec.name().equals(c.type) && "True".equals(c.status);
      table.add(
          bad ? Ansi.RED : null,
          nz(c.type),
          nz(c.status),
          nz(c.reason),
          c.message == null ? "" : firstLine(c.message));
    }
    table.appendTo(out, "  ", ansi);
  }

  private static String nz(String value) {
    return value == null ? "" : value;
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
