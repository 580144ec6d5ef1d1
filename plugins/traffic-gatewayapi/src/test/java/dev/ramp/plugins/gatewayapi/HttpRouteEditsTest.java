package dev.ramp.plugins.gatewayapi;

import static dev.ramp.plugins.gatewayapi.Fixtures.assertRoute;
import static dev.ramp.plugins.gatewayapi.Fixtures.http;
import static dev.ramp.plugins.gatewayapi.Fixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderMatch;
import dev.ramp.plugin.api.TrafficRouting.MatchType;
import dev.ramp.plugin.api.TrafficRouting.MirrorRoute;
import dev.ramp.plugin.api.TrafficRouting.RouteMatch;
import dev.ramp.plugin.api.TrafficRouting.StringMatch;
import dev.ramp.plugin.api.TrafficRouting.WeightDestination;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HTTPRoute in, HTTPRoute out: the edits as pure functions, compared whole with the fixtures. */
class HttpRouteEditsTest {

  static final Services SERVICES = new Services("checkout-canary", "checkout-stable");
  static final List<String> MANAGED = List.of("canary-header", "mirror-orders");

  static final List<HeaderMatch> HEADERS =
      List.of(
          new HeaderMatch("x-canary", new StringMatch(MatchType.EXACT, "true")),
          new HeaderMatch("x-user", new StringMatch(MatchType.PREFIX, "beta.*")));

  static final MirrorRoute MIRROR =
      new MirrorRoute(
          "mirror-orders",
          100,
          List.of(
              new RouteMatch(
                  new StringMatch(MatchType.EXACT, "POST"),
                  new StringMatch(MatchType.PREFIX, "/api/orders"),
                  Map.of())));

  private final HttpRouteEdits edits = HttpRouteEdits.INSTANCE;

  private static DesiredWeight weight(int weight, int max) {
    return new DesiredWeight(weight, max, List.of());
  }

  @Test
  void setWeightChangesTheCanaryAndStableWeightsOfTheRulesHoldingBothAndNothingElse() {
    HTTPRoute before = http("checkout.yaml");

    HTTPRoute after = edits.setWeight(before, SERVICES, weight(20, 100));

    assertRoute(after, "checkout-weight-20.yaml");
    assertRoute(before, "checkout.yaml");
  }

  @Test
  void stableGetsWhatIsLeftOfMaxTrafficWeight() {
    assertRoute(
        edits.setWeight(http("checkout.yaml"), SERVICES, weight(60, 1000)),
        "checkout-weight-60-of-1000.yaml");
  }

  @Test
  void settingTheWeightThatIsThereChangesNothing() {
    HTTPRoute twenty = http("checkout-weight-20.yaml");

    assertThat(edits.setWeight(twenty, SERVICES, weight(20, 100))).isEqualTo(twenty);
  }

  @Test
  void additionalDestinationsTakeTheirWeightFromTheStable() {
    HTTPRoute after =
        edits.setWeight(
            http("checkout.yaml"),
            SERVICES,
            new DesiredWeight(20, 100, List.of(new WeightDestination("checkout-audit", "h", 5))));

    assertThat(weights(after, "api"))
        .containsExactly(
            Map.entry("checkout-stable", 75),
            Map.entry("checkout-canary", 20),
            Map.entry("checkout-audit", 5));
  }

