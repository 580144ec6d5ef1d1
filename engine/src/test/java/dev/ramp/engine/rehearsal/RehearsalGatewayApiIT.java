package dev.ramp.engine.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rehearsal.Rehearsal.Verdict;
import dev.ramp.engine.sandbox.GatewaySimulator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rehearsal applies Gateway API objects before the Rollouts, as generic resources on the embedded
 * cluster's stand-in CRDs, and its Gateway controller stand-in accepts the routes.
 */
class RehearsalGatewayApiIT {

  static final String GATEWAY_API = "gateway.networking.k8s.io/v1";
  static final List<Path> FILES =
      List.of(
          Path.of("../examples/basic-canary/rollout.yaml"),
          Path.of("src/test/resources/rehearsal/gateway-objects.yaml"));

  @TempDir Path work;
  private final List<String> log = new ArrayList<>();

  private Rehearsal start() {
    return Rehearsal.start(
        new Rehearsal.Options(
            100, Duration.ofSeconds(10), false, Duration.ofMinutes(3), null, work, log::add));
  }

  static JsonNode get(Rehearsal rehearsal, String kind, String namespace, String name) {
    var resources = rehearsal.client().genericKubernetesResources(GATEWAY_API, kind);
    GenericKubernetesResource found =
        namespace == null
            ? resources.withName(name).get()
            : resources.inNamespace(namespace).withName(name).get();
    return found == null ? null : Serialization.jsonMapper().valueToTree(found);
  }

  /** The generation the stand-in accepted the route at, or -1. */
  static long accepted(JsonNode route) {
    JsonNode parent = route.path("status").path("parents").path(0);
    return GatewaySimulator.CONTROLLER_NAME.equals(parent.path("controllerName").asText())
        ? parent.path("conditions").path(0).path("observedGeneration").asLong()
        : -1;
  }

  @Test
  void gatewayApiObjectsAreAppliedBeforeTheRolloutAndTheRoutesAccepted() {
    try (Rehearsal rehearsal = start()) {
      List<Rollout> rollouts = rehearsal.apply(FILES);

      assertThat(log.stream().filter(l -> l.startsWith("applied ")))
          .containsExactly(
              "applied Service default/checkout-stable",
              "applied Service default/checkout-canary",
              "applied GatewayClass example",
              "applied Gateway gateways/public",
              "applied HTTPRoute default/checkout",
              "applied GRPCRoute default/checkout-grpc",
              "applied Rollout default/checkout");
      assertThat(get(rehearsal, "GatewayClass", null, "example")).isNotNull();
      JsonNode gateway = get(rehearsal, "Gateway", "gateways", "public");
      assertThat(gateway.path("apiVersion").asText()).isEqualTo(GATEWAY_API);
      JsonNode route = get(rehearsal, "HTTPRoute", "default", "checkout");
      assertThat(route.path("apiVersion").asText())
          .as("a v1beta1 manifest is stored as v1")
          .isEqualTo(GATEWAY_API);
      assertThat(route.path("spec").path("rules").path(0).path("name").asText()).isEqualTo("api");

      await().until(() -> accepted(get(rehearsal, "HTTPRoute", "default", "checkout")) == 1);
      await().until(() -> accepted(get(rehearsal, "GRPCRoute", "default", "checkout-grpc")) == 1);
      JsonNode parent =
          get(rehearsal, "HTTPRoute", "default", "checkout").path("status").path("parents").get(0);
      assertThat(parent.path("parentRef")).isEqualTo(route.path("spec").path("parentRefs").get(0));
      assertThat(parent.path("conditions").findValuesAsText("type"))
          .containsExactly("Accepted", "ResolvedRefs");
      assertThat(rehearsal.awaitStable(rollouts.get(0)).verdict()).isEqualTo(Verdict.HEALTHY);
    }
  }

  @Test
  void aHeldGatewayDoesNotStopTheClockAndWritesWhenReleased() {
    try (Rehearsal rehearsal = start()) {
      rehearsal.gateways().hold();
      Rollout rollout = rehearsal.apply(FILES).get(0);
      await().until(() -> rehearsal.gateways().waiting() == 2);
      // The world goes on without the late gateway: the rollout's first revision becomes stable
      // on the rehearsal's clock (its pods are ready after 10 s of it).
      assertThat(rehearsal.awaitStable(rollout).verdict()).isEqualTo(Verdict.HEALTHY);
      assertThat(accepted(get(rehearsal, "HTTPRoute", "default", "checkout"))).isEqualTo(-1);

      rehearsal.gateways().release();
      await().until(() -> accepted(get(rehearsal, "HTTPRoute", "default", "checkout")) == 1);
      await().until(() -> accepted(get(rehearsal, "GRPCRoute", "default", "checkout-grpc")) == 1);
    }
  }
}
