package dev.ramp.plugins.gatewayapi;

import static dev.ramp.plugins.gatewayapi.Fixtures.assertRoute;
import static dev.ramp.plugins.gatewayapi.Fixtures.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.PluginException;
import dev.ramp.plugin.api.RouterCall;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.MirrorRoute;
import dev.ramp.plugin.api.TrafficRouting.Verification;
import dev.ramp.plugin.api.TrafficRouting.WeightCheck;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The plugin's calls in-process, against an API server in a map. */
class GatewayApiRouterTest {

  static final JsonNode ROLLOUT =
      Json.parse(
          """
          {"metadata": {"name": "checkout", "namespace": "shop"},
           "spec": {"strategy": {"canary": {"canaryService": "checkout-canary",
                                             "stableService": "checkout-stable"}}}}
          """);
  static final List<String> MANAGED = HttpRouteEditsTest.MANAGED;

  private final FakeStore store = new FakeStore();
  private final GatewayApiRouter router =
      new GatewayApiRouter(new KubernetesAccess(Map.of("KUBECONFIG", "/not/read")), store);

  static RouterCall call(String config) {
    return call(config, ROLLOUT);
  }

  static RouterCall call(String config, JsonNode rollout) {
    PluginContext context =
        new PluginContext("uid", "shop", "checkout", "h", 1, "s", "op", 1, "k", "ramp/gatewayapi");
    return new RouterCall(context, rollout, Json.parse(config), MANAGED);
  }

  private HTTPRoute stored(String name) {
    return store.stored(HTTPRoute.class, "shop", name);
  }

  private HTTPRoute create(String fixture, String name, Map<String, String> labels) {
    HTTPRoute route = http(fixture);
    route.getMetadata().setName(name);
    route.getMetadata().setLabels(labels);
    return store.create(route);
  }

  @Test
  void withoutAKubeconfigEveryCallSaysHowToGiveTheApiAccess() {
    GatewayApiRouter without = new GatewayApiRouter(new KubernetesAccess(Map.of()));
    RouterCall call = call("{\"httpRoute\": \"checkout\"}");
    List<ThrowingCallable> calls =
        List.of(
            () -> without.updateHash(call, "a", "b", List.of()),
            () -> without.setWeight(call, DesiredWeight.percent(10)),
            () -> without.verifyWeight(call, DesiredWeight.percent(10)),
            () -> without.setHeaderRoute(call, new HeaderRoute("canary-header", List.of())),
            () -> without.setMirrorRoute(call, new MirrorRoute("mirror-orders", 100, List.of())),
            () -> without.removeManagedRoutes(call));
    for (ThrowingCallable each : calls) {
      assertThatThrownBy(each)
          .isInstanceOf(PluginException.class)
          .hasMessageContaining(
              "needs the Kubernetes API: set kubernetesAccess: true in its ramp-config entry")
          .extracting(e -> ((PluginException) e).reason())
          .isEqualTo(PluginException.Reason.FAILED_PRECONDITION);
    }
  }

  @Test
  void updateHashChangesNothing() {
    store.create(http("checkout.yaml"));

    router.updateHash(call("{\"httpRoute\": \"checkout\"}"), "abc", "def", List.of());

    assertThat(store.updates).isZero();
  }

  @Test
  void setWeightGoesToEveryRouteTheSelectorFindsAndNoOther() {
    Map<String, String> labels = Map.of("ramp.dev/rollout", "checkout");
    create("checkout.yaml", "checkout", labels);
    create("checkout.yaml", "checkout-internal", labels);
    create("checkout.yaml", "checkout-other", Map.of("ramp.dev/rollout", "cart"));

    router.setWeight(
        call("{\"httpRouteSelector\": {\"matchLabels\": {\"ramp.dev/rollout\": \"checkout\"}}}"),
        DesiredWeight.percent(20));

    assertThat(HttpRouteEditsTest.weights(stored("checkout"), "api"))
        .containsEntry("checkout-canary", 20);
    assertThat(HttpRouteEditsTest.weights(stored("checkout-internal"), "api"))
        .containsEntry("checkout-canary", 20);
    assertThat(HttpRouteEditsTest.weights(stored("checkout-other"), "api"))
        .containsEntry("checkout-canary", 0);
  }

