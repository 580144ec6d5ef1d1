package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.model.RolloutSpec;
import dev.ramp.engine.model.RolloutStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The text of {@code ramp get rollout}: the rollout, its current step, its revisions and their
 * ReplicaSets, step plugin statuses and conditions. Pure: the same arguments give the same text, so
 * `ramp demo` and tests render it too.
 */
public final class RolloutView {

  private static final String RESET = "\u001b[0m";
  private static final String BOLD = "\u001b[1m";
  private static final String DIM = "\u001b[2m";
  private static final String RED = "\u001b[31m";
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String BLUE = "\u001b[34m";

  private final boolean colour;
  private final Instant now;
  private final StringBuilder out = new StringBuilder();

  private RolloutView(boolean colour, Instant now) {
    this.colour = colour;
    this.now = now;
  }

  /**
   * Renders a Rollout and its ReplicaSets (those it owns; any order) as lines of text.
   *
   * @param colour whether to use ANSI colours (on a terminal, without NO_COLOR)
   * @param now the time ages and remaining pauses are measured against
   */
  public static String render(
      Rollout rollout, List<ReplicaSet> replicaSets, boolean colour, Instant now) {
    RolloutView view = new RolloutView(colour, now);
    view.rollout(rollout, replicaSets);
    return view.out.toString();
  }

  /** Whether standard output should get colours: a terminal, and NO_COLOR not set. */
  public static boolean colourWanted() {
    String noColour = System.getenv("NO_COLOR");
    return System.console() != null && (noColour == null || noColour.isEmpty());
  }

  private void rollout(Rollout r, List<ReplicaSet> replicaSets) {
    RolloutSpec spec = r.getSpec() == null ? new RolloutSpec() : r.getSpec();
    RolloutStatus st = r.getStatus() == null ? new RolloutStatus() : r.getStatus();
    field("Name", paint(BOLD, r.getMetadata().getName()));
    field("Namespace", r.getMetadata().getNamespace());
    String phase = st.phase == null ? "Unknown" : st.phase;
    field("Status", paint(phaseColour(phase), phase));
    if (st.message != null && !st.message.isEmpty()) {
      field("Message", st.message);
    }
    if (st.observedGeneration != null
        && r.getMetadata().getGeneration() != null
        && st.observedGeneration < r.getMetadata().getGeneration()) {
      field(
          "Generation",
          paint(
              YELLOW,
              r.getMetadata().getGeneration()
                  + " (the controller has seen "
                  + st.observedGeneration
                  + ")"));
    }
    boolean canary = spec.strategy != null && spec.strategy.canary != null;
    field("Strategy", canary ? "Canary" : spec.strategy == null ? "none" : "not canary");
    if (canary) {
      steps(spec, st);
    }
    if (Boolean.TRUE.equals(spec.paused)) {
      field("Paused", paint(YELLOW, "by spec.paused (ramp resume to continue)"));
    }
    field(
        "Replicas",
        "desired "
            + (spec.replicas == null ? 1 : spec.replicas)
            + ", current "
            + orZero(st.replicas)
            + ", updated "
            + orZero(st.updatedReplicas)
            + ", ready "
            + orZero(st.readyReplicas)
            + ", available "
            + orZero(st.availableReplicas));
    out.append('\n');
    tree(r, st, replicaSets);
    stepPlugins(st);
    conditions(st);
  }

  private void steps(RolloutSpec spec, RolloutStatus st) {
    List<CanaryStep> steps =
        spec.strategy.canary.steps == null ? List.of() : spec.strategy.canary.steps;
    int index = st.currentStepIndex == null ? 0 : st.currentStepIndex;
    if (steps.isEmpty()) {
      field("Step", "no steps");
    } else if (index >= steps.size()) {
      field("Step", steps.size() + " of " + steps.size() + " done");
    } else {
      CanaryStep step = steps.get(index);
      field("Step", (index + 1) + " of " + steps.size() + ": " + paint(BOLD, describe(step)));
      String pause = pause(step, st);
      if (pause != null) {
        field("Pause", paint(YELLOW, pause));
      }
    }
    CanaryStatus.TrafficWeights weights = st.canary == null ? null : st.canary.weights;
    if (weights != null && weights.canary != null) {
      int canaryWeight = orZero(weights.canary.weight);
      int stableWeight =
          weights.stable != null ? orZero(weights.stable.weight) : 100 - canaryWeight;
      field("Weight", "canary " + canaryWeight + "%, stable " + stableWeight + "%");
    } else if (!steps.isEmpty()) {
      field("SetWeight", setWeight(steps, index) + "% (no traffic router: by replica counts)");
    }
  }

