package dev.ramp.plugins.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugins.gatewayapi.GatewayApiConfig.NamedRoute;
import org.junit.jupiter.api.Test;

class GatewayApiConfigTest {

  private static GatewayApiConfig parse(String json) {
    return GatewayApiConfig.parse(Json.parse(json), "shop");
  }

  @Test
  void argosFormsAreRead() {
    GatewayApiConfig config =
        parse(
            """
            {"httpRoute": "checkout",
             "httpRoutes": [{"name": "checkout-internal", "useHeaderRoutes": true},
                            {"name": "checkout-admin"}],
             "grpcRoute": "cart",
             "grpcRoutes": [{"name": "cart-internal", "useHeaderRoutes": false}]}
            """);

    assertThat(config.namespace()).isEqualTo("shop");
    assertThat(config.routes())
        .containsExactly(
            new NamedRoute(RouteKind.HTTP, "checkout", true, "httpRoute"),
            new NamedRoute(RouteKind.HTTP, "checkout-internal", true, "httpRoutes[0].name"),
            new NamedRoute(RouteKind.HTTP, "checkout-admin", false, "httpRoutes[1].name"),
            new NamedRoute(RouteKind.GRPC, "cart", true, "grpcRoute"),
            new NamedRoute(RouteKind.GRPC, "cart-internal", false, "grpcRoutes[0].name"));
    assertThat(config.selectors()).isEmpty();
  }

  @Test
  void theNamespaceIsTheConfigsElseTheRollouts() {
    assertThat(parse("{\"httpRoute\": \"a\", \"namespace\": \"edge\"}").namespace())
        .isEqualTo("edge");
    assertThatThrownBy(() -> GatewayApiConfig.parse(Json.parse("{\"httpRoute\": \"a\"}"), ""))
        .hasMessageStartingWith("namespace: is required");
  }

  @Test
  void aSelectorTakesMatchLabelsAndMatchExpressions() {
    GatewayApiConfig config =
        parse(
            """
            {"httpRouteSelector": {"matchLabels": {"app": "checkout"},
               "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}],
               "useHeaderRoutes": true}}
            """);

    assertThat(config.selectors())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.kind()).isEqualTo(RouteKind.HTTP);
              assertThat(s.useHeaderRoutes()).isTrue();
              assertThat(s.selector().getMatchLabels()).containsEntry("app", "checkout");
              assertThat(s.selector().getMatchExpressions())
                  .singleElement()
                  .satisfies(e -> assertThat(e.getValues()).containsExactly("web"));
            });
  }

  @Test
  void badConfigsAreRefusedNamingTheField() {
    assertRefused("{}", "config: names no route: give httpRoute, httpRoutes, httpRouteSelector");
    assertRefused("[1]", "config: must be an object such as {\"httpRoute\": \"my-route\"}");
    assertRefused(
        "{\"httpRoute\": \"a\", \"weight\": 3}",
        "weight: unknown field; the fields are httpRoute, httpRoutes, httpRouteSelector,"
            + " grpcRoute, grpcRoutes, grpcRouteSelector, namespace");
    assertRefused("{\"httpRoute\": \"\"}", "httpRoute: must be a non-empty string");
    assertRefused("{\"httpRoute\": 7}", "httpRoute: must be a non-empty string");
    assertRefused(
        "{\"httpRoutes\": [{\"useHeaderRoutes\": true}]}",
        "httpRoutes[0].name: is required: the HTTPRoute's name");
    assertRefused(
        "{\"httpRoutes\": [{\"name\": \"a\", \"useHeaderRoute\": true}]}",
        "httpRoutes[0].useHeaderRoute: unknown field; the fields are name, useHeaderRoutes");
    assertRefused(
        "{\"httpRoutes\": [{\"name\": \"a\", \"useHeaderRoutes\": \"yes\"}]}",
        "httpRoutes[0].useHeaderRoutes: must be true or false");
    assertRefused("{\"grpcRoutes\": []}", "grpcRoutes: must be a non-empty list");
    assertRefused(
        "{\"httpRouteSelector\": {}}",
        "httpRouteSelector: needs matchLabels or matchExpressions: an empty selector would take"
            + " every HTTPRoute in the namespace");
    assertRefused(
        "{\"httpRouteSelector\": {\"matchExpressions\": [{\"key\": \"a\", \"operator\": \"in\"}]}}",
        "httpRouteSelector.matchExpressions[0].operator: must be one of In, NotIn, Exists,"
            + " DoesNotExist, was in");
  }

  @Test
  void argosFieldsThatRampDoesNotTakeSayWhy() {
    assertRefused(
        "{\"tcpRoute\": \"a\"}",
        "tcpRoute: TCPRoutes and TLSRoutes are not supported by this plugin (HTTPRoute and"
            + " GRPCRoute only)");
    assertRefused(
        "{\"httpRoute\": \"a\", \"disableInProgressLabel\": true}",
        "disableInProgressLabel: Ramp does not label routes while a canary is in progress");
  }

  private static void assertRefused(String json, String message) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(message);
  }
}
