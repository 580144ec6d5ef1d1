package dev.ramp.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ramp.engine.actions.RolloutActions;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.runtime.RampRuntime;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import dev.ramp.engine.sandbox.NodeSimulator;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A world for the Gateway API router end to end: the embedded API server with Ramp's CRDs and the
 * Gateway API stand-in CRDs, simulated nodes (pods ready at once), and the real Ramp runtime on a
 * clock the test moves, whose plugin host runs the router's JAR as a child process with the
 * runtime's Kubernetes access. There is no Gateway controller: the test is one ({@link #accept}).
 */
final class GatewayApiWorld implements AutoCloseable {

  static final String NS = "shop";
  static final String CONTROLLER_NS = "ramp-system";
  static final String ROUTER = "ramp/gatewayapi";

  /** The controller the test acts as. */
  static final String GATEWAY_CONTROLLER = "example.com/gateway-controller";

  static final ResourceDefinitionContext HTTP_ROUTES =
      new ResourceDefinitionContext.Builder()
          .withGroup("gateway.networking.k8s.io")
          .withVersion("v1")
          .withKind("HTTPRoute")
          .withPlural("httproutes")
          .withNamespaced(true)
          .build();

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The metadata the server fills in; a whole-route comparison leaves them out, and status. */
  static final List<String> SERVER_METADATA =
      List.of("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields");

  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  final EmbeddedCluster cluster;
  final KubernetesClient client;
  final NodeSimulator nodes;
  final RampRuntime runtime;
  final RolloutActions actions;

  /** Route {@code shop} at each generation it had, as first stored (without its status). */
  private final Map<Long, JsonNode> shopVersions = new LinkedHashMap<>();

  private final SharedIndexInformer<GenericKubernetesResource> routes;