  @Test
  void anAdditionalDestinationWithoutABackendRefIsRefused() {
    assertThatThrownBy(
            () ->
                edits.setWeight(
                    http("checkout.yaml"),
                    SERVICES,
                    new DesiredWeight(10, 100, List.of(new WeightDestination("exp", "h", 5)))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "additionalDestinations: HTTPRoute shop/checkout rule 1 ('api') holds the canary and"
                + " the stable Service but no backendRef to the additional destination 'exp'; add"
                + " one to the rule (this plugin sets weights, it does not add backends)");
  }

  @Test
  void weightsOutsideMaxTrafficWeightAreRefused() {
    assertThatThrownBy(() -> edits.setWeight(http("checkout.yaml"), SERVICES, weight(101, 100)))
        .hasMessage("weight: 101 is outside 0..100 (maxTrafficWeight)");
    assertThatThrownBy(
            () ->
                edits.setWeight(
                    http("checkout.yaml"),
                    SERVICES,
                    new DesiredWeight(
                        90, 100, List.of(new WeightDestination("checkout-audit", "", 20)))))
        .hasMessageContaining("add up to more than maxTrafficWeight 100");
  }

  @Test
  void aRouteWithoutARuleHoldingBothServicesIsRefusedNamingThem() {
    assertThatThrownBy(
            () ->
                edits.setWeight(
                    http("checkout.yaml"), new Services("cart-canary", "cart"), weight(5, 100)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "trafficRouting: HTTPRoute shop/checkout has no rule with backendRefs to both the"
                + " canary Service 'cart-canary' and the stable Service 'cart'; add both to the"
                + " rules that should carry the canary");
  }

  @Test
  void aBackendRefToAServiceOfAnotherNamespaceOrKindIsNotTheRollouts() {
    HTTPRoute route = http("checkout.yaml");
    HTTPRouteRule api = route.getSpec().getRules().get(1);
    api.getBackendRefs().get(1).setNamespace("elsewhere");

    assertThatThrownBy(() -> edits.setWeight(route, SERVICES, weight(5, 100)))
        .hasMessageContaining("has no rule with backendRefs to both");

    api.getBackendRefs().get(1).setNamespace("shop");
    api.getBackendRefs().get(1).setKind("Service");
    api.getBackendRefs().get(1).setGroup("");
    assertThat(weights(edits.setWeight(route, SERVICES, weight(5, 100)), "api"))
        .containsEntry("checkout-canary", 5);
  }

  @Test
  void weightDifferencesNameTheRuleAndCountAnUnsetWeightAsOne() {
    HTTPRoute route = http("checkout-weight-20.yaml");
    assertThat(edits.weightDifferences(route, SERVICES, weight(20, 100))).isEmpty();
    assertThat(edits.weightDifferences(route, SERVICES, weight(30, 100)))
        .containsExactly(
            "HTTPRoute shop/checkout rule 1 ('api') gives checkout-stable weight 80, not 70 (out"
                + " of 100)",
            "HTTPRoute shop/checkout rule 1 ('api') gives checkout-canary weight 20, not 30 (out"
                + " of 100)");

    route.getSpec().getRules().get(1).getBackendRefs().get(1).setWeight(null);
    assertThat(edits.weightDifferences(route, SERVICES, weight(1, 100)))
        .containsExactly(
            "HTTPRoute shop/checkout rule 1 ('api') gives checkout-stable weight 80, not 99 (out"
                + " of 100)");
  }

  @Test
  void aHeaderRouteIsARuleNamedAfterItBeforeTheRuleItCopies() {
    HTTPRoute before = http("checkout.yaml");

    HTTPRoute after = edits.setHeaderRoute(before, SERVICES, "canary-header", HEADERS, MANAGED);

    assertRoute(after, "checkout-header.yaml");
    assertRoute(before, "checkout.yaml");
    assertThat(edits.setHeaderRoute(after, SERVICES, "canary-header", HEADERS, MANAGED))
        .as("set again: the same route")
        .isEqualTo(after);
  }

  @Test
  void aHeaderRouteWithoutMatchesRemovesItsRuleOnly() {
    HTTPRoute after =
        edits.setHeaderRoute(
            http("checkout-header.yaml"), SERVICES, "canary-header", List.of(), MANAGED);

    assertRoute(after, "checkout.yaml");
  }

  @Test
  void aHeaderMatchByRegexIsARegularExpressionAsGiven() {
    HTTPRoute after =
        edits.setHeaderRoute(
            http("checkout.yaml"),
            SERVICES,
            "canary-header",
            List.of(new HeaderMatch("x-version", new StringMatch(MatchType.REGEX, "v[2-3]"))),
            MANAGED);

    HTTPRouteMatch first = rule(after, "canary-header").getMatches().get(0);
    assertThat(first.getHeaders())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.getName()).isEqualTo("x-version");
              assertThat(h.getType()).isEqualTo("RegularExpression");
              assertThat(h.getValue()).isEqualTo("v[2-3]");
            });
  }

  @Test
  void aSourceRuleWithoutMatchesGivesOneMatchOfTheHeadersAlone() {
    HTTPRoute route = http("checkout.yaml");
    route.getSpec().getRules().get(1).setMatches(List.of());

    HTTPRoute after = edits.setHeaderRoute(route, SERVICES, "canary-header", HEADERS, MANAGED);

    assertThat(rule(after, "canary-header").getMatches())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getPath()).isNull();
              assertThat(m.getHeaders()).extracting("name").containsExactly("x-canary", "x-user");
            });
  }

  @Test
  void managedRulesAreOrderedByManagedRoutesWhicheverIsSetFirst() {
    HTTPRoute mirrorFirst =
        edits.setHeaderRoute(
            edits.setMirrorRoute(http("checkout.yaml"), SERVICES, MIRROR, MANAGED),
            SERVICES,
            "canary-header",
            HEADERS,
            MANAGED);
    HTTPRoute headerFirst =
        edits.setMirrorRoute(
            edits.setHeaderRoute(
                http("checkout.yaml"), SERVICES, "canary-header", HEADERS, MANAGED),
            SERVICES,
            MIRROR,
            MANAGED);

    assertThat(names(mirrorFirst))
        .containsExactly("static", "canary-header", "mirror-orders", "api", "legacy");
    assertThat(mirrorFirst).isEqualTo(headerFirst);
    assertThat(
            names(
                edits.setHeaderRoute(
                    http("checkout.yaml"),
                    SERVICES,
                    "canary-header",
                    HEADERS,
                    List.of("mirror-orders", "canary-header"))))
        .containsExactly("static", "canary-header", "api", "legacy");
  }

  @Test
  void sourceRulesThatDifferCannotShareOneHeaderRule() {
    HTTPRoute route = http("checkout.yaml");
    HTTPRouteRule second = Fixtures.SERIALIZATION.clone(route.getSpec().getRules().get(1));
    second.setName("api-v2");
    second.setFilters(List.of());
    route.getSpec().getRules().add(second);

    assertThatThrownBy(
            () -> edits.setHeaderRoute(route, SERVICES, "canary-header", HEADERS, MANAGED))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "trafficRouting: HTTPRoute shop/checkout: rule 1 ('api') and rule 3 ('api-v2') both"
                + " hold the canary and the stable Service but differ in their filters or other"
                + " settings, and one rule of a header route cannot stand for both; make them"
                + " alike or put them in separate routes");
  }

  @Test
  void alikeSourceRulesShareOneHeaderRuleWithTheMatchesOfBoth() {
    HTTPRoute route = http("checkout.yaml");
    HTTPRouteRule second = Fixtures.SERIALIZATION.clone(route.getSpec().getRules().get(1));
    second.setName("api-v2");
    second.getMatches().get(0).getPath().setValue("/v2/api");
    route.getSpec().getRules().add(second);

    HTTPRoute after = edits.setHeaderRoute(route, SERVICES, "canary-header", HEADERS, MANAGED);

    assertThat(rule(after, "canary-header").getMatches())
        .extracting(m -> m.getPath().getValue())
        .containsExactly("/api", "/api/cart", "/v2/api");
  }

  @Test
  void aMirrorRouteRoutesAsTheSourceRuleAndMirrorsToTheCanary() {
    HTTPRoute before = http("checkout.yaml");

    HTTPRoute after = edits.setMirrorRoute(before, SERVICES, MIRROR, MANAGED);

    assertRoute(after, "checkout-mirror.yaml");
    assertRoute(before, "checkout.yaml");
  }

  @Test
  void aMirrorRouteWithoutMatchesRemovesItsRuleOnly() {
    assertRoute(
        edits.setMirrorRoute(
            http("checkout-mirror.yaml"),
            SERVICES,
            new MirrorRoute("mirror-orders", 100, List.of()),
            MANAGED),
        "checkout.yaml");
  }

  @Test
  void aMirrorRuleFollowsTheWeightsAndRemovingManagedRulesLeavesTheRest() {
    HTTPRoute managed =
        edits.setWeight(
            edits.setMirrorRoute(
                edits.setHeaderRoute(
                    http("checkout.yaml"), SERVICES, "canary-header", HEADERS, MANAGED),
                SERVICES,
                MIRROR,
                MANAGED),
            SERVICES,
            weight(20, 100));

    assertRoute(managed, "checkout-managed-weight-20.yaml");
    assertRoute(edits.removeRules(managed, MANAGED), "checkout-weight-20.yaml");
  }

  @Test
  void removingManagedRulesTouchesNoOtherName() {
    HTTPRoute route = http("checkout.yaml");

    assertThat(edits.removeRules(route, List.of("canary-header", "mirror-orders")))
        .isEqualTo(route);
    assertThat(names(edits.removeRules(route, List.of("legacy")))).containsExactly("static", "api");
  }

  @Test
  void mirrorPercentagesAreKeptAsGivenWithinZeroToHundred() {
    HTTPRoute none =
        edits.setMirrorRoute(
            http("checkout.yaml"),
            SERVICES,
            new MirrorRoute("mirror-orders", 0, MIRROR.match()),
            MANAGED);
    assertThat(mirrorPercent(none)).isZero();

    assertThatThrownBy(
            () ->
                edits.setMirrorRoute(
                    http("checkout.yaml"),
                    SERVICES,
                    new MirrorRoute("mirror-orders", 101, MIRROR.match()),
                    MANAGED))
        .hasMessage("setMirrorRoute.percentage: 101 is outside 0..100");
  }

  @Test
  void mirrorMatchesBecomeGatewayApiMatches() {
    Map<String, StringMatch> headers = new LinkedHashMap<>();
    headers.put("x-z", new StringMatch(MatchType.PREFIX, "a.b"));
    headers.put("x-a", new StringMatch(MatchType.EXACT, "1"));
    HTTPRouteMatch match =
        HttpRouteEdits.match(
            "m", new RouteMatch(null, new StringMatch(MatchType.REGEX, "/v[0-9]+/.*"), headers));

    assertThat(match.getMethod()).isNull();
    assertThat(match.getPath().getType()).isEqualTo("RegularExpression");
    assertThat(match.getPath().getValue()).isEqualTo("/v[0-9]+/.*");
    assertThat(match.getHeaders())
        .extracting("name", "type", "value")
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("x-a", "Exact", "1"),
            org.assertj.core.groups.Tuple.tuple("x-z", "RegularExpression", "^a\\.b.*"));

    HTTPRouteMatch exact =
        HttpRouteEdits.match(
            "m", new RouteMatch(null, new StringMatch(MatchType.EXACT, "/health"), Map.of()));
    assertThat(exact.getPath().getType()).isEqualTo("Exact");
  }

  @Test
  void mirrorMatchesGatewayApiCannotExpressAreRefused() {
    assertThatThrownBy(
            () ->
                HttpRouteEdits.match(
                    "setMirrorRoute.match[0]",
                    new RouteMatch(new StringMatch(MatchType.PREFIX, "P"), null, Map.of())))
        .hasMessage(
            "setMirrorRoute.match[0].method: Gateway API matches a method exactly; prefix 'P'"
                + " cannot be expressed, use exact");
    assertThatThrownBy(
            () ->
                HttpRouteEdits.match(
                    "setMirrorRoute.match[0]",
                    new RouteMatch(new StringMatch(MatchType.EXACT, "get"), null, Map.of())))
        .hasMessageStartingWith(
            "setMirrorRoute.match[0].method: 'get' is not one of Gateway API's methods [CONNECT,");
    assertThatThrownBy(
            () ->
                HttpRouteEdits.match(
                    "setMirrorRoute.match[0]",
                    new RouteMatch(null, new StringMatch(MatchType.PREFIX, "api"), Map.of())))
        .hasMessage("setMirrorRoute.match[0].path: 'api' must start with '/'");
  }

  static HTTPRouteRule rule(HTTPRoute route, String name) {
    return route.getSpec().getRules().stream()
        .filter(r -> name.equals(r.getName()))
        .findFirst()
        .orElseThrow();
  }

  static List<String> names(HTTPRoute route) {
    return route.getSpec().getRules().stream().map(HTTPRouteRule::getName).toList();
  }

  static Map<String, Integer> weights(HTTPRoute route, String rule) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    rule(route, rule).getBackendRefs().forEach(r -> weights.put(r.getName(), r.getWeight()));
    return weights;
  }

  private static Integer mirrorPercent(HTTPRoute route) {
    return rule(route, "mirror-orders").getFilters().stream()
        .filter(f -> "RequestMirror".equals(f.getType()))
        .findFirst()
        .orElseThrow()
        .getRequestMirror()
        .getPercent();
  }

  @Test
  void theFixturesParseAsWritten() {
    assertThat(tree(http("checkout.yaml"))).isEqualTo(tree("checkout.yaml"));
  }
}
