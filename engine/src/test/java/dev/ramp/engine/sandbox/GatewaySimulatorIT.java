package dev.ramp.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Gateway controller stand-in against the embedded API server with the Gateway API stand-in
 * CRDs: it accepts routes at their generation after each spec change, and its writes can be held (a
 * late Gateway controller) or stalled in progress (work the rehearsal's clock waits for).
 */
class GatewaySimulatorIT {

  static final String ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: %s
      metadata: {name: shop, namespace: shop}
      spec:
        parentRefs: [{name: public, namespace: gateways}]
        rules: [{backendRefs: [{name: shop-stable, port: 80, weight: 100}]}]
      """;

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

  private final CountDownLatch stalled = new CountDownLatch(1);
  private final CountDownLatch go = new CountDownLatch(1);
  private volatile boolean stall;

  private EmbeddedCluster cluster;
  private GatewaySimulator gateway;

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.start(EmbeddedCluster.gatewayApiCrds(), List.of("shop"));
    gateway =
        new GatewaySimulator(
                cluster.client(),
                CLOCK,
                () -> {
                  if (stall) {
                    stalled.countDown();
                    try {
                      go.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                })
            .start();
  }

  @AfterEach
  void stop() {
    go.countDown();
    gateway.close();
    cluster.close();
  }

  KubernetesClient client() {
    return cluster.client();
  }

  GenericKubernetesResource create(GatewayApi.Kind kind) {
    return create(kind, "shop");
  }

  GenericKubernetesResource create(GatewayApi.Kind kind, String name) {
    GenericKubernetesResource route =
        Serialization.unmarshal(ROUTE.formatted(kind.kind()), GenericKubernetesResource.class);
    route.getMetadata().setName(name);
    return client()
        .genericKubernetesResources(kind.context())
        .inNamespace("shop")
        .resource(route)
        .create();
  }

  JsonNode stored(GatewayApi.Kind kind) {
    return stored(kind, "shop");
  }

  JsonNode stored(GatewayApi.Kind kind, String name) {
    return Serialization.jsonMapper()
        .valueToTree(
            client()
                .genericKubernetesResources(kind.context())
                .inNamespace("shop")
                .withName(name)
                .get());
  }

  static long generation(JsonNode route) {
    return route.path("metadata").path("generation").asLong();
  }

  /** The generation the stand-in's Accepted condition names, or -1 before it wrote one. */
  static long accepted(JsonNode route) {
    JsonNode parent = route.path("status").path("parents").path(0);
    if (!GatewaySimulator.CONTROLLER_NAME.equals(parent.path("controllerName").asText())) {
      return -1;
    }
    JsonNode condition = parent.path("conditions").path(0);
    assertThat(condition.path("type").asText()).isEqualTo("Accepted");
    assertThat(condition.path("status").asText()).isEqualTo("True");
    return condition.path("observedGeneration").asLong();
  }

  void changeSpec(GatewayApi.Kind kind) {
    var routes = client().genericKubernetesResources(kind.context()).inNamespace("shop");
    ObjectNode tree = Serialization.jsonMapper().valueToTree(routes.withName("shop").get());
    ((ObjectNode) tree.get("spec")).putArray("hostnames").add("shop.example.com");
    routes
        .resource(Serialization.jsonMapper().convertValue(tree, GenericKubernetesResource.class))
        .update();
  }

  @Test
  void routesAreAcceptedAtTheirGenerationAfterEachSpecChange() {
    for (GatewayApi.Kind kind : GatewayApi.ROUTES) {
      create(kind);
      await().until(() -> accepted(stored(kind)) == 1);
      JsonNode first = stored(kind);
      assertThat(first.path("status").path("parents").path(0).path("parentRef"))
          .isEqualTo(first.path("spec").path("parentRefs").path(0));

      changeSpec(kind);
      await().until(() -> accepted(stored(kind)) == 2);
      assertThat(generation(stored(kind)))
          .as("the status write leaves the generation alone")
          .isEqualTo(2);
    }
    await().until(gateway::isIdle);
    // A status read back is not a change: no write follows its own (a guard against a loop, which
    // would also have rewritten the first route by the time a later one is accepted).
    String version =
        stored(GatewayApi.HTTP_ROUTE).path("metadata").path("resourceVersion").asText();
    create(GatewayApi.HTTP_ROUTE, "later");
    await().until(() -> accepted(stored(GatewayApi.HTTP_ROUTE, "later")) == 1);
    assertThat(stored(GatewayApi.HTTP_ROUTE).path("metadata").path("resourceVersion").asText())
        .isEqualTo(version);
  }

  @Test
  void heldWritesWaitWithoutCountingAsWorkAndAWriteInProgressCounts() throws Exception {
    gateway.hold();
    create(GatewayApi.HTTP_ROUTE);
    await().until(() -> gateway.waiting() == 1);
    assertThat(gateway.isIdle()).as("a late gateway is not the world's work").isTrue();
    assertThat(accepted(stored(GatewayApi.HTTP_ROUTE))).isEqualTo(-1);

    stall = true;
    gateway.release();
    assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(gateway.isIdle()).as("a status being written is work").isFalse();
    assertThat(gateway.waiting()).isZero();

    go.countDown();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> accepted(stored(GatewayApi.HTTP_ROUTE)) == 1);
    await().until(gateway::isIdle);
  }
}