  /** The current step as "N/M" (1-based; "M/M" when done), or "-" without steps. */
  static String stepColumn(Rollout r) {
    List<CanaryStep> steps = steps(r);
    if (steps.isEmpty()) {
      return "-";
    }
    int index =
        r.getStatus() == null || r.getStatus().currentStepIndex == null
            ? 0
            : r.getStatus().currentStepIndex;
    return Math.min(index + 1, steps.size()) + "/" + steps.size();
  }

  /** The canary's traffic weight: what the router was told, else what the steps set. */
  static int canaryWeight(Rollout r) {
    RolloutStatus st = r.getStatus() == null ? new RolloutStatus() : r.getStatus();
    if (st.canary != null && st.canary.weights != null && st.canary.weights.canary != null) {
      return orZero(st.canary.weights.canary.weight);
    }
    List<CanaryStep> steps = steps(r);
    if (steps.isEmpty()) {
      return "Healthy".equals(st.phase) ? 100 : 0;
    }
    return setWeight(steps, st.currentStepIndex == null ? 0 : st.currentStepIndex);
  }

  /** The current step's manifest text, or null when there is none (done, or no steps). */
  static String currentStep(Rollout r) {
    List<CanaryStep> steps = steps(r);
    int index =
        r.getStatus() == null || r.getStatus().currentStepIndex == null
            ? 0
            : r.getStatus().currentStepIndex;
    return index < steps.size() ? describe(steps.get(index)) : null;
  }

  private static List<CanaryStep> steps(Rollout r) {
    RolloutSpec spec = r.getSpec();
    if (spec == null
        || spec.strategy == null
        || spec.strategy.canary == null
        || spec.strategy.canary.steps == null) {
      return List.of();
    }
    return spec.strategy.canary.steps;
  }

  /** The weight the steps before the current one set; 100 once all steps are done. */
  private static int setWeight(List<CanaryStep> steps, int index) {
    if (index >= steps.size()) {
      return 100;
    }
    int weight = 0;
    for (int i = 0; i < index; i++) {
      if (steps.get(i).setWeight != null) {
        weight = steps.get(i).setWeight;
      }
    }
    return weight;
  }

  /** One step as the manifest writes it, on one line. */
  static String describe(CanaryStep s) {
    if (s.setWeight != null) {
      return "setWeight: " + s.setWeight;
    }
    if (s.pause != null) {
      return s.pause.duration == null
          ? "pause (until promoted)"
          : "pause: " + durationText(s.pause.duration.getValue());
    }
    if (s.setCanaryScale != null) {
      List<String> parts = new ArrayList<>();
      if (s.setCanaryScale.weight != null) {
        parts.add("weight " + s.setCanaryScale.weight);
      }
      if (s.setCanaryScale.replicas != null) {
        parts.add("replicas " + s.setCanaryScale.replicas);
      }
      if (Boolean.TRUE.equals(s.setCanaryScale.matchTrafficWeight)) {
        parts.add("matchTrafficWeight");
      }
      return "setCanaryScale: " + String.join(", ", parts);
    }
    if (s.plugin != null) {
      return "plugin: " + s.plugin.name;
    }
    Map<String, JsonNode> others = new LinkedHashMap<>();
    others.put("analysis", s.analysis);
    others.put("setHeaderRoute", s.setHeaderRoute);
    others.put("setMirrorRoute", s.setMirrorRoute);
    others.put("experiment", s.experiment);
    for (Map.Entry<String, JsonNode> e : others.entrySet()) {
      if (e.getValue() != null) {
        return e.getKey() + ": " + e.getValue();
      }
    }
    return "(empty step)";
  }

