package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a Rollout's canary steps say: which they are, the weight they set, one step as text. */
final class CanarySteps {

  private CanarySteps() {}

  /** The canary steps of the spec; empty without a canary strategy or steps. */
  static List<CanaryStep> of(Rollout r) {
    RolloutSpec spec = r.getSpec();
    if (spec == null
        || spec.strategy == null
        || spec.strategy.canary == null
        || spec.strategy.canary.steps == null) {
      return List.of();
    }
    return spec.strategy.canary.steps;
  }

  /** The status's current step index (0-based), 0 when the status has none. */
  static int currentIndex(Rollout r) {
    return r.getStatus() == null || r.getStatus().currentStepIndex == null
        ? 0
        : r.getStatus().currentStepIndex;
  }

  /** The weight the steps before the current one set; 100 once all steps are done. */
  static int setWeight(List<CanaryStep> steps, int index) {
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
      return "setCanaryScale: " + canaryScale(s.setCanaryScale);
    }
    if (s.plugin != null) {
      return "plugin: " + s.plugin.name;
    }
    Map<String, JsonNode> others = new LinkedHashMap<>();
    others.put("analysis", s.analysis == null ? null : Json.tree(s.analysis));
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

  private static String durationText(Object value) {
    return value instanceof Integer seconds ? seconds + "s" : String.valueOf(value);
  }
}
