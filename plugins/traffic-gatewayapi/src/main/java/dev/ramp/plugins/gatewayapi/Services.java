package dev.ramp.plugins.gatewayapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.InvalidConfigException;

/**
 * The Rollout's canary and stable Services ({@code spec.strategy.canary.canaryService} and {@code
 * stableService}): the backends whose weights this plugin sets. Their selectors carry the pod
 * template hashes, which Ramp's controller keeps up to date; the routes only name them.
 */
record Services(String canary, String stable) {

  static final String CANARY_FIELD = "spec.strategy.canary.canaryService";
  static final String STABLE_FIELD = "spec.strategy.canary.stableService";

  static Services of(JsonNode rollout) {
    JsonNode canary = rollout == null ? null : rollout.path("spec").path("strategy").path("canary");
    String canaryService = text(canary, "canaryService");
    String stableService = text(canary, "stableService");
    if (canaryService == null) {
      throw new InvalidConfigException(
          CANARY_FIELD,
          "is required by the Gateway API router: the Service the routes send the canary's share"
              + " to");
    }
    if (stableService == null) {
      throw new InvalidConfigException(
          STABLE_FIELD,
          "is required by the Gateway API router: the Service the routes send the stable share"
              + " to");
    }
    if (canaryService.equals(stableService)) {
      throw new InvalidConfigException(
          CANARY_FIELD,
          "and " + STABLE_FIELD + " are both '" + canaryService + "'; they must be two Services");
    }
    return new Services(canaryService, stableService);
  }

  private static String text(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.path(field);
    return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
  }
}
