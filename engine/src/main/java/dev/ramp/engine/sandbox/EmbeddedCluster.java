package dev.ramp.engine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * An in-process Kubernetes API for `ramp demo`, `ramp run` and tests: fabric8's mock server in CRUD
 * mode on 127.0.0.1, with Ramp's CRDs registered (so status is a subresource, as on a real server),
 * JSON merge patches as RFC 7386 says, and the discovery documents kubectl needs. The controller
 * talks to it with the same client code it uses against a real cluster.
 */
public final class EmbeddedCluster implements AutoCloseable {

  private final KubernetesMockServer server;
  private final RfcMergeDispatcher dispatcher;
  private final DiscoveryDispatcher front;
  private final KubernetesClient client;

  private EmbeddedCluster(
      KubernetesMockServer server,
      RfcMergeDispatcher dispatcher,
      DiscoveryDispatcher front,
      KubernetesClient client) {
    this.server = server;
    this.dispatcher = dispatcher;
    this.front = front;
    this.client = client;
  }

  /**
   * A count that moves when a write (create, update, patch, delete) reaches the server and again
   * when it is answered: unchanged between two looks, no write happened between them. The watch
   * events a write causes reach informers a little after; a caller waiting for quiet gives them a
   * moment.
   */
  public long writes() {
    return front.writes();
  }

  /**
   * Starts a server on a free loopback port.
   *
   * @param crds the custom resource definitions to register, e.g. Ramp's from {@code config/crd}
   * @param namespaces namespaces to create
   */
  public static EmbeddedCluster start(
      List<CustomResourceDefinition> crds, List<String> namespaces) {
    return start(crds, namespaces, java.time.Clock.systemUTC());
  }

  /**
   * Starts a server whose clock is the world's: creation times and every answer's {@code Date}
   * header come from it, so that views reading the server's time agree with what a controller on
   * the same clock writes (a rehearsal's clock runs faster than the machine's).
   */
  public static EmbeddedCluster start(
      List<CustomResourceDefinition> crds, List<String> namespaces, java.time.Clock clock) {
    RfcMergeDispatcher dispatcher = new RfcMergeDispatcher(clock);
    DiscoveryDispatcher front =
        new DiscoveryDispatcher(dispatcher, new PrinterTables(crds, clock), clock);
    KubernetesMockServer server =
        new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), front, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    for (CustomResourceDefinition crd : crds) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
    for (String namespace : namespaces) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
    return new EmbeddedCluster(server, dispatcher, front, client);
  }

  /** Registers a CRD read from YAML (as in config/crd/). */
  public void registerCrd(java.io.InputStream yaml) {
    CustomResourceDefinition crd =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            yaml, CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  /** Registers every Ramp CRD (see {@link #rampCrds()}). */
  public void registerRampCrds() {
    for (CustomResourceDefinition crd : rampCrds()) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
  }

  /**
   * Ramp's CRDs as the jar carries them under /crd/ (config/crd/ at build time). A jar's folder
   * cannot be listed, so the files are the ones config/crd/kustomization.yaml names: the list a
   * cluster install uses too, kept in one place.
   */
  public static List<CustomResourceDefinition> rampCrds() {
    List<CustomResourceDefinition> crds = new java.util.ArrayList<>();
    for (JsonNode file : readCrdResource("kustomization.yaml").path("resources")) {
      crds.add(
          io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
              readCrdResource(file.asText()).toString(), CustomResourceDefinition.class));
    }
    if (crds.isEmpty()) {
      throw new IllegalStateException("/crd/kustomization.yaml in the jar names no CRD files");
    }
    return crds;
  }

  /**
   * Stand-in CRDs for Gateway API's {@code GatewayClass}, {@code Gateway}, {@code HTTPRoute} and
   * {@code GRPCRoute} ({@code gateway.networking.k8s.io/v1}): enough for the mock server to serve
   * their paths with {@code status} as a subresource, not the upstream schemas (nothing is
   * validated or pruned). A rehearsal registers them so that a router plugin finds its routes.
   */
  public static List<CustomResourceDefinition> gatewayApiCrds() {
    return GatewayApi.crds();
  }

  private static JsonNode readCrdResource(String name) {
    try (java.io.InputStream in = EmbeddedCluster.class.getResourceAsStream("/crd/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no /crd/" + name + "; rebuild it");
      }
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /crd/" + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stores objects as they are (a missing uid or creation time is filled in, the resourceVersion is
   * assigned) without one request each: the mock scans every stored object on each request, so
   * creating tens of thousands one by one would take hours. For benchmarks: no watch event is sent,
   * so load before any informer starts. Register a custom resource's CRD first.
   */
  public void preload(
      java.util.Collection<? extends io.fabric8.kubernetes.api.model.HasMetadata> objects) {
    String now =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    for (io.fabric8.kubernetes.api.model.HasMetadata o : objects) {
      var meta = o.getMetadata();
      if (meta.getUid() == null) {
        meta.setUid(java.util.UUID.randomUUID().toString());
      }
      if (meta.getCreationTimestamp() == null) {
        meta.setCreationTimestamp(now);
      }
      meta.setResourceVersion(String.valueOf(dispatcher.requestResourceVersion()));
      String json = io.fabric8.kubernetes.client.utils.Serialization.asJson(o);
      // The key a POST to the collection would store it under: the path's attributes (plural,
      // group, version, namespace) with the object's own (kind, name, labels).
      String group = o.getApiVersion().contains("/") ? "/apis/" : "/api/";
      String path =
          group
              + o.getApiVersion()
              + "/namespaces/"
              + meta.getNamespace()
              + "/"
              + io.fabric8.kubernetes.api.model.HasMetadata.getPlural(o.getClass());
      var extractor = dispatcher.getAttributeExtractor();
      dispatcher
          .getMap()
          .put(
              io.fabric8.mockwebserver.crud.AttributeSet.merge(
                  extractor.fromPath(path), extractor.fromResource(json)),
              json);
    }
  }

  /** A client of this server (closed with it). */
  public KubernetesClient client() {
    return client;
  }

  /** A new client from a plain fabric8 {@link Config}, as the controller builds one. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /** The client configuration: plain HTTP on loopback, no credentials. */
  public Config config() {
    Config config = Config.empty();
    config.setMasterUrl(url());
    config.setTrustCerts(true);
    config.setNamespace("default");
    return config;
  }

  /** The API server's URL, e.g. {@code http://127.0.0.1:40123}. */
  public String url() {
    return "http://" + server.getHostName() + ":" + server.getPort();
  }

  /** Writes a kubeconfig for kubectl and `ramp` to use, and returns its path. */
  public Path writeKubeconfig(Path file) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: ramp-embedded",
            "  cluster:",
            "    server: " + url(),
            "contexts:",
            "- name: ramp-embedded",
            "  context:",
            "    cluster: ramp-embedded",
            "    namespace: default",
            "    user: ramp-embedded",
            "current-context: ramp-embedded",
            "users:",
            "- name: ramp-embedded",
            "  user: {}",
            "");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write kubeconfig " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
