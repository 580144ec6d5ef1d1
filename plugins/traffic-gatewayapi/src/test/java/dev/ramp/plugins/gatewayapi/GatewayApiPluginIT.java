package dev.ramp.plugins.gatewayapi;

import static dev.ramp.plugins.gatewayapi.Fixtures.assertRoute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import dev.ramp.plugin.v1.CallContext;
import dev.ramp.plugin.v1.HeaderMatch;
import dev.ramp.plugin.v1.RouteMatch;
import dev.ramp.plugin.v1.RouterRequest;
import dev.ramp.plugin.v1.SetHeaderRouteRequest;
import dev.ramp.plugin.v1.SetMirrorRouteRequest;
import dev.ramp.plugin.v1.SetWeightRequest;
import dev.ramp.plugin.v1.StringMatch;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc.TrafficRouterPluginBlockingStub;
import dev.ramp.plugin.v1.VerifyWeightRequest;
import dev.ramp.plugin.v1.VerifyWeightResponse;
import dev.ramp.plugin.v1.WeightVerification;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin JAR as the controller runs it — a child JVM started by the SDK's launcher and runner,
 * called over its Unix socket — against fabric8's mock API server in CRUD mode. Every call is
 * followed by the stored route, compared whole with a fixture.
 */
class GatewayApiPluginIT {

  static final String ROLLOUT =
      """
      {"apiVersion": "ramp.dev/v1alpha1", "kind": "Rollout",
       "metadata": {"name": "checkout", "namespace": "shop"},
       "spec": {"strategy": {"canary": {"canaryService": "checkout-canary",
                                         "stableService": "checkout-stable"}}}}
      """;
  static final String CONFIG = "{\"httpRoute\": \"checkout\"}";
  static final List<String> MANAGED = List.of("canary-header", "mirror-orders");

