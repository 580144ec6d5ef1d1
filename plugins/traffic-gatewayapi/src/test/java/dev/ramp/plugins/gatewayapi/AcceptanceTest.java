package dev.ramp.plugins.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcceptanceTest {

  static final String ROUTE = "HTTPRoute shop/checkout";
  static final String CONTROLLER = "example.com/gateway-controller";

  static RouteParentStatus parent(String name, Condition... conditions) {
    ParentReference ref = new ParentReference();
    ref.setName(name);
    ref.setNamespace("gateways");
    ref.setSectionName("https");
    return new RouteParentStatus(List.of(conditions), CONTROLLER, ref);
  }

  static Condition condition(String type, String status, long generation, String reason) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withObservedGeneration(generation)
        .withReason(reason)
        .withMessage(reason.equals("Accepted") ? "" : "see the gateway's logs")
        .withLastTransitionTime("2026-11-30T12:00:00Z")
        .build();
  }

  @Test
  void everyParentAcceptedAtTheCurrentGenerationIsCaughtUp() {
    assertThat(
            Acceptance.lagging(
                ROUTE,
                "shop",
                4L,
                List.of(
                    parent("public", condition("Accepted", "True", 4, "Accepted")),
                    parent(
                        "internal",
                        condition("Accepted", "True", 4, "Accepted"),
                        condition("ResolvedRefs", "True", 4, "ResolvedRefs")))))
        .isEmpty();
  }

  @Test
  void aParentBehindTheGenerationIsNamed() {
    assertThat(
            Acceptance.lagging(
                ROUTE,
                "shop",
                4L,
                List.of(
                    parent("public", condition("Accepted", "True", 4, "Accepted")),
                    parent("internal", condition("Accepted", "True", 3, "Accepted")))))
        .containsExactly(
            "parent Gateway gateways/internal (section https) of controller"
                + " example.com/gateway-controller has acted on generation 3 of HTTPRoute"
                + " shop/checkout, which is at generation 4 (not caught up yet)");
  }

  @Test
  void aParentThatRefusedOrCannotResolveTheBackendsIsNamedWithItsReason() {
    assertThat(
            Acceptance.lagging(
                ROUTE,
                "shop",
                4L,
                List.of(
                    parent("public", condition("Accepted", "False", 4, "NotAllowedByListeners")),
                    parent(
                        "internal",
                        condition("Accepted", "True", 4, "Accepted"),
                        condition("ResolvedRefs", "False", 4, "BackendNotFound")),
                    parent("edge"))))
        .containsExactly(
            "parent Gateway gateways/public (section https) of controller"
                + " example.com/gateway-controller did not accept HTTPRoute shop/checkout:"
                + " Accepted is False (NotAllowedByListeners: see the gateway's logs)",
            "parent Gateway gateways/internal (section https) of controller"
                + " example.com/gateway-controller cannot resolve the backends of HTTPRoute"
                + " shop/checkout (BackendNotFound: see the gateway's logs)",
            "parent Gateway gateways/edge (section https) of controller"
                + " example.com/gateway-controller has not yet written an Accepted condition for"
                + " HTTPRoute shop/checkout");
  }
}
