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

  static final String CART =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GRPCRoute
      metadata: {name: cart, namespace: shop}
      spec:
        parentRefs: [{name: public, namespace: gateways}]
        rules:
          - name: carts
            matches:
              - method: {service: shop.Cart, method: Get}
            backendRefs:
              - {name: cart-stable, port: 9090, weight: 100}
              - {name: cart-canary, port: 9090, weight: 0}
          - name: health
            matches:
              - method: {service: grpc.health.v1.Health}
            backendRefs:
              - {name: cart-stable, port: 9090}
      """;

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
            Fixtures.grpc(CART),
            SERVICES,
            "canary-header",
            List.of(new HeaderMatch("x-canary", new StringMatch(MatchType.PREFIX, "yes"))),
            List.of("canary-header"));

    GRPCRoute expected =
        Fixtures.grpc(
            CART.replace(
                "    - name: carts\n",
                """
                    - name: canary-header
                      matches:
                        - method: {service: shop.Cart, method: Get}
                          headers: [{name: x-canary, type: RegularExpression, value: '^yes.*'}]
                      backendRefs:
                        - {name: cart-canary, port: 9090}
                    - name: carts
                """));
    assertThat(Fixtures.tree(after)).isEqualTo(Fixtures.tree(expected));
    assertThat(edits.removeRules(after, List.of("canary-header"))).isEqualTo(Fixtures.grpc(CART));
  }
}
