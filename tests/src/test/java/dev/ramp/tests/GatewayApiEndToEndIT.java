package dev.ramp.tests;

import static dev.ramp.tests.GatewayApiWorld.NS;
import static dev.ramp.tests.GatewayApiWorld.ROUTER;
import static dev.ramp.tests.GatewayApiWorld.assertRoute;
import static dev.ramp.tests.GatewayApiWorld.fixture;
import static dev.ramp.tests.GatewayApiWorld.generation;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutCondition;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Gateway API router end to end: the real controller ({@code RampRuntime}) on the embedded API
 * server, the router's plugin JAR as a child process with {@code kubernetesAccess: true}, an
 * HTTPRoute with rules and backends that are not Ramp's, and the test as the Gateway controller,
 * which accepts each new generation of the route late. The stored route is compared whole with a
 * fixture after every step, and each of its generations is recorded: the sequence of writes is
 * exact. Bad input — a route that does not exist, an entry without {@code kubernetesAccess}, a
 * config that names no route — is each a condition and a Warning Event naming the router and the
 * cause, while a rollout without a router completes.
 */
class GatewayApiEndToEndIT {

  @TempDir Path dir;
  private GatewayApiWorld world;

  @AfterEach
  void close() {
    if (world != null) {
      world.close();
    }
  }

  static RolloutCondition routing(Rollout r) {
    return r.getStatus().condition(ConditionType.TrafficRouting);
  }

  static boolean routingReason(Rollout r, String reason) {
    return routing(r) != null && reason.equals(routing(r).reason);
  }

  static Predicate<Rollout> notVerified(int step, int weight) {
    return r ->
        Objects.equals(r.getStatus().currentStepIndex, step)
            && r.getStatus().canary != null
            && r.getStatus().canary.weights != null
            && r.getStatus().canary.weights.canary.weight == weight
            && Boolean.FALSE.equals(r.getStatus().canary.weights.verified)
            && routingReason(r, "WeightNotVerified");
  }

  static Predicate<Rollout> verifiedAt(int step) {
    return r ->
        Objects.equals(r.getStatus().currentStepIndex, step)
            && Boolean.TRUE.equals(r.getStatus().canary.weights.verified)
            && routing(r) == null;
  }

  static Predicate<Rollout> healthy(String stableRs) {
    return r ->
        "Healthy".equals(r.getStatus().phase)
            && (stableRs == null || stableRs.equals(r.getStatus().stableRS))
            && Objects.equals(r.getMetadata().getGeneration(), r.getStatus().observedGeneration);
  }

  /** The router's record was written at the clock's now: it was called (again) just now. */
  Predicate<Rollout> calledNow() {
    return r ->
        r.getStatus().canary.trafficRouters.stream()
            .anyMatch(
                t ->
                    ROUTER.equals(t.name)
                        && t.updatedAt != null
                        && Instant.parse(t.updatedAt).equals(world.clock.instant()));
  }

  /** The Gateway controller catches up with the route, and the controller's next look finds it. */
  void gatewayCatchesUp() {
    world.accept("shop");
    world.advance(Duration.ofSeconds(10));
  }

