package dev.ramp.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way Ramp names a canary step to people: "step 3 of 5 (plugin ramp/step-webhook)", counted
 * from 1, in every message, Event, table, history line and view. Argo's status fields ({@code
 * currentStepIndex}, {@code stepPluginStatuses[].index}) count from 0; they are the only place that
 * does.
 */
public final class StepText {
  private StepText() {}

  /** "step 3 of 5 (plugin ramp/step-webhook)" for the step at this 0-based index. */
  public static String label(int index, List<CanaryStep> steps) {
    String what = index >= 0 && index < steps.size() ? " (" + describe(steps.get(index)) + ")" : "";
    return "step " + (index + 1) + " of " + steps.size() + what;
  }

  /** "3 of 5": the step at this 0-based index, counted as people count. */
  public static String number(int index, int total) {
    return (index + 1) + " of " + total;
  }

  /**
   * One step as a short phrase: "setWeight 20", "pause 30s", "pause until promoted", "plugin
   * ramp/step-webhook", "analysis success-rate", "setCanaryScale weight 50", "setHeaderRoute
   * header-route".
   */
  public static String describe(CanaryStep s) {
    if (s.setWeight != null) {
      return "setWeight " + s.setWeight;
    }
    if (s.pause != null) {
      return s.pause.duration == null ? "pause until promoted" : "pause " + pauseText(s.pause);
    }
    if (s.plugin != null) {
      return "plugin " + s.plugin.name;
    }
    if (s.analysis != null) {
      List<String> names = new ArrayList<>();
      if (s.analysis.templates != null) {
        s.analysis.templates.forEach(t -> names.add(t.templateName));
      }
      return names.isEmpty() ? "analysis" : "analysis " + String.join(", ", names);
    }
    if (s.setCanaryScale != null) {
      return "setCanaryScale " + canaryScale(s.setCanaryScale);
    }
    if (s.setHeaderRoute != null) {
      return "setHeaderRoute " + routeName(s.setHeaderRoute);
    }
    if (s.setMirrorRoute != null) {
      return "setMirrorRoute " + routeName(s.setMirrorRoute);
    }
    return s.experiment != null ? "experiment" : "empty step";
  }

  /** A pause's duration as written: a number is seconds ("30s"), text is Go's ("1h30m"). */
  private static String pauseText(CanaryStep.PauseStep p) {
    Object v = p.duration.getValue();
    return v instanceof Integer seconds ? seconds + "s" : String.valueOf(v);
  }

  private static String canaryScale(CanaryStep.SetCanaryScaleStep scale) {
    List<String> parts = new ArrayList<>();
    if (scale.weight != null) {
      parts.add("weight " + scale.weight);
    }
    if (scale.replicas != null) {
      parts.add("replicas " + scale.replicas);
    }
    if (Boolean.TRUE.equals(scale.matchTrafficWeight)) {
      parts.add("matchTrafficWeight");
    }
    return String.join(", ", parts);
  }

  /** The route's name; "removed" when the step has no match (it takes the route away). */
  private static String routeName(JsonNode route) {
    String name = route.path("name").asText("");
    JsonNode match = route.path("match");
    boolean removes = !match.isArray() || match.isEmpty();
    return (name.isEmpty() ? "(no name)" : name) + (removes ? " removed" : "");
  }
}