  @TempDir static Path dir;
  static GatewayCluster cluster;
  static PluginProcess plugin;
  static final List<String> pluginOutput = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    cluster = GatewayCluster.start(dir, "shop");
    plugin =
        new PluginLauncher(pluginOutput::add)
            .launch(PluginJars.spec(Map.of("KUBECONFIG", cluster.kubeconfig().toString())));
  }

  @AfterAll
  static void stop() {
    if (plugin != null) {
      plugin.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void emptyNamespace() {
    cluster.deleteRoutes("shop");
  }

  static TrafficRouterPluginBlockingStub stub() {
    return TrafficRouterPluginGrpc.newBlockingStub(plugin.channel())
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  static RouterRequest request(String operation, String config, String rollout) {
    return RouterRequest.newBuilder()
        .setContext(
            CallContext.newBuilder()
                .setRolloutUid("u-1")
                .setNamespace("shop")
                .setRolloutName("checkout")
                .setOperation(operation)
                .setAttempt(1)
                .setIdempotencyKey("u-1/" + operation)
                .setPluginName(PluginJars.NAME))
        .setRolloutJson(rollout)
        .setConfigJson(config)
        .addAllManagedRoutes(MANAGED)
        .build();
  }

  static RouterRequest request(String operation) {
    return request(operation, CONFIG, ROLLOUT);
  }

  static void setWeight(int weight, int max) {
    setWeight(request("SetWeight"), weight, max);
  }

  static void setWeight(RouterRequest request, int weight, int max) {
    stub()
        .setWeight(
            SetWeightRequest.newBuilder()
                .setRequest(request)
                .setDesiredWeight(weight)
                .setMaxWeight(max)
                .build());
  }

  static VerifyWeightResponse verifyWeight(int weight) {
    return stub()
        .verifyWeight(
            VerifyWeightRequest.newBuilder()
                .setRequest(request("VerifyWeight"))
                .setDesiredWeight(weight)
                .setMaxWeight(100)
                .build());
  }

  static void setHeaderRoute() {
    stub()
        .setHeaderRoute(
            SetHeaderRouteRequest.newBuilder()
                .setRequest(request("SetHeaderRoute"))
                .setName("canary-header")
                .addMatch(
                    HeaderMatch.newBuilder()
                        .setHeaderName("x-canary")
                        .setHeaderValue(StringMatch.newBuilder().setExact("true")))
                .addMatch(
                    HeaderMatch.newBuilder()
                        .setHeaderName("x-user")
                        .setHeaderValue(StringMatch.newBuilder().setPrefix("beta.*")))
                .build());
  }

  static void setMirrorRoute() {
    // No percentage: Argo's optional setMirrorRoute.percentage left out means 100.
    stub()
        .setMirrorRoute(
            SetMirrorRouteRequest.newBuilder()
                .setRequest(request("SetMirrorRoute"))
                .setName("mirror-orders")
                .addMatch(
                    RouteMatch.newBuilder()
                        .setMethod(StringMatch.newBuilder().setExact("POST"))
                        .setPath(StringMatch.newBuilder().setPrefix("/api/orders")))
                .build());
  }

  static JsonNode checkout() {
    return cluster.httpRoute("shop", "checkout");
  }

  @Test
  void setWeightMovesTheWeightsOutOfMaxTrafficWeightAndNothingElse() {
    cluster.create(Fixtures.text("checkout.yaml"));
    assertThat(checkout().path("metadata").path("generation").asLong()).isEqualTo(1);

    setWeight(20, 100);
    assertRoute(checkout(), "checkout-weight-20.yaml");
    assertThat(checkout().path("metadata").path("generation").asLong())
        .as("the mock server bumps the generation on a spec change, as a real one does")
        .isEqualTo(2);

    setWeight(60, 1000);
    assertRoute(checkout(), "checkout-weight-60-of-1000.yaml");

    String resourceVersion = checkout().path("metadata").path("resourceVersion").asText();
    int puts = cluster.routePuts();
    setWeight(60, 1000);
    assertThat(cluster.routePuts()).as("the same weight again writes nothing").isEqualTo(puts);
    assertThat(checkout().path("metadata").path("resourceVersion").asText())
        .isEqualTo(resourceVersion);
  }

  @Test
  void aHeaderRouteIsAddedAsANamedRuleAndRemovedByName() {
    cluster.create(Fixtures.text("checkout.yaml"));

    setHeaderRoute();
    assertRoute(checkout(), "checkout-header.yaml");

    stub()
        .setHeaderRoute(
            SetHeaderRouteRequest.newBuilder()
                .setRequest(request("SetHeaderRoute"))
                .setName("canary-header")
                .build());
    assertRoute(checkout(), "checkout.yaml");
  }

  @Test
  void aMirrorRouteWithoutAPercentageMirrorsEverythingItMatchesAndIsRemovedByName() {
    cluster.create(Fixtures.text("checkout.yaml"));

    setMirrorRoute();
    assertRoute(checkout(), "checkout-mirror.yaml");

    stub()
        .setMirrorRoute(
            SetMirrorRouteRequest.newBuilder()
                .setRequest(request("SetMirrorRoute"))
                .setName("mirror-orders")
                .build());
    assertRoute(checkout(), "checkout.yaml");
  }

  @Test
  void removeManagedRoutesRemovesTheRulesNamedAfterManagedRoutesOnly() {
    cluster.create(Fixtures.text("checkout.yaml"));
    setMirrorRoute();
    setHeaderRoute();
    setWeight(20, 100);
    assertRoute(checkout(), "checkout-managed-weight-20.yaml");

    stub().removeManagedRoutes(request("RemoveManagedRoutes"));

    assertRoute(checkout(), "checkout-weight-20.yaml");
  }

  @Test
  void aLabelSelectorFindsSeveralRoutesAndLeavesTheOthersAlone() {
    cluster.create(named("checkout", "checkout"));
    cluster.create(named("checkout-internal", "checkout"));
    cluster.create(named("checkout-other", "cart"));
    String selector =
        "{\"httpRouteSelector\": {\"matchLabels\": {\"ramp.dev/rollout\": \"checkout\"}}}";

    setWeight(request("SetWeight", selector, ROLLOUT), 20, 100);

    assertRoute(
        relabelled(cluster.httpRoute("shop", "checkout"), "checkout"), "checkout-weight-20.yaml");
    assertRoute(
        relabelled(cluster.httpRoute("shop", "checkout-internal"), "checkout"),
        "checkout-weight-20.yaml");
    assertRoute(relabelled(cluster.httpRoute("shop", "checkout-other"), "cart"), "checkout.yaml");
  }

  /** The checkout fixture under another name, labelled for a Rollout. */
  private static String named(String name, String rollout) {
    return Fixtures.text("checkout.yaml")
        .replace("  name: checkout\n", "  name: " + name + "\n")
        .replace(
            "    app: checkout\n", "    app: checkout\n    ramp.dev/rollout: " + rollout + "\n");
  }

  /** A route made by {@link #named}, as the checkout fixture would read (to compare it whole). */
  private static JsonNode relabelled(JsonNode route, String rollout) {
    ObjectNode copy = route.deepCopy();
    ObjectNode metadata = (ObjectNode) copy.get("metadata");
    assertThat(metadata.path("labels").path("ramp.dev/rollout").asText()).isEqualTo(rollout);
    ((ObjectNode) metadata.get("labels")).remove("ramp.dev/rollout");
    metadata.put("name", "checkout");
    return copy;
  }

  @Test
  void aWriterBetweenThePluginsReadAndWriteMakesItReadAndWriteAgain() {
    cluster.create(Fixtures.text("checkout.yaml"));
    cluster.beforeNextUpdate(
        "httproutes",
        "shop",
        "checkout",
        route -> ((ArrayNode) route.path("spec").path("hostnames")).add("www.shop.example.com"));
    int puts = cluster.routePuts();
    int conflicts = cluster.routeConflicts();

    setWeight(20, 100);

    assertThat(cluster.routeConflicts() - conflicts).isEqualTo(1);
    assertThat(cluster.routePuts() - puts).isEqualTo(2);
    ObjectNode stored = (ObjectNode) checkout();
    assertThat(stored.path("spec").path("hostnames"))
        .as("the other writer's hostname is kept")
        .hasSize(2);
    ((ArrayNode) stored.path("spec").path("hostnames")).remove(1);
    assertRoute(stored, "checkout-weight-20.yaml");
  }

  @Test
  void verifyWeightIsNotVerifiedUntilTheGatewayHasAcceptedTheCurrentGeneration() {
    cluster.create(Fixtures.text("checkout.yaml"));

    setWeight(20, 100);
    VerifyWeightResponse noParents = verifyWeight(20);
    assertThat(noParents.getVerification())
        .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_NOT_IMPLEMENTED);
    assertThat(noParents.getMessage()).startsWith("HTTPRoute shop/checkout has no status.parents");

    // The Gateway controller, late: it has acted on the route as created (generation 1).
    gatewayAccepts(1);
    assertThat(checkout().path("metadata").path("generation").asLong())
        .as("a status write leaves the generation alone")
        .isEqualTo(2);
    VerifyWeightResponse lagging = verifyWeight(20);
    assertThat(lagging.getVerification())
        .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_NOT_VERIFIED);
    assertThat(lagging.getMessage())
        .isEqualTo(
            "parent Gateway gateways/public (section https) of controller"
                + " example.com/gateway-controller has acted on generation 1 of HTTPRoute"
                + " shop/checkout, which is at generation 2 (not caught up yet)");

    // It catches up.
    gatewayAccepts(2);
    VerifyWeightResponse verified = verifyWeight(20);
    assertThat(verified.getVerification())
        .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_VERIFIED);
    assertThat(verified.getMessage())
        .isEqualTo("accepted by every parent: HTTPRoute shop/checkout at generation 2");

    VerifyWeightResponse otherWeight = verifyWeight(30);
    assertThat(otherWeight.getVerification())
        .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_NOT_VERIFIED);
    assertThat(otherWeight.getMessage())
        .contains("rule 1 ('api') gives checkout-canary weight 20, not 30 (out of 100)");
  }

  private static void gatewayAccepts(long generation) {
    cluster.writeStatus(
        "shop",
        "checkout",
        status -> {
          ObjectNode parent = status.putArray("parents").addObject();
          parent.put("controllerName", "example.com/gateway-controller");
          parent
              .putObject("parentRef")
              .put("name", "public")
              .put("namespace", "gateways")
              .put("sectionName", "https");
          parent
              .putArray("conditions")
              .addObject()
              .put("type", "Accepted")
              .put("status", "True")
              .put("reason", "Accepted")
              .put("message", "")
              .put("observedGeneration", generation)
              .put("lastTransitionTime", "2026-11-30T12:00:00Z");
        });
  }

  @Test
  void aGrpcRouteTakesWeightsAndHeaderRoutesWithTheSameCode() {
    cluster.create(Fixtures.text("cart.yaml"));
    String rollout =
        ROLLOUT.replace("checkout-canary", "cart-canary").replace("checkout-stable", "cart-stable");
    String config = "{\"grpcRoute\": \"cart\"}";

    setWeight(request("SetWeight", config, rollout), 30, 1000);
    stub()
        .setHeaderRoute(
            SetHeaderRouteRequest.newBuilder()
                .setRequest(request("SetHeaderRoute", config, rollout))
                .setName("canary-header")
                .addMatch(
                    HeaderMatch.newBuilder()
                        .setHeaderName("x-canary")
                        .setHeaderValue(StringMatch.newBuilder().setExact("yes")))
                .build());

    assertRoute(cluster.route("grpcroutes", "shop", "cart"), "cart-weight-30-of-1000-header.yaml");
  }

  @Test
  void badInputIsRefusedWithAMessageNamingWhatIsWrong() {
    cluster.create(Fixtures.text("checkout.yaml"));

    assertInvalid(
        () -> setWeight(request("SetWeight", "{}", ROLLOUT), 10, 100),
        "config: names no route: give httpRoute, httpRoutes, httpRouteSelector, grpcRoute,"
            + " grpcRoutes or grpcRouteSelector");
    assertInvalid(
        () ->
            setWeight(
                request("SetWeight", "{\"httpRoutes\": [{\"useHeaderRoutes\": true}]}", ROLLOUT),
                10,
                100),
        "httpRoutes[0].name: is required: the HTTPRoute's name");
    assertInvalid(
        () ->
            setWeight(
                request("SetWeight", "{\"httpRoute\": \"checkout\", \"colour\": 1}", ROLLOUT),
                10,
                100),
        "colour: unknown field; the fields are httpRoute, httpRoutes");
    assertInvalid(
        () ->
            setWeight(
                request("SetWeight", CONFIG, "{\"metadata\": {\"name\": \"checkout\"}}"), 10, 100),
        "spec.strategy.canary.canaryService: is required by the Gateway API router");
    assertInvalid(
        () -> setWeight(request("SetWeight", "{\"httpRoute\": \"nope\"}", ROLLOUT), 10, 100),
        "httpRoute: no HTTPRoute 'nope' in namespace 'shop'; create it first or fix the name");
    assertRoute(checkout(), "checkout.yaml");
  }

  private static void assertInvalid(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith(message);
            });
  }

  @Test
  void withoutKubeconfigEveryCallSaysToSetKubernetesAccess() {
    try (PluginProcess without =
        new PluginLauncher(pluginOutput::add).launch(PluginJars.spec(Map.of()))) {
      TrafficRouterPluginBlockingStub stub =
          TrafficRouterPluginGrpc.newBlockingStub(without.channel())
              .withDeadlineAfter(30, TimeUnit.SECONDS);
      assertThatThrownBy(
              () ->
                  stub.setWeight(
                      SetWeightRequest.newBuilder()
                          .setRequest(request("SetWeight"))
                          .setDesiredWeight(10)
                          .setMaxWeight(100)
                          .build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(e.getStatus().getDescription())
                    .isEqualTo(
                        "the Gateway API router needs the Kubernetes API: set kubernetesAccess:"
                            + " true in its ramp-config entry (the host then hands it a"
                            + " kubeconfig in $KUBECONFIG)");
              });
      assertThatThrownBy(() -> stub.removeManagedRoutes(request("RemoveManagedRoutes")))
          .hasMessageContaining("set kubernetesAccess: true");
    }
  }
}