  @Test
  void aCanaryMovesTheRouteStepByStepAndWaitsForALateGatewayController() {
    world = new GatewayApiWorld(dir, true);
    world.createRoute("shop.yaml", null);
    assertThat(world.accept("shop")).isEqualTo(1);
    world.createRollout("shop", null);
    Rollout v1 = world.await("shop", healthy(null).and(verifiedAt(9)));
    // setWeight 0 at the start: the route already held it, so nothing was written.
    assertRoute(world.route("shop"), "shop.yaml");
    assertThat(generation(world.route("shop"))).isEqualTo(1);

    world.actions.setImage(NS, "shop", "shop", "registry.example/shop:2.0.0");
    // setCanaryScale, the header route (generation 2), setWeight 20 (generation 3): the gateway
    // has accepted generation 1 only, so the weight is not verified and the step does not end.
    Rollout held = world.await("shop", notVerified(2, 20));
    String v2 = held.getStatus().currentPodHash;
    assertThat(routing(held).status).isEqualTo("False");
    assertThat(routing(held).message)
        .startsWith(
            "Weight 20 of 100 to the canary is not verified yet by traffic router " + ROUTER)
        .contains("has acted on generation 1 of HTTPRoute shop/shop, which is at generation 3")
        .endsWith("checking again within 10s");
    assertRoute(world.route("shop"), "shop-alice-20.yaml");
    assertThat(world.shopVersions())
        .containsExactly(
            fixture("shop.yaml"), fixture("shop-alice.yaml"), fixture("shop-alice-20.yaml"));

    // The controller asks again (after 1, 2, 4, 8 s, then every 10 s of its clock); the gateway
    // is still behind.
    world.advance(Duration.ofSeconds(10));
    held = world.await("shop", calledNow());
    assertThat(notVerified(2, 20).test(held)).as("still waiting: %s", routing(held)).isTrue();

    gatewayCatchesUp();
    world.await("shop", verifiedAt(3).and(r -> "Paused".equals(r.getStatus().phase)));
    assertRoute(world.route("shop"), "shop-alice-20.yaml");

    world.actions.promote(NS, "shop");
    // The mirror route (generation 4), the canary scaled to the weight, setWeight 60 (5).
    world.await("shop", notVerified(6, 60));
    assertRoute(world.route("shop"), "shop-alice-shadow-60.yaml");

    gatewayCatchesUp();
    world.await("shop", verifiedAt(7));
    world.advance(Duration.ofSeconds(10));
    // The pause is over; alice's route goes (generation 6), and past the last step the canary
    // gets all the traffic (7), unverified until the gateway catches up.
    world.await("shop", notVerified(9, 100));
    assertRoute(world.route("shop"), "shop-shadow-100.yaml");

    gatewayCatchesUp();
    // The canary is stable: the managed routes left go (8) and stable gets the traffic (9).
    Rollout promoted =
        world.await(
            "shop",
            r -> v2.equals(r.getStatus().stableRS) && routingReason(r, "WeightNotVerified"));
    assertThat(promoted.getStatus().canary.weights.canary.weight).isZero();
    assertThat(promoted.getStatus().canary.weights.stable.podTemplateHash).isEqualTo(v2);
    assertRoute(world.route("shop"), "shop.yaml");

    gatewayCatchesUp();
    world.await("shop", r -> routing(r) == null && r.getStatus().canary.weights.verified);
    // The old stable stays up for scaleDownDelaySeconds (30 s) on the controller's clock.
    world.advance(Duration.ofSeconds(31));
    Rollout done = world.await("shop", healthy(v2));
    assertThat(done.getStatus().stableRS).isNotEqualTo(v1.getStatus().stableRS);

    assertRoute(world.route("shop"), "shop.yaml");
    assertThat(generation(world.route("shop"))).isEqualTo(9);
    assertThat(world.shopVersions())
        .containsExactly(
            fixture("shop.yaml"),
            fixture("shop-alice.yaml"),
            fixture("shop-alice-20.yaml"),
            fixture("shop-alice-shadow-20.yaml"),
            fixture("shop-alice-shadow-60.yaml"),
            fixture("shop-shadow-60.yaml"),
            fixture("shop-shadow-100.yaml"),
            fixture("shop-100.yaml"),
            fixture("shop.yaml"));
  }

  /**
   * The rollout holds with a False TrafficRouting condition (TrafficRoutingError) whose message
   * names the router and {@code cause}, and a Warning Event with that message; a rollout without a
   * router goes from one revision to the next meanwhile.
   */
  Rollout holdsNamingTheRouterWhileAnotherRolloutCompletes(String cause) {
    Rollout held = world.await("shop", r -> routingReason(r, "TrafficRoutingError"));
    assertThat(routing(held).status).isEqualTo("False");
    assertThat(routing(held).message).startsWith("Traffic router " + ROUTER + ": ").contains(cause);
    String message = routing(held).message;
    org.awaitility.Awaitility.await()
        .until(() -> world.warnings("shop").contains("TrafficRoutingError: " + message));

    world.createRollout("plain", null);
    Rollout plain = world.await("plain", healthy(null));
    world.actions.setImage(NS, "plain", "plain", "registry.example/plain:2.0.0");
    world.await(
        "plain",
        healthy(null).and(r -> !r.getStatus().stableRS.equals(plain.getStatus().stableRS)));

    Rollout still = world.rollout("shop");
    assertThat(routing(still).message).isEqualTo(message);
    return still;
  }

  @Test
  void aRouteThatDoesNotExistIsAConditionAndAnEventUntilItIsCreated() {
    world = new GatewayApiWorld(dir, true);
    world.createRollout("shop", "{httpRoute: nope}");
    holdsNamingTheRouterWhileAnotherRolloutCompletes(
        "no HTTPRoute 'nope' in namespace 'shop'; create it first or fix the name");

    // Created (and accepted), the route is found at the next try, after the error backoff.
    world.createRoute("shop.yaml", "nope");
    world.accept("nope");
    world.advance(Duration.ofSeconds(5));
    world.await("shop", healthy(null).and(r -> routing(r) == null));
  }

  @Test
  void aRouterWithoutKubernetesAccessIsAConditionAndAnEventNamingTheMissingField() {
    world = new GatewayApiWorld(dir, false);
    world.createRoute("shop.yaml", null);
    world.accept("shop");
    world.createRollout("shop", null);
    holdsNamingTheRouterWhileAnotherRolloutCompletes(
        "needs the Kubernetes API: set kubernetesAccess: true in its ramp-config entry");
    assertRoute(world.route("shop"), "shop.yaml");
    assertThat(generation(world.route("shop"))).isEqualTo(1);
  }

  @Test
  void aRouterConfigThatNamesNoRouteIsAConditionAndAnEventNamingTheField() {
    world = new GatewayApiWorld(dir, true);
    world.createRoute("shop.yaml", null);
    world.accept("shop");
    world.createRollout("shop", "{namespace: shop}");
    holdsNamingTheRouterWhileAnotherRolloutCompletes("config: names no route: give httpRoute");
    assertRoute(world.route("shop"), "shop.yaml");
    assertThat(world.shopVersions()).containsExactly(fixture("shop.yaml"));
  }
}