  @Test
  void aSelectorThatFindsNothingIsRefused() {
    assertRefused(
        () ->
            router.setWeight(
                call("{\"httpRouteSelector\": {\"matchLabels\": {\"app\": \"none\"}}}"),
                DesiredWeight.percent(20)),
        PluginException.Reason.INVALID_CONFIG,
        "httpRouteSelector: matches no HTTPRoute in namespace 'shop'; label the routes or fix the"
            + " selector");
  }

  @Test
  void aRolloutWithoutItsServicesIsRefusedNamingTheField() {
    store.create(http("checkout.yaml"));
    assertRefused(
        () ->
            router.setWeight(
                call("{\"httpRoute\": \"checkout\"}", Json.parse("{\"spec\": {}}")),
                DesiredWeight.percent(20)),
        PluginException.Reason.INVALID_CONFIG,
        "spec.strategy.canary.canaryService: is required by the Gateway API router");
  }

  @Test
  void managedRoutesMustBeListedInTheRolloutAndGoOnlyIntoRoutesThatTakeThem() {
    store.create(http("checkout.yaml"));
    HeaderRoute header = new HeaderRoute("canary-header", HttpRouteEditsTest.HEADERS);

    assertRefused(
        () ->
            router.setHeaderRoute(
                call("{\"httpRoute\": \"checkout\"}"),
                new HeaderRoute("beta", HttpRouteEditsTest.HEADERS)),
        PluginException.Reason.INVALID_CONFIG,
        "trafficRouting.managedRoutes: setHeaderRoute 'beta' is not one of the Rollout's"
            + " managedRoutes [canary-header, mirror-orders]");
    assertRefused(
        () -> router.setHeaderRoute(call("{\"httpRoutes\": [{\"name\": \"checkout\"}]}"), header),
        PluginException.Reason.INVALID_CONFIG,
        "useHeaderRoutes: no configured route takes header routes");
    assertThat(store.updates).isZero();

    router.setHeaderRoute(call("{\"httpRoute\": \"checkout\"}"), header);
    assertRoute(stored("checkout"), "checkout-header.yaml");

    router.removeManagedRoutes(call("{\"httpRoutes\": [{\"name\": \"checkout\"}]}"));
    assertRoute(stored("checkout"), "checkout-header.yaml");
    router.removeManagedRoutes(call("{\"httpRoute\": \"checkout\"}"));
    assertRoute(stored("checkout"), "checkout.yaml");
  }

  @Test
  void mirrorRoutesAreRefusedForGrpcRoutesThatTakeManagedRoutes() {
    store.create(http("checkout.yaml"));
    store.create(Fixtures.grpc(GrpcRouteEditsTest.CART));

    assertRefused(
        () ->
            router.setMirrorRoute(
                call("{\"httpRoute\": \"checkout\", \"grpcRoute\": \"cart\"}"),
                HttpRouteEditsTest.MIRROR),
        PluginException.Reason.INVALID_CONFIG,
        "grpcRoute: GRPCRoute 'cart' takes managed routes (useHeaderRoutes), but mirror routes go"
            + " into HTTPRoutes only");
    assertThat(store.updates).isZero();

    router.setMirrorRoute(
        call("{\"httpRoute\": \"checkout\", \"grpcRoutes\": [{\"name\": \"cart\"}]}"),
        HttpRouteEditsTest.MIRROR);
    assertRoute(stored("checkout"), "checkout-mirror.yaml");
    assertThat(store.stored(GRPCRoute.class, "shop", "cart").getSpec())
        .as("a GRPCRoute that takes no managed routes is left alone")
        .isEqualTo(Fixtures.grpc(GrpcRouteEditsTest.CART).getSpec());
    assertThat(store.updates).isEqualTo(1);
  }

  @Test
  void aMirrorPercentTheApiServerDropsIsTakenOutAgainAndRefused() {
    store.create(http("checkout.yaml"));
    store.schema(GatewayApiRouterTest::pruneMirrorPercent);

    assertRefused(
        () ->
            router.setMirrorRoute(
                call("{\"httpRoute\": \"checkout\"}"),
                new MirrorRoute("mirror-orders", 5, HttpRouteEditsTest.MIRROR.match())),
        PluginException.Reason.FAILED_PRECONDITION,
        "HTTPRoute shop/checkout: the API server dropped requestMirror.percent from the mirror"
            + " rule 'mirror-orders' (its Gateway API CRDs are older than v1.2), so it would"
            + " mirror every request, not 5 %; the rule was removed again.");
    assertRoute(stored("checkout"), "checkout.yaml");

    // 100 % needs no percent: an older API server's rule mirrors everything, as asked.
    router.setMirrorRoute(call("{\"httpRoute\": \"checkout\"}"), HttpRouteEditsTest.MIRROR);
    assertThat(HttpRouteEditsTest.names(stored("checkout"))).contains("mirror-orders");
  }

