package dev.ramp.plugins.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderMatch;
import dev.ramp.plugin.api.TrafficRouting.MatchType;
import dev.ramp.plugin.api.TrafficRouting.StringMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GRPCRoute in, GRPCRoute out: the same weights and header rules as HTTPRoute's. */
class GrpcRouteEditsTest {

  static final String CART = Fixtures.text("cart.yaml");

  static final Services SERVICES = new Services("cart-canary", "cart-stable");

  private final GrpcRouteEdits edits = GrpcRouteEdits.INSTANCE;

  @Test
  void weightsAreSetInTheRulesHoldingBothServicesOnly() {
    GRPCRoute before = Fixtures.grpc(CART);

    GRPCRoute after = edits.setWeight(before, SERVICES, new DesiredWeight(30, 1000, List.of()));

    GRPCRoute expected = Fixtures.grpc(CART);
    expected.getSpec().getRules().get(0).getBackendRefs().get(0).setWeight(970);
    expected.getSpec().getRules().get(0).getBackendRefs().get(1).setWeight(30);
    assertThat(Fixtures.tree(after)).isEqualTo(Fixtures.tree(expected));
    assertThat(before).isEqualTo(Fixtures.grpc(CART));
  }

  @Test
  void aHeaderRouteIsANamedRuleWithTheMethodMatchesAndTheHeaders() {
    GRPCRoute after =
        edits.setHeaderRoute(
            edits.setWeight(Fixtures.grpc(CART), SERVICES, new DesiredWeight(30, 1000, List.of())),
            SERVICES,
            "canary-header",
            List.of(new HeaderMatch("x-canary", new StringMatch(MatchType.EXACT, "yes"))),
            List.of("canary-header"));

    Fixtures.assertRoute(after, "cart-weight-30-of-1000-header.yaml");
    assertThat(
            edits
                .setHeaderRoute(
                    after,
                    SERVICES,
                    "canary-header",
                    List.of(new HeaderMatch("x-canary", new StringMatch(MatchType.PREFIX, "y.s"))),
                    List.of("canary-header"))
                .getSpec()
                .getRules()
                .get(0)
                .getMatches()
                .get(0)
                .getHeaders())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.getType()).isEqualTo("RegularExpression");
              assertThat(h.getValue()).isEqualTo("^y\\.s.*");
            });
    assertThat(edits.removeRules(after, List.of("canary-header")).getSpec().getRules())
        .extracting("name")
        .containsExactly("carts", "health");
  }
}
