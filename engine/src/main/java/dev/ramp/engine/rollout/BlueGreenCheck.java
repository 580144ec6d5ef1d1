package dev.ramp.engine.rollout;

import dev.ramp.engine.model.BlueGreenStrategy;
import java.util.List;
import java.util.Set;

/**
 * Validates {@code spec.strategy.blueGreen}: the Services (required active, existing, two different
 * ones), the numbers, and the fields Ramp refuses rather than accept and ignore: {@code
 * maxUnavailable}, and any canary field or unknown field written under blueGreen. The metadata by
 * role and {@code antiAffinity} are checked by {@link RoleMetadataCheck}.
 */
final class BlueGreenCheck {
  static final String BLUE_GREEN = "spec.strategy.blueGreen";

  /** Canary fields a blue-green Rollout may carry by mistake (Argo's CanaryStrategy names). */
  private static final Set<String> CANARY_FIELDS =
      Set.of(
          "steps",
          "canaryService",
          "stableService",
          "trafficRouting",
          "analysis",
          "maxSurge",
          "dynamicStableScale",
          "canaryMetadata",
          "stableMetadata",
          "minPodsPerReplicaSet",
          "pingPong");

  private BlueGreenCheck() {}

  static void check(BlueGreenStrategy b, Set<String> services, List<String> errors) {
    if (b.activeService == null || b.activeService.isBlank()) {
      errors.add(BLUE_GREEN + ".activeService: missing; name the Service that takes the traffic");
    }
    if (b.activeService != null && b.activeService.equals(b.previewService)) {
      errors.add(
          BLUE_GREEN
              + ".previewService: \""
              + b.previewService
              + "\" is also the activeService; use two different Services");
    }
    service(b.activeService, BLUE_GREEN + ".activeService", services, errors);
    service(b.previewService, BLUE_GREEN + ".previewService", services, errors);
    nonNegative(b.previewReplicaCount, "previewReplicaCount", errors);
    nonNegative(b.autoPromotionSeconds, "autoPromotionSeconds", errors);
    nonNegative(b.scaleDownDelaySeconds, "scaleDownDelaySeconds", errors);
    nonNegative(b.scaleDownDelayRevisionLimit, "scaleDownDelayRevisionLimit", errors);
    nonNegative(b.abortScaleDownDelaySeconds, "abortScaleDownDelaySeconds", errors);
    if (b.previewReplicaCount != null && b.previewReplicaCount == 0) {
      errors.add(BLUE_GREEN + ".previewReplicaCount: 0 leaves nothing to preview; use at least 1");
    }
    refuse(
        b.maxUnavailable != null,
        "maxUnavailable",
        "not supported by Ramp for blue-green (the old ReplicaSet stays at full size until"
            + " its scale-down deadline); remove it",
        errors);
    b.otherFields
        .keySet()
        .forEach(
            name ->
                errors.add(
                    BLUE_GREEN
                        + "."
                        + name
                        + (CANARY_FIELDS.contains(name)
                            ? ": a canary field; blue-green has no " + name + ", remove it"
                            : ": unknown field; remove it")));
    if (b.prePromotionAnalysis != null) {
      AnalysisSpecs.check(b.prePromotionAnalysis, BLUE_GREEN + ".prePromotionAnalysis", errors);
    }
    if (b.postPromotionAnalysis != null) {
      AnalysisSpecs.check(b.postPromotionAnalysis, BLUE_GREEN + ".postPromotionAnalysis", errors);
    }
  }

  private static void refuse(boolean set, String name, String why, List<String> errors) {
    if (set) {
      errors.add(BLUE_GREEN + "." + name + ": " + why);
    }
  }

  private static void nonNegative(Integer value, String name, List<String> errors) {
    if (value != null && value < 0) {
      errors.add(BLUE_GREEN + "." + name + ": " + value + " is negative");
    }
  }

  private static void service(
      String name, String field, Set<String> services, List<String> errors) {
    if (name != null && !name.isBlank() && services != null && !services.contains(name)) {
      errors.add(field + ": Service \"" + name + "\" not found in the Rollout's namespace");
    }
  }
}