  /** What an API server with Gateway API CRDs before v1.2 does to requestMirror.percent. */
  @SuppressWarnings("unchecked")
  private static void pruneMirrorPercent(Map<String, Object> route) {
    Map<String, Object> spec = (Map<String, Object>) route.get("spec");
    for (Object rule : (List<Object>) spec.get("rules")) {
      Object filters = ((Map<String, Object>) rule).get("filters");
      if (filters != null) {
        for (Object filter : (List<Object>) filters) {
          Object mirror = ((Map<String, Object>) filter).get("requestMirror");
          if (mirror != null) {
            ((Map<String, Object>) mirror).remove("percent");
          }
        }
      }
    }
  }

  @Test
  void verifyWeightIsNotImplementedOnlyWhenNoRouteHasParents() {
    store.create(http("checkout-weight-20.yaml"));

    WeightCheck check =
        router.verifyWeight(call("{\"httpRoute\": \"checkout\"}"), DesiredWeight.percent(20));

    assertThat(check.verification()).isEqualTo(Verification.NOT_IMPLEMENTED);
    assertThat(check.message())
        .isEqualTo(
            "HTTPRoute shop/checkout has no status.parents: the Gateway implementation reports"
                + " nothing there, so whether it routes the weights cannot be told");
  }

  @Test
  void verifyWeightWaitsForTheWeightsAndForEveryParentToCatchUp() {
    store.create(http("checkout.yaml"));
    gatewayWrites(accepted(1));
    RouterCall call = call("{\"httpRoute\": \"checkout\"}");

    WeightCheck before = router.verifyWeight(call, DesiredWeight.percent(20));
    assertThat(before.verification()).isEqualTo(Verification.NOT_VERIFIED);
    assertThat(before.message())
        .startsWith(
            "HTTPRoute shop/checkout rule 1 ('api') gives checkout-stable weight 100, not 80");

    router.setWeight(call, DesiredWeight.percent(20));
    WeightCheck lagging = router.verifyWeight(call, DesiredWeight.percent(20));
    assertThat(lagging.verification()).isEqualTo(Verification.NOT_VERIFIED);
    assertThat(lagging.message())
        .isEqualTo(
            "parent Gateway gateways/public (section https) of controller"
                + " example.com/gateway-controller has acted on generation 1 of HTTPRoute"
                + " shop/checkout, which is at generation 2 (not caught up yet)");

    gatewayWrites(accepted(2));
    WeightCheck caughtUp = router.verifyWeight(call, DesiredWeight.percent(20));
    assertThat(caughtUp.verification()).isEqualTo(Verification.VERIFIED);
    assertThat(caughtUp.message())
        .isEqualTo("accepted by every parent: HTTPRoute shop/checkout at generation 2");
  }

  @Test
  void aRouteWithoutParentsBesideOneWithParentsIsNotVerified() {
    create("checkout-weight-20.yaml", "checkout", Map.of());
    create("checkout-weight-20.yaml", "checkout-internal", Map.of());
    gatewayWrites(accepted(1));

    WeightCheck check =
        router.verifyWeight(
            call("{\"httpRoutes\": [{\"name\": \"checkout\"}, {\"name\": \"checkout-internal\"}]}"),
            DesiredWeight.percent(20));

    assertThat(check.verification()).isEqualTo(Verification.NOT_VERIFIED);
    assertThat(check.message())
        .isEqualTo("HTTPRoute shop/checkout-internal has no status.parents yet");
  }

  private void gatewayWrites(Consumer<HTTPRoute> status) {
    store.writeStatus(HTTPRoute.class, "shop", "checkout", status);
  }

  static Consumer<HTTPRoute> accepted(long generation) {
    return route ->
        route.setStatus(
            new HTTPRouteStatus(
                List.of(
                    AcceptanceTest.parent(
                        "public",
                        AcceptanceTest.condition("Accepted", "True", generation, "Accepted")))));
  }

  private static void assertRefused(
      ThrowingCallable call, PluginException.Reason reason, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(PluginException.class)
        .hasMessageStartingWith(message)
        .extracting(e -> ((PluginException) e).reason())
        .isEqualTo(reason);
  }
}
