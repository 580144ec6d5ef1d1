package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.CanaryStrategy;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutSpec;
import dev.ramp.engine.model.TrafficRouting;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a Rollout spec before anything is touched. Every problem names the field and the value;
 * all problems found are reported together, joined by "; ". Public only for {@link #validate},
 * which `ramp lint` runs on files, so that lint and the controller never disagree.
 */
public final class SpecCheck {
  private static final String CANARY = "spec.strategy.canary";

  private SpecCheck() {}

  /** A spec that passed: the parsed steps and resolved surge limits. */
  record Valid(int replicas, List<Step> steps, ReplicaMath.Limits limits) {}

  /** One problem: the field path (e.g. {@code spec.strategy.canary.steps[1].setWeight}) and why. */
  public record Problem(String field, String message) {
    static Problem of(String error) {
      int colon = error.indexOf(": ");
      return colon < 0
          ? new Problem("", error)
          : new Problem(error.substring(0, colon), error.substring(colon + 2));
    }
  }

  /**
   * Every problem the controller would report for this Rollout as an InvalidSpec condition, except
   * that Services are not looked up (there is no cluster to look in); empty when it is valid.
   */
  public static List<Problem> validate(Rollout rollout) {
    List<String> errors = new ArrayList<>();
    collect(rollout, null, errors);
    return errors.stream().map(Problem::of).toList();
  }

  /**
   * The fields of a Rollout document beside its spec ({@code apiVersion}, {@code kind}, {@code
   * metadata}, {@code status}) that are unknown, each named with the nearest known one.
   */
  public static List<Problem> topLevel(JsonNode document) {
    return SchemaCheck.topLevel(document).stream().map(Problem::of).toList();
  }

  static Valid check(Rollout rollout, Set<String> services) {
    List<String> errors = new ArrayList<>();
    Valid valid = collect(rollout, services, errors);
    if (!errors.isEmpty()) {
      throw new InvalidSpecException(String.join("; ", errors));
    }
    return valid;
  }

  /**
   * The spec as written, against the CRD schema first: a typo or a wrong type is named at its
   * field, and nothing is read from fields Jackson coerced or left out. False when it is missing or
   * misshapen (its problems added).
   */
  private static boolean shaped(RolloutSpec spec, List<String> errors) {
    if (spec == null) {
      errors.add("spec: missing");
      return false;
    }
    List<String> shape =
        SchemaCheck.spec(spec.written() != null ? spec.written() : Json.tree(spec));
    errors.addAll(shape);
    return shape.isEmpty();
  }

  /** Adds every problem found to {@code errors}; null {@code services} skips the Service check. */
  private static Valid collect(Rollout rollout, Set<String> services, List<String> errors) {
    RolloutSpec spec = rollout.getSpec();
    if (!shaped(spec, errors)) {
      return null;
    }
    int replicas = spec.replicas == null ? 1 : spec.replicas;
    if (replicas < 0) {
      errors.add("spec.replicas: " + replicas + " is negative");
    }
    if (spec.workloadRef != null) {
      errors.add(
          "spec.workloadRef: workload references are not supported by Ramp; "
              + "put the pod template in spec.template");
    }
    checkSelector(spec, errors);
    PodTemplateCheck.check(spec.template, errors);
    checkTimes(spec, errors);
    if (spec.revisionHistoryLimit != null && spec.revisionHistoryLimit < 0) {
      errors.add("spec.revisionHistoryLimit: " + spec.revisionHistoryLimit + " is negative");
    }
    checkHistoryLimits(spec, errors);
    if (spec.restartAt != null && !RestartPods.isTime(spec.restartAt)) {
      errors.add("spec.restartAt: \"" + spec.restartAt + "\" is not an RFC 3339 time");
    }
    List<Step> steps = List.of();
    ReplicaMath.Limits limits = null;
    if (spec.strategy != null && spec.strategy.blueGreen != null) {
      if (spec.strategy.canary != null) {
        errors.add("spec.strategy: set either canary or blueGreen, not both");
      }
      BlueGreenCheck.check(spec.strategy.blueGreen, services, errors);
      RoleMetadataCheck.checkBlueGreen(spec, errors);
      // Blue-green has no surge or unavailability: the old pods serve until the switch.
      limits = new ReplicaMath.Limits(replicas, 0);
    } else if (spec.strategy == null || spec.strategy.canary == null) {
      errors.add("spec.strategy: missing; set spec.strategy.canary or spec.strategy.blueGreen");
    } else {
      CanaryStrategy c = spec.strategy.canary;
      try {
        limits = ReplicaMath.Limits.of(c.maxSurge, c.maxUnavailable, replicas, CANARY);
      } catch (InvalidSpecException e) {
        errors.add(e.getMessage());
      }
      steps = checkSteps(c, errors);
      checkCanaryFields(c, steps, services, errors);
      RoleMetadataCheck.checkCanary(spec, errors);
    }
    return new Valid(replicas, steps, limits);
  }

  private static void checkTimes(RolloutSpec spec, List<String> errors) {
    if (spec.minReadySeconds != null && spec.minReadySeconds < 0) {
      errors.add("spec.minReadySeconds: " + spec.minReadySeconds + " is negative");
    }
    if (spec.progressDeadlineSeconds != null) {
      int min = spec.minReadySeconds == null ? 0 : spec.minReadySeconds;
      if (spec.progressDeadlineSeconds <= min) {
        errors.add(
            "spec.progressDeadlineSeconds: "
                + spec.progressDeadlineSeconds
                + " must be greater than spec.minReadySeconds ("
                + min
                + ")");
      }
    }
  }

  private static List<Step> checkSteps(CanaryStrategy c, List<String> errors) {
    List<Step> steps = new ArrayList<>();
    if (c.steps == null) {
      return steps;
    }
    int maxWeight = maxWeight(c);
    for (int i = 0; i < c.steps.size(); i++) {
      String field = CANARY + ".steps[" + i + "]";
      try {
        Step step = Steps.parse(c.steps.get(i), field, maxWeight);
        steps.add(step);
        if (!step.accept(Executed.STEPS)) {
          errors.add(
              field
                  + "."
                  + step.kind()
                  + ": "
                  + step.kind()
                  + " steps are not supported by this controller version yet; remove the step");
        }
      } catch (InvalidSpecException e) {
        errors.add(e.getMessage());
      }
    }
    return steps;
  }

  private static void checkCanaryFields(
      CanaryStrategy c, List<Step> steps, Set<String> services, List<String> errors) {
    if (c.trafficRouting == null) {
      refuseUnrouted(c, steps, errors);
    } else {
      checkRouting(c.trafficRouting, errors);
      checkRoutedCanary(c, steps, errors);
    }
    checkExecuted(c, errors);
    if (c.analysis != null) {
      AnalysisSpecs.checkBackground(
          c.analysis, c.steps == null ? 0 : c.steps.size(), CANARY + ".analysis", errors);
    }
    if (c.pingPong != null) {
      errors.add(CANARY + ".pingPong: not supported by Ramp; remove it");
    }
    if (c.canaryService != null && c.canaryService.equals(c.stableService)) {
      errors.add(
          CANARY
              + ".canaryService: \""
              + c.canaryService
              + "\" is also the stableService; use two different Services");
    }
    checkService(c.canaryService, CANARY + ".canaryService", services, errors);
    checkService(c.stableService, CANARY + ".stableService", services, errors);
  }

  /** The steps and fields that need a traffic router, refused without one (as in Argo). */
  private static void refuseUnrouted(CanaryStrategy c, List<Step> steps, List<String> errors) {
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (step instanceof Step.SetCanaryScale
          || step instanceof Step.SetHeaderRoute
          || step instanceof Step.SetMirrorRoute) {
        errors.add(
            CANARY
                + ".steps["
                + i
                + "]."
                + step.kind()
                + ": requires "
                + CANARY
                + ".trafficRouting (as in Argo Rollouts)");
      }
    }
    if (Boolean.TRUE.equals(c.dynamicStableScale)) {
      errors.add(CANARY + ".dynamicStableScale: requires " + CANARY + ".trafficRouting");
    }
    if (c.scaleDownDelaySeconds != null) {
      errors.add(CANARY + ".scaleDownDelaySeconds: requires " + CANARY + ".trafficRouting");
    }
    if (c.abortScaleDownDelaySeconds != null) {
      errors.add(CANARY + ".abortScaleDownDelaySeconds: requires " + CANARY + ".trafficRouting");
    }
    if (c.minPodsPerReplicaSet != null) {
      errors.add(CANARY + ".minPodsPerReplicaSet: requires " + CANARY + ".trafficRouting");
    }
    if (c.scaleDownDelayRevisionLimit != null) {
      errors.add(CANARY + ".scaleDownDelayRevisionLimit: requires " + CANARY + ".trafficRouting");
    }
  }

  /** Fields this version models but does not drive: refused, never accepted and held. */
  private static void checkExecuted(CanaryStrategy c, List<String> errors) {
    for (String field : Executed.notExecutedFields(c)) {
      int colon = field.indexOf(": ");
      errors.add(
          CANARY
              + "."
              + field.substring(0, colon)
              + ": "
              + field.substring(colon + 2)
              + " is not supported by this controller version yet; remove it");
    }
  }

  private static void checkHistoryLimits(RolloutSpec spec, List<String> errors) {
    if (spec.analysis == null) {
      return;
    }
    Integer ok = spec.analysis.successfulRunHistoryLimit;
    Integer bad = spec.analysis.unsuccessfulRunHistoryLimit;
    if (ok != null && ok < 0) {
      errors.add("spec.analysis.successfulRunHistoryLimit: " + ok + " is negative");
    }
    if (bad != null && bad < 0) {
      errors.add("spec.analysis.unsuccessfulRunHistoryLimit: " + bad + " is negative");
    }
  }

  /** The whole weights are out of: {@code trafficRouting.maxTrafficWeight}, else 100. */
  static int maxWeight(CanaryStrategy c) {
    return c.trafficRouting != null
            && c.trafficRouting.maxTrafficWeight != null
            && c.trafficRouting.maxTrafficWeight > 0
        ? c.trafficRouting.maxTrafficWeight
        : 100;
  }

  /** The fields that only mean something with a router, as Argo validates them. */
  private static void checkRoutedCanary(CanaryStrategy c, List<Step> steps, List<String> errors) {
    if (c.canaryService == null || c.stableService == null) {
      errors.add(
          CANARY
              + ".trafficRouting: set both canaryService and stableService; routers move traffic"
              + " between those two Services");
    }
    if (Boolean.TRUE.equals(c.dynamicStableScale) && c.scaleDownDelaySeconds != null) {
      errors.add(
          CANARY
              + ".dynamicStableScale: cannot be used with scaleDownDelaySeconds (stable scales"
              + " down with its traffic, so there is nothing to delay)");
    }
    nonNegative(c.scaleDownDelaySeconds, CANARY + ".scaleDownDelaySeconds", errors);
    nonNegative(c.abortScaleDownDelaySeconds, CANARY + ".abortScaleDownDelaySeconds", errors);
    nonNegative(c.scaleDownDelayRevisionLimit, CANARY + ".scaleDownDelayRevisionLimit", errors);
    if (c.minPodsPerReplicaSet != null && c.minPodsPerReplicaSet < 1) {
      errors.add(CANARY + ".minPodsPerReplicaSet: " + c.minPodsPerReplicaSet + " is below 1");
    }
    Set<String> routes = new java.util.HashSet<>();
    if (c.trafficRouting.managedRoutes != null) {
      for (int i = 0; i < c.trafficRouting.managedRoutes.size(); i++) {
        var route = c.trafficRouting.managedRoutes.get(i);
        String field = CANARY + ".trafficRouting.managedRoutes[" + i + "].name";
        if (route == null || route.name == null || route.name.isBlank()) {
          errors.add(field + ": a route name is required");
        } else if (!routes.add(route.name)) {
          errors.add(field + ": \"" + route.name + "\" is listed twice");
        }
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      String name =
          steps.get(i) instanceof Step.SetHeaderRoute h
              ? h.name()
              : steps.get(i) instanceof Step.SetMirrorRoute m ? m.name() : null;
      if (name != null && !routes.contains(name)) {
        errors.add(
            CANARY
                + ".steps["
                + i
                + "]."
                + steps.get(i).kind()
                + ".name: \""
                + name
                + "\" is not in "
                + CANARY
                + ".trafficRouting.managedRoutes; list it there (the order there is the routes'"
                + " precedence)");
      }
    }
  }

  private static void nonNegative(Integer value, String field, List<String> errors) {
    if (value != null && value < 0) {
      errors.add(field + ": " + value + " is negative");
    }
  }

  private static void checkRouting(TrafficRouting t, List<String> errors) {
    if (t.maxTrafficWeight != null && t.maxTrafficWeight < 1) {
      errors.add(
          CANARY + ".trafficRouting.maxTrafficWeight: " + t.maxTrafficWeight + " is below 1");
    }
    boolean builtInOnly =
        t.istio != null
            || t.nginx != null
            || t.alb != null
            || t.smi != null
            || t.ambassador != null
            || t.appMesh != null
            || t.traefik != null
            || t.apisix != null;
    if ((t.plugins == null || t.plugins.isEmpty()) && !builtInOnly) {
      errors.add(
          CANARY
              + ".trafficRouting.plugins: no router; name at least one router plugin (org/name)"
              + " configured under trafficRouterPlugins in the plugin ConfigMap");
    }
    Map<String, JsonNode> builtIn = new LinkedHashMap<>();
    builtIn.put("istio", t.istio);
    builtIn.put("nginx", t.nginx);
    builtIn.put("alb", t.alb);
    builtIn.put("smi", t.smi);
    builtIn.put("ambassador", t.ambassador);
    builtIn.put("appMesh", t.appMesh);
    builtIn.put("traefik", t.traefik);
    builtIn.put("apisix", t.apisix);
    builtIn.forEach(
        (name, value) -> {
          if (value != null) {
            errors.add(
                CANARY
                    + ".trafficRouting."
                    + name
                    + ": Argo's built-in "
                    + name
                    + " router is not supported by Ramp; use a router plugin under "
                    + CANARY
                    + ".trafficRouting.plugins");
          }
        });
    if (t.plugins != null) {
      for (String name : t.plugins.keySet()) {
        if (!name.matches("[a-z0-9]([-a-z0-9._]*[a-z0-9])?/[a-z0-9]([-a-z0-9._]*[a-z0-9])?")) {
          errors.add(
              CANARY + ".trafficRouting.plugins: \"" + name + "\" is not of the form org/name");
        }
      }
    }
  }

  private static void checkService(
      String name, String field, Set<String> services, List<String> errors) {
    if (name != null && services != null && !services.contains(name)) {
      errors.add(field + ": Service \"" + name + "\" not found in the Rollout's namespace");
    }
  }

  private static void checkSelector(RolloutSpec spec, List<String> errors) {
    if (spec.template == null || !spec.template.isObject()) {
      errors.add("spec.template: missing; set the pod template");
    }
    LabelSelector sel = spec.selector;
    boolean empty =
        sel == null
            || ((sel.getMatchLabels() == null || sel.getMatchLabels().isEmpty())
                && (sel.getMatchExpressions() == null || sel.getMatchExpressions().isEmpty()));
    if (empty) {
      errors.add(
          "spec.selector: missing; set matchLabels that match " + "spec.template.metadata.labels");
      return;
    }
    Map<String, String> labels = templateLabels(spec.template);
    if (!matches(sel, labels)) {
      errors.add(
          "spec.selector: "
              + Labels.describe(sel)
              + " does not match spec.template.metadata.labels "
              + labels);
    }
  }

  static Map<String, String> templateLabels(JsonNode template) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (template != null) {
      template
          .path("metadata")
          .path("labels")
          .fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    }
    return labels;
  }

  static boolean matches(LabelSelector sel, Map<String, String> labels) {
    if (sel.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : sel.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (sel.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : sel.getMatchExpressions()) {
        String v = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> v != null && values.contains(v);
              case "NotIn" -> v == null || !values.contains(v);
              case "Exists" -> v != null;
              case "DoesNotExist" -> v == null;
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }
}
