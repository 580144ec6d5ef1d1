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
      out.add(parse(steps.get(i), "spec.strategy.canary.steps[" + i + "]"));
    }
    return out;
  }

  static Step parse(CanaryStep s, String field) {
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
    return typed(kinds.get(0), s, field);
  }

  /** The typed step of a wire step that sets exactly {@code kind}, validated. */
  private static Step typed(String kind, CanaryStep s, String field) {
    switch (kind) {
      case "setWeight":
        return new Step.SetWeight(percent(s.setWeight, field + ".setWeight"));
      case "pause":
        return new Step.Pause(
            s.pause.duration == null
                ? null
                : Durations.parse(s.pause.duration, field + ".pause.duration"));
      case "setCanaryScale":
        CanaryStep.SetCanaryScaleStep sc = s.setCanaryScale;
        if (sc.weight != null) percent(sc.weight, field + ".setCanaryScale.weight");
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
        requireName(s.setHeaderRoute, field + ".setHeaderRoute.name");
        return new Step.SetHeaderRoute(s.setHeaderRoute);
      case "setMirrorRoute":
        requireName(s.setMirrorRoute, field + ".setMirrorRoute.name");
        return new Step.SetMirrorRoute(s.setMirrorRoute);
      case "plugin":
        String name = s.plugin.name;
        if (name == null || !name.matches(NAME_PATTERN + "/" + NAME_PATTERN)) {
          throw new InvalidSpecException(
              field
                  + ".plugin.name: \""
                  + name
                  + "\" is not of the form org/name (for example ramp.dev/step-webhook)");
        }
        return new Step.Plugin(name, s.plugin.config);
      default:
        throw new InvalidSpecException(
            field + ".experiment: experiment steps are not supported by Ramp; remove the step");
    }
  }

  private static int percent(int value, String field) {
    if (value < 0 || value > 100) {
      throw new InvalidSpecException(field + ": " + value + " is outside 0-100");
    }
    return value;
  }

  private static void requireName(com.fasterxml.jackson.databind.JsonNode node, String field) {
    if (!node.path("name").isTextual() || node.path("name").asText().isBlank()) {
      throw new InvalidSpecException(field + ": a route name is required");
    }
  }
}