  private static String durationText(Object value) {
    return value instanceof Integer seconds ? seconds + "s" : String.valueOf(value);
  }

  /** Why and since when the rollout is paused, and for a timed pause what is left. */
  private String pause(CanaryStep step, RolloutStatus st) {
    if (st.pauseConditions == null || st.pauseConditions.isEmpty()) {
      return null;
    }
    RolloutStatus.PauseCondition c = st.pauseConditions.get(0);
    StringBuilder text = new StringBuilder(c.reason == null ? "paused" : c.reason);
    Instant since = instant(c.startTime);
    if (since != null) {
      text.append(", for ").append(age(since));
      if (step.pause != null && step.pause.duration != null) {
        Duration length = duration(step.pause.duration.getValue());
        if (length != null) {
          Duration left = Duration.between(now, since.plus(length));
          text.append(", ").append(left.isNegative() ? "0s" : compact(left)).append(" left");
        }
      }
    }
    if (step.pause != null && step.pause.duration == null) {
      text.append(" (ramp promote to continue)");
    }
    return text.toString();
  }

  private static Duration duration(Object value) {
    if (value instanceof Integer seconds) {
      return Duration.ofSeconds(seconds);
    }
    try {
      return new DurationConverter().convert(String.valueOf(value));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void tree(Rollout r, RolloutStatus st, List<ReplicaSet> replicaSets) {
    List<String[]> rows = new ArrayList<>();
    List<String> colours = new ArrayList<>();
    rows.add(new String[] {"NAME", "KIND", "READY", "AGE", "INFO"});
    colours.add(DIM);
    rows.add(
        new String[] {
          r.getMetadata().getName(),
          "Rollout",
          orZero(st.readyReplicas)
              + "/"
              + (r.getSpec() == null || r.getSpec().replicas == null ? 1 : r.getSpec().replicas),
          ageOf(r.getMetadata().getCreationTimestamp()),
          st.phase == null ? "" : st.phase
        });
    colours.add(BOLD);
    List<ReplicaSet> sorted = new ArrayList<>(replicaSets);
    sorted.sort(
        Comparator.comparingInt(RolloutView::revision)
            .reversed()
            .thenComparing(rs -> rs.getMetadata().getName()));
    Map<Integer, List<ReplicaSet>> byRevision = new LinkedHashMap<>();
    for (ReplicaSet rs : sorted) {
      byRevision.computeIfAbsent(revision(rs), k -> new ArrayList<>()).add(rs);
    }
    int n = 0;
    for (Map.Entry<Integer, List<ReplicaSet>> e : byRevision.entrySet()) {
      boolean lastRevision = ++n == byRevision.size();
      rows.add(
          new String[] {
            (lastRevision ? "`-- " : "|-- ") + "revision:" + e.getKey(), "", "", "", ""
          });
      colours.add(null);
      List<ReplicaSet> sets = e.getValue();
      for (int i = 0; i < sets.size(); i++) {
        ReplicaSet rs = sets.get(i);
        String role = role(rs, st);
        String ready =
            orZero(rs.getStatus() == null ? null : rs.getStatus().getReadyReplicas())
                + "/"
                + orZero(rs.getSpec() == null ? null : rs.getSpec().getReplicas());
        rows.add(
            new String[] {
              (lastRevision ? "    " : "|   ")
                  + (i == sets.size() - 1 ? "`-- " : "|-- ")
                  + rs.getMetadata().getName(),
              "ReplicaSet",
              ready,
              ageOf(rs.getMetadata().getCreationTimestamp()),
              "hash " + hash(rs) + (role.isEmpty() ? "" : "  " + role)
            });
        colours.add(
            switch (role) {
              case "stable" -> GREEN;
              case "canary" -> YELLOW;
              default -> DIM;
            });
      }
    }
    table(rows, colours, "");
  }

  private static String role(ReplicaSet rs, RolloutStatus st) {
    String hash = hash(rs);
    if (hash.equals(st.stableRS)) {
      return "stable";
    }
    if (hash.equals(st.currentPodHash)) {
      return "canary";
    }
    return orZero(rs.getSpec() == null ? null : rs.getSpec().getReplicas()) == 0
        ? "scaled down"
        : "old";
  }

  private void stepPlugins(RolloutStatus st) {
    // Read through JSON so that fields added to the record later show up as they arrive.
    JsonNode statuses = Json.tree(st).path("canary").path("stepPluginStatuses");
    if (!statuses.isArray() || statuses.isEmpty()) {
      return;
    }
    out.append('\n').append(paint(BOLD, "Step plugins:")).append('\n');
    List<String[]> rows = new ArrayList<>();
    List<String> colours = new ArrayList<>();
    rows.add(new String[] {"STEP", "NAME", "OPERATION", "PHASE", "MESSAGE"});
    colours.add(DIM);
    for (JsonNode s : statuses) {
      String phase = s.path("phase").asText("");
      rows.add(
          new String[] {
            s.has("index") ? String.valueOf(s.path("index").asInt() + 1) : "",
            s.path("name").asText(""),
            s.path("operation").asText(""),
            phase,
            s.path("message").asText("")
          });
      colours.add(
          switch (phase) {
            case "Successful" -> GREEN;
            case "Failed", "Error", "Aborted" -> RED;
            case "Running" -> BLUE;
            default -> null;
          });
    }
    table(rows, colours, "  ");
  }

  private void conditions(RolloutStatus st) {
    if (st.conditions == null || st.conditions.isEmpty()) {
      return;
    }
    out.append('\n').append(paint(BOLD, "Conditions:")).append('\n');
    List<String[]> rows = new ArrayList<>();
    List<String> colours = new ArrayList<>();
    rows.add(new String[] {"TYPE", "STATUS", "REASON", "MESSAGE"});
    colours.add(DIM);
    for (RolloutCondition c : st.conditions) {
      rows.add(
          new String[] {
            nz(c.type), nz(c.status), nz(c.reason), c.message == null ? "" : firstLine(c.message)
          });
      boolean bad = "InvalidSpec".equals(c.type) && "True".equals(c.status);
      colours.add(bad ? RED : null);
    }
    table(rows, colours, "  ");
  }

  private void table(List<String[]> rows, List<String> colours, String indent) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder(indent);
      String[] row = rows.get(r);
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      String text = line.toString().stripTrailing();
      out.append(colours.get(r) == null ? text : paint(colours.get(r), text)).append('\n');
    }
  }

