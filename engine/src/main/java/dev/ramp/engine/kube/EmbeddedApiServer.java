package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1, with two fixes a controller needs: JSON
 * merge patches follow RFC 7386 (the mock's own merge appends to arrays and keeps nulls, so a
 * status patch would duplicate conditions), and CRDs can be registered so that writes to a resource
 * ignore its status, as a real server does. For tests and {@code ramp demo}.
 */
public final class EmbeddedApiServer implements AutoCloseable {
  private final KubernetesMockServer server;
  private final RfcMergeDispatcher dispatcher;
  private final KubernetesClient client;

  private EmbeddedApiServer(KubernetesMockServer server, RfcMergeDispatcher dispatcher) {
    this.server = server;
    this.dispatcher = dispatcher;
    this.client = server.createClient();
  }

  /** Starts a server on a free port of 127.0.0.1. */
  public static EmbeddedApiServer start() {
    RfcMergeDispatcher dispatcher = new RfcMergeDispatcher();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the embedded API server: " + e, e);
    }
    return new EmbeddedApiServer(server, dispatcher);
  }

  /** Registers a CRD read from YAML (as in config/crd/). */
  public void registerCrd(InputStream yaml) {
    CustomResourceDefinition crd = Serialization.unmarshal(yaml, CustomResourceDefinition.class);
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
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
      String json = Serialization.asJson(o);
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

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /** The CRUD dispatcher with an RFC 7386 merge. */
  static final class RfcMergeDispatcher extends KubernetesCrudDispatcher {
    @Override
    public JsonNode merge(JsonNode current, String patch) throws KubernetesCrudDispatcherException {
      try {
        return mergeNode(current.deepCopy(), Serialization.jsonMapper().readTree(patch));
      } catch (IOException e) {
        throw new KubernetesCrudDispatcherException("invalid merge patch: " + e.getMessage(), 400);
      }
    }

    static JsonNode mergeNode(JsonNode target, JsonNode patch) {
      if (!patch.isObject()) {
        return patch;
      }
      ObjectNode out =
          target != null && target.isObject()
              ? (ObjectNode) target
              : JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isNull()) {
          out.remove(e.getKey());
        } else {
          out.set(e.getKey(), mergeNode(out.get(e.getKey()), e.getValue()));
        }
      }
      return out;
    }
  }
}
