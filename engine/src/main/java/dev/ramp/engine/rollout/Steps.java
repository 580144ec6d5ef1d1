package dev.ramp.engine.rollout;

import dev.ramp.engine.model.CanaryStep;
import java.util.ArrayList;
import java.util.List;

/** Turns the wire form of steps (one-of objects) into typed {@link Step}s, validating each. */
final class Steps {
  private static final String NAME_PATTERN = "[a-z0-9]([-a-z0-9._]*[a-z0-9])?";

  private Steps() {}

  static List<Step> parse(List<CanaryStep> steps) {
    List<Step> out = new ArrayList<>();
    if (steps == null) {
      return out;
    }
    for (int i = 0; i < steps.size(); i++) {
      out.add(parse(steps.get(i), "spec.strategy.canary.steps[" + i + "]", 100));
    }
    return out;
  }

  /**
   * One step, validated; weights are out of {@code maxWeight} (the traffic router's {@code
   * maxTrafficWeight}, else 100).
   */
  static Step parse(CanaryStep s, String field, int maxWeight) {
    if (s == null) {
      throw new InvalidSpecException(field + ": empty step; set exactly one step kind");
    }
    List<String> kinds = new ArrayList<>();
    if (s.setWeight != null) kinds.add("setWeight");
    if (s.pause != null) kinds.add("pause");
    if (s.setCanaryScale != null) kinds.add("setCanaryScale");
    if (s.analysis != null) kinds.add("analysis");
    if (s.setHeaderRoute != null) kinds.add("setHeaderRoute");
    if (s.setMirrorRoute != null) kinds.add("setMirrorRoute");
    if (s.plugin != null) kinds.add("plugin");
    if (s.experiment != null) kinds.add("experiment");
    if (kinds.isEmpty()) {
      throw new InvalidSpecException(field + ": empty step; set exactly one step kind");
    }
    if (kinds.size() > 1) {
      throw new InvalidSpecException(
          field + ": a step sets exactly one kind, found " + String.join(" and ", kinds));
    }
    return typed(kinds.get(0), s, field, maxWeight);
  }

  /** The typed step of a wire step that sets exactly {@code kind}, validated. */
  private static Step typed(String kind, CanaryStep s, String field, int maxWeight) {
    switch (kind) {
      case "setWeight":
        return new Step.SetWeight(weight(s.setWeight, maxWeight, field + ".setWeight"));
      case "pause":
        return new Step.Pause(
            s.pause.duration == null
                ? null
                : Durations.parse(s.pause.duration, field + ".pause.duration"));
      case "setCanaryScale":
        CanaryStep.SetCanaryScaleStep sc = s.setCanaryScale;
        if (sc.weight != null) weight(sc.weight, maxWeight, field + ".setCanaryScale.weight");
        if (sc.replicas != null && sc.replicas < 0) {
          throw new InvalidSpecException(
              field + ".setCanaryScale.replicas: " + sc.replicas + " is negative");
        }
        return new Step.SetCanaryScale(
            sc.weight, sc.replicas, Boolean.TRUE.equals(sc.matchTrafficWeight));
      case "analysis":
        List<String> problems = new ArrayList<>();
        AnalysisSpecs.check(s.analysis, field + ".analysis", problems);
        if (!problems.isEmpty()) {
          throw new InvalidSpecException(String.join("; ", problems));
        }
        return new Step.Analysis(s.analysis);
      case "setHeaderRoute":
        return RouteSteps.header(s.setHeaderRoute, field + ".setHeaderRoute");
      case "setMirrorRoute":
        return RouteSteps.mirror(s.setMirrorRoute, field + ".setMirrorRoute");
      case "plugin":
        String name = s.plugin.name;
        if (name == null || !name.matches(NAME_PATTERN + "/" + NAME_PATTERN)) {
          throw new InvalidSpecException(
              field
                  + ".plugin.name: \""
                  + name
                  + "\" is not of the form org/name (for example ramp.dev/step-webhook)");
        }
        if (s.plugin.config != null && !s.plugin.config.isNull() && !s.plugin.config.isObject()) {
          throw new InvalidSpecException(
              field
                  + ".plugin.config: must be an object (the plugin's own fields), not "
                  + SchemaCheck.describe(s.plugin.config));
        }
        return new Step.Plugin(name, s.plugin.config);
      default:
        throw new InvalidSpecException(
            field + ".experiment: experiment steps are not supported by Ramp; remove the step");
    }
  }

  private static int weight(int value, int maxWeight, String field) {
    if (value < 0 || value > maxWeight) {
      throw new InvalidSpecException(
          field
              + ": "
              + value
              + " is outside 0-"
              + maxWeight
              + (maxWeight == 100 ? "" : " (trafficRouting.maxTrafficWeight)"));
    }
    return value;
  }
}