  /**
   * @param kubernetesAccess the router's {@code kubernetesAccess} in ramp-config
   */
  GatewayApiWorld(Path dir, boolean kubernetesAccess) {
    List<CustomResourceDefinition> crds = new ArrayList<>(EmbeddedCluster.rampCrds());
    crds.addAll(EmbeddedCluster.gatewayApiCrds());
    cluster = EmbeddedCluster.start(crds, List.of(CONTROLLER_NS, NS));
    client = cluster.client();
    client
        .configMaps()
        .inNamespace(CONTROLLER_NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("ramp-config")
                .endMetadata()
                .addToData(
                    "trafficRouterPlugins",
                    "- name: "
                        + ROUTER
                        + "\n  location: "
                        + TestPlugins.gatewayApiJar()
                        + "\n  callDeadline: 30s\n"
                        + (kubernetesAccess ? "  kubernetesAccess: true\n" : ""))
                .build())
        .create();
    for (String service : List.of("shop-stable", "shop-canary", "shop-audit", "shop-static")) {
      client
          .services()
          .inNamespace(NS)
          .resource(
              new ServiceBuilder()
                  .withNewMetadata()
                  .withName(service)
                  .endMetadata()
                  .withNewSpec()
                  .addToSelector("app", service.equals("shop-static") ? "static" : "shop")
                  .addNewPort()
                  .withPort(80)
                  .endPort()
                  .endSpec()
                  .build())
          .create();
    }
    routes =
        client
            .genericKubernetesResources(HTTP_ROUTES)
            .inNamespace(NS)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(GenericKubernetesResource route) {
                    seen(route);
                  }

                  @Override
                  public void onUpdate(
                      GenericKubernetesResource old, GenericKubernetesResource route) {
                    seen(route);
                  }

                  @Override
                  public void onDelete(GenericKubernetesResource route, boolean unknown) {}
                });
    // Pods are ready as soon as a ReplicaSet asks for them.
    nodes = NodeSimulator.onClock(client, Duration.ZERO, clock, () -> {}).start();
    runtime =
        new RampRuntime(
            cluster.newClient(),
            RampRuntime.Settings.defaults(CONTROLLER_NS)
                .withClock(clock)
                .withPluginHost(
                    PluginHost.Settings.defaults()
                        .withRunnerJar(TestPlugins.runnerJar())
                        .withCacheDir(dir.resolve("cache"))
                        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))));
    actions = new RolloutActions(client, clock);
    runtime.start();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> runtime.pluginHost().trafficRouterClient().availability(ROUTER).isReady());
  }

  private void seen(GenericKubernetesResource route) {
    if (!route.getMetadata().getName().equals("shop")) {
      return;
    }
    synchronized (shopVersions) {
      shopVersions.putIfAbsent(
          route.getMetadata().getGeneration(), withoutServerFields(tree(route)));
    }
  }

  /** Route {@code shop} at each generation it had, oldest first (without its status). */
  List<JsonNode> shopVersions() {
    synchronized (shopVersions) {
      return List.copyOf(shopVersions.values());
    }
  }

  /** A test resource's text. */
  static String resource(String name) {
    try (InputStream in = GatewayApiWorld.class.getResourceAsStream("/gatewayapi/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource /gatewayapi/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A route fixture as a tree, exactly as written. */
  static JsonNode fixture(String name) {
    try {
      return YAML.readTree(resource("routes/" + name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a route from a fixture, under another name if {@code name} is not null. */
  void createRoute(String fixture, String name) {
    GenericKubernetesResource route =
        Serialization.unmarshal(resource("routes/" + fixture), GenericKubernetesResource.class);
    if (name != null) {
      route.getMetadata().setName(name);
    }
    client.genericKubernetesResources(HTTP_ROUTES).inNamespace(NS).resource(route).create();
  }

  /** The route as the server stores it, whole. */
  JsonNode route(String name) {
    return tree(
        client.genericKubernetesResources(HTTP_ROUTES).inNamespace(NS).withName(name).get());
  }

  static long generation(JsonNode route) {
    return route.path("metadata").path("generation").asLong();
  }

  /**
   * As the Gateway controller: accepts the route at the generation it has now, writing {@code
   * status.parents} (Accepted and ResolvedRefs True for its parent) through the status subresource.
   * Returns that generation.
   */
  long accept(String name) {
    JsonNode route = route(name);
    long generation = generation(route);
    ArrayNode parents = JsonNodeFactory.instance.arrayNode();
    for (JsonNode ref : route.path("spec").path("parentRefs")) {
      ObjectNode parent = parents.addObject();
      parent.set("parentRef", ref.deepCopy());
      parent.put("controllerName", GATEWAY_CONTROLLER);
      ArrayNode conditions = parent.putArray("conditions");
      for (String type : List.of("Accepted", "ResolvedRefs")) {
        conditions
            .addObject()
            .put("type", type)
            .put("status", "True")
            .put("reason", type)
            .put("message", "")
            .put("observedGeneration", generation)
            .put("lastTransitionTime", clock.instant().toString());
      }
    }
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("status").set("parents", parents);
    client
        .genericKubernetesResources(HTTP_ROUTES)
        .inNamespace(NS)
        .withName(name)
        .subresource("status")
        .patch(MERGE, patch.toString());
    return generation;
  }

  /** Asserts that the stored route is, whole (server metadata and status left out), the fixture. */
  static void assertRoute(JsonNode route, String fixture) {
    JsonNode actual = withoutServerFields(route);
    JsonNode expected = fixture(fixture);
    assertThat(actual)
        .as("the route, whole:%n%s%nis not %s:%n%s", yaml(actual), fixture, yaml(expected))
        .isEqualTo(expected);
  }

  static JsonNode withoutServerFields(JsonNode route) {
    ObjectNode copy = (ObjectNode) route.deepCopy();
    copy.remove("status");
    if (copy.path("metadata") instanceof ObjectNode metadata) {
      metadata.remove(SERVER_METADATA);
    }
    return copy;
  }

  static String yaml(JsonNode tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode tree(Object object) {
    // Through JSON text: numbers as the server has them.
    try {
      return YAML.readTree(Serialization.asJson(object));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates the Rollout {@code name} of rollout.yaml, with the router config {@code config} (JSON)
   * if not null.
   */
  Rollout createRollout(String name, String config) {
    Rollout rollout = null;
    for (String document : resource("rollout.yaml").split("\n---\n")) {
      Rollout r = Serialization.unmarshal(document, Rollout.class);
      if (r.getMetadata().getName().equals(name)) {
        rollout = r;
      }
    }
    if (rollout == null) {
      throw new IllegalArgumentException("rollout.yaml has no Rollout " + name);
    }
    if (config != null) {
      try {
        rollout.getSpec().strategy.canary.trafficRouting.plugins.put(ROUTER, YAML.readTree(config));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return client.resources(Rollout.class).inNamespace(NS).resource(rollout).create();
  }

  Rollout rollout(String name) {
    return client.resources(Rollout.class).inNamespace(NS).withName(name).get();
  }

  /** Waits for the rollout to satisfy {@code p}; the controller works on wall time meanwhile. */
  Rollout await(String name, Predicate<Rollout> p) {
    return org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> rollout(name), r -> r != null && r.getStatus() != null && p.test(r));
  }

  /** Moves the controller's clock on and tells everyone who counts on it. */
  void advance(Duration duration) {
    clock.advance(duration);
    nodes.clockAdvanced();
    runtime.clockAdvanced();
  }

  /** The Warning Events on the object {@code name}, oldest first, as "reason: message". */
  List<String> warnings(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .filter(e -> "Warning".equals(e.getType()))
        .sorted(
            Comparator.comparing((Event e) -> Long.parseLong(e.getMetadata().getResourceVersion())))
        .map(e -> e.getReason() + ": " + e.getMessage())
        .toList();
  }

  @Override
  public void close() {
    runtime.close();
    routes.close();
    nodes.close();
    cluster.close();
  }
}
