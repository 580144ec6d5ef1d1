package dev.ramp.plugins.gatewayapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * An API server for the integration tests: fabric8's mock server in CRUD mode on 127.0.0.1, with
 * the Gateway API CRDs (HTTPRoute, GRPCRoute) registered with a status subresource, so that a write
 * of the main resource leaves the status alone as a real server does. The plugin reaches it through
 * the kubeconfig this class writes.
 *
 * <p>What the mock does with {@code metadata.generation} (fabric8 7.5.2, checked by the tests): 1
 * on create, one more on each write that changes anything outside {@code metadata} and {@code
 * status}, unchanged by a status write; like a real server. No Gateway controller writes {@code
 * status.parents}: a test does, through {@link #writeStatus}.
 *
 * <p>The seam for conflicts: {@link #beforeNextUpdate} runs another writer's change inside the
 * server just before it handles the next PUT of a route, so that PUT carries a stale
 * resourceVersion and is answered 409 Conflict, deterministically.
 */
final class GatewayCluster implements AutoCloseable {

  static final String GROUP = "gateway.networking.k8s.io";

  private final SeamDispatcher dispatcher;
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Path kubeconfig;

  private GatewayCluster(
      SeamDispatcher dispatcher,
      KubernetesMockServer server,
      KubernetesClient client,
      Path kubeconfig) {
    this.dispatcher = dispatcher;
    this.server = server;
    this.client = client;
    this.kubeconfig = kubeconfig;
  }

  static GatewayCluster start(Path dir, String... namespaces) {
    SeamDispatcher dispatcher = new SeamDispatcher();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    client.apiextensions().v1().customResourceDefinitions().resource(crd("HTTPRoute")).create();
    client.apiextensions().v1().customResourceDefinitions().resource(crd("GRPCRoute")).create();
    for (String namespace : namespaces) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
    String url = "http://" + server.getHostName() + ":" + server.getPort();
    Path kubeconfig = dir.resolve("kubeconfig");
    try {
      Files.writeString(
          kubeconfig,
          String.join(
              "\n",
              "apiVersion: v1",
              "kind: Config",
              "clusters:",
              "- name: mock",
              "  cluster:",
              "    server: " + url,
              "contexts:",
              "- name: mock",
              "  context:",
              "    cluster: mock",
              "    user: ramp",
              "current-context: mock",
              "users:",
              "- name: ramp",
              "  user: {}",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new GatewayCluster(dispatcher, server, client, kubeconfig);
  }

  static CustomResourceDefinition crd(String kind) {
    String plural = kind.toLowerCase(java.util.Locale.ROOT) + "s";
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName(plural + "." + GROUP)
        .endMetadata()
        .withNewSpec()
        .withGroup(GROUP)
        .withScope("Namespaced")
        .withNewNames()
        .withKind(kind)
        .withListKind(kind + "List")
        .withPlural(plural)
        .withSingular(kind.toLowerCase(java.util.Locale.ROOT))
        .endNames()
        .addNewVersion()
        .withName("v1")
        .withServed(true)
        .withStorage(true)
        .withNewSubresources()
        .withNewStatus()
        .endStatus()
        .endSubresources()
        .withNewSchema()
        .withNewOpenAPIV3Schema()
        .withType("object")
        .withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema()
        .endSchema()
        .endVersion()
        .endSpec()
        .build();
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  KubernetesClient client() {
    return client;
  }

  /** Creates a route from YAML as written (no Java model in between). */
  JsonNode create(String yaml) {
    GenericKubernetesResource route =
        Fixtures.SERIALIZATION.unmarshal(yaml, GenericKubernetesResource.class);
    return tree(
        client
            .genericKubernetesResources(route.getApiVersion(), route.getKind())
            .inNamespace(route.getMetadata().getNamespace())
            .resource(route)
            .create());
  }

  /** The route exactly as the server stores it. */
  JsonNode route(String plural, String namespace, String name) {
    String json =
        client.raw("/apis/" + GROUP + "/v1/namespaces/" + namespace + "/" + plural + "/" + name);
    try {
      return Fixtures.JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode httpRoute(String namespace, String name) {
    return route("httproutes", namespace, name);
  }

  /** Writes the route's status, as a Gateway controller does (through the status subresource). */
  void writeStatus(String namespace, String name, Consumer<ObjectNode> status) {
    GenericKubernetesResource route =
        client
            .genericKubernetesResources(GROUP + "/v1", "HTTPRoute")
            .inNamespace(namespace)
            .withName(name)
            .get();
    ObjectNode tree = (ObjectNode) tree(route);
    ObjectNode statusNode = tree.putObject("status");
    status.accept(statusNode);
    GenericKubernetesResource updated =
        Fixtures.SERIALIZATION.convertValue(tree, GenericKubernetesResource.class);
    client
        .genericKubernetesResources(GROUP + "/v1", "HTTPRoute")
        .inNamespace(namespace)
        .resource(updated)
        .updateStatus();
  }

  void deleteRoutes(String namespace) {
    client.genericKubernetesResources(GROUP + "/v1", "HTTPRoute").inNamespace(namespace).delete();
    client.genericKubernetesResources(GROUP + "/v1", "GRPCRoute").inNamespace(namespace).delete();
  }

  /**
   * Before the server handles the next PUT of the route {@code namespace/plural/name}, another
   * writer changes the stored route (its spec, with a new resourceVersion and generation).
   */
  void beforeNextUpdate(String plural, String namespace, String name, Consumer<ObjectNode> change) {
    dispatcher.arm(
        "/apis/" + GROUP + "/v1/namespaces/" + namespace + "/" + plural + "/" + name, change);
  }

  /** PUTs of routes the server answered, and how many of them with 409 Conflict. */
  int routePuts() {
    return dispatcher.routePuts.get();
  }

  int routeConflicts() {
    return dispatcher.routeConflicts.get();
  }

  static JsonNode tree(Object object) {
    try {
      return Fixtures.JSON.readTree(Fixtures.SERIALIZATION.asJson(object));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /** The CRUD dispatcher with the conflict seam and a count of route writes. */
  private static final class SeamDispatcher extends KubernetesCrudDispatcher {
    private final AtomicReference<Map.Entry<String, Consumer<ObjectNode>>> armed =
        new AtomicReference<>();
    final AtomicInteger routePuts = new AtomicInteger();
    final AtomicInteger routeConflicts = new AtomicInteger();

    SeamDispatcher() {
      super(List.of());
    }

    void arm(String path, Consumer<ObjectNode> change) {
      armed.set(Map.entry(path, change));
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
      String path = request.getPath();
      boolean route = path.startsWith("/apis/" + GROUP + "/") && !path.endsWith("/status");
      Map.Entry<String, Consumer<ObjectNode>> interloper = armed.get();
      if (route && interloper != null && path.startsWith(interloper.getKey())) {
        armed.set(null);
        anotherWriter(interloper.getKey(), interloper.getValue());
      }
      MockResponse response = super.handleUpdate(request);
      if (route) {
        routePuts.incrementAndGet();
        if (response.code() == 409) {
          routeConflicts.incrementAndGet();
        }
      }
      return response;
    }

    private void anotherWriter(String path, Consumer<ObjectNode> change) {
      AttributeSet key = getKey(path);
      Map.Entry<AttributeSet, String> stored = findResource(key);
      try {
        ObjectNode route = (ObjectNode) Fixtures.JSON.readTree(stored.getValue());
        change.accept(route);
        ObjectNode metadata = (ObjectNode) route.get("metadata");
        metadata.put("resourceVersion", String.valueOf(requestResourceVersion()));
        metadata.put("generation", metadata.path("generation").asLong() + 1);
        map.put(stored.getKey(), Fixtures.JSON.writeValueAsString(route));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
