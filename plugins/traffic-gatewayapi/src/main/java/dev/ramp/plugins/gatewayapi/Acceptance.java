package dev.ramp.plugins.gatewayapi;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the Gateway implementations have taken a route's current spec, from its {@code
 * status.parents}: each parent's controller writes an {@code Accepted} condition with the {@code
 * observedGeneration} it acted on. A parent has caught up when that condition is True for the
 * route's current {@code metadata.generation} (and no {@code ResolvedRefs} condition of that
 * generation is False: a backend it cannot resolve gets no traffic).
 */
final class Acceptance {

  private Acceptance() {}

  /**
   * What keeps the route's parents from having taken its current generation, one text per parent;
   * empty when every parent has. A route without parents is the caller's to judge.
   */
  static List<String> lagging(
      String route, String namespace, Long generation, List<RouteParentStatus> parents) {
    List<String> problems = new ArrayList<>();
    for (RouteParentStatus parent : parents) {
      String who = describe(parent, namespace);
      Condition accepted = condition(parent, "Accepted");
      if (accepted == null) {
        problems.add(who + " has not yet written an Accepted condition for " + route);
        continue;
      }
      if (generation != null && !generation.equals(accepted.getObservedGeneration())) {
        problems.add(
            who
                + " has acted on generation "
                + accepted.getObservedGeneration()
                + " of "
                + route
                + ", which is at generation "
                + generation
                + " (not caught up yet)");
        continue;
      }
      if (!"True".equals(accepted.getStatus())) {
        problems.add(
            who
                + " did not accept "
                + route
                + ": Accepted is "
                + accepted.getStatus()
                + reason(accepted));
        continue;
      }
      Condition resolved = condition(parent, "ResolvedRefs");
      if (resolved != null
          && "False".equals(resolved.getStatus())
          && (generation == null || generation.equals(resolved.getObservedGeneration()))) {
        problems.add(who + " cannot resolve the backends of " + route + reason(resolved));
      }
    }
    return problems;
  }

  private static Condition condition(RouteParentStatus parent, String type) {
    if (parent.getConditions() == null) {
      return null;
    }
    return parent.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static String reason(Condition condition) {
    String reason = condition.getReason() == null ? "" : condition.getReason();
    String message = condition.getMessage() == null ? "" : condition.getMessage();
    if (reason.isEmpty() && message.isEmpty()) {
      return "";
    }
    return " (" + reason + (reason.isEmpty() || message.isEmpty() ? "" : ": ") + message + ")";
  }

  /** "parent Gateway shop/public (section https) of controller example.com/gateway". */
  static String describe(RouteParentStatus parent, String routeNamespace) {
    ParentReference ref = parent.getParentRef();
    StringBuilder text = new StringBuilder("parent ");
    if (ref == null) {
      text.append("(no parentRef)");
    } else {
      text.append(ref.getKind() == null ? "Gateway" : ref.getKind())
          .append(' ')
          .append(ref.getNamespace() == null ? routeNamespace : ref.getNamespace())
          .append('/')
          .append(ref.getName());
      if (ref.getSectionName() != null) {
        text.append(" (section ").append(ref.getSectionName()).append(')');
      }
      if (ref.getPort() != null) {
        text.append(" (port ").append(ref.getPort()).append(')');
      }
    }
    if (parent.getControllerName() != null) {
      text.append(" of controller ").append(parent.getControllerName());
    }
    return text.toString();
  }
}