  private void field(String name, String value) {
    out.append(String.format("%-11s", name + ":")).append(value).append('\n');
  }

  private String paint(String code, String text) {
    return colour && code != null ? code + text + RESET : text;
  }

  private static String phaseColour(String phase) {
    return switch (phase) {
      case "Healthy" -> GREEN;
      case "Degraded" -> RED;
      case "Paused" -> YELLOW;
      case "Progressing" -> BLUE;
      default -> null;
    };
  }

  private String ageOf(String timestamp) {
    return ageOf(timestamp, now);
  }

  static String ageOf(String timestamp, Instant now) {
    Instant t = instant(timestamp);
    return t == null
        ? ""
        : compact(Duration.between(t, now).isNegative() ? Duration.ZERO : Duration.between(t, now));
  }

  private String age(Instant since) {
    Duration d = Duration.between(since, now);
    return compact(d.isNegative() ? Duration.ZERO : d);
  }

  /** kubectl's short ages: 45s, 3m10s, 5h2m, 4d3h. */
  static String compact(Duration d) {
    long s = d.getSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    if (s < 86400) {
      return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
    }
    return (s / 86400) + "d" + ((s % 86400) / 3600 == 0 ? "" : ((s % 86400) / 3600) + "h");
  }

  private static Instant instant(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static int revision(ReplicaSet rs) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    String value = a == null ? null : a.get(RolloutLabels.REVISION);
    try {
      return value == null ? 0 : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static String hash(ReplicaSet rs) {
    Map<String, String> labels = rs.getMetadata().getLabels();
    return labels == null
        ? ""
        : Objects.requireNonNullElse(labels.get(RolloutLabels.POD_TEMPLATE_HASH), "");
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static String nz(String value) {
    return value == null ? "" : value;
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
