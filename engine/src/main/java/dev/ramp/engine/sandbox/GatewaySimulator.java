package dev.ramp.engine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for a Gateway controller in the embedded cluster, as {@link NodeSimulator} stands in
 * for the kubelets: for each {@code HTTPRoute} and {@code GRPCRoute} it writes {@code
 * status.parents} — one entry per {@code spec.parentRefs} entry, with {@code controllerName}
 * {@value #CONTROLLER_NAME} and the conditions {@code Accepted} and {@code ResolvedRefs} True at
 * the route's {@code metadata.generation} — after each change of the route's spec. So a router that
 * verifies its weights from the routes' status (the Gateway API router's {@code VerifyWeight}) sees
 * them taken, as behind a real gateway. Every parent is accepted, whether or not a Gateway of that
 * name exists; there is no data plane. Entries of other controllers are kept; a route without
 * parentRefs gets none.
 *
 * <p>The clock seams: {@link #isIdle()} is false while a status is due or being written, so a
 * rehearsal's clock waits for it. {@link #hold()} makes it a late Gateway controller: the writes
 * wait until {@link #release()}, and meanwhile it counts as idle (a gateway that is late is not
 * work the world's clock waits for: the clock goes on, and the controller asks again).
 */
public final class GatewaySimulator implements AutoCloseable {

  /** The {@code controllerName} of the entries it writes. */
  public static final String CONTROLLER_NAME = "ramp.dev/rehearsal-gateway";

  private static final Logger LOG = LoggerFactory.getLogger(GatewaySimulator.class);
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
  private static final String MESSAGE = "accepted by Ramp's rehearsal Gateway stand-in";

  private final KubernetesClient client;
  private final Clock clock;
  private final ExecutorService writer;
  private final Runnable beforeWrite;
  private final Object lock = new Object();
  private final Map<String, Route> pending = new LinkedHashMap<>();
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
  private int running;
  private boolean held;

  /** A route whose status may be due. */
  private record Route(GatewayApi.Kind kind, String namespace, String name) {
    String key() {
      return kind.plural() + "/" + namespace + "/" + name;
    }
  }

  /**
   * @param clock the time the conditions' {@code lastTransitionTime} is written with
   */
  public GatewaySimulator(KubernetesClient client, Clock clock) {
    this(client, clock, () -> {});
  }

  /**
   * @param beforeWrite runs before each look at a route whose status is due (a test's seam to stall
   *     a write in progress)
   */
  GatewaySimulator(KubernetesClient client, Clock clock, Runnable beforeWrite) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.beforeWrite = Objects.requireNonNull(beforeWrite, "beforeWrite");
    this.writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "ramp-gateway-simulator");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts watching HTTPRoutes and GRPCRoutes in every namespace. */
  public GatewaySimulator start() {
    for (GatewayApi.Kind kind : GatewayApi.ROUTES) {
      informers.add(
          client
              .genericKubernetesResources(kind.context())
              .inAnyNamespace()
              .inform(
                  new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource route) {
                      look(kind, route);
                    }

                    @Override
                    public void onUpdate(
                        GenericKubernetesResource old, GenericKubernetesResource route) {
                      look(kind, route);
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource route, boolean unknown) {}
                  }));
    }
    return this;
  }

  /** Holds the status writes until {@link #release()}: a late Gateway controller. */
  public void hold() {
    synchronized (lock) {
      held = true;
    }
  }

  /** Writes what is due, and from now on writes at once again. */
  public void release() {
    synchronized (lock) {
      held = false;
    }
    kick();
  }

  /** How many routes wait for a status write (while held, those it holds back). */
  public int waiting() {
    synchronized (lock) {
      return pending.size();
    }
  }

  /** True when no status is being written and none is due (or all that are due are held). */
  public boolean isIdle() {
    synchronized (lock) {
      return running == 0 && (held || pending.isEmpty());
    }
  }

  private void look(GatewayApi.Kind kind, GenericKubernetesResource route) {
    if (route.getMetadata().getDeletionTimestamp() != null || !due(tree(route))) {
      return;
    }
    Route r = new Route(kind, route.getMetadata().getNamespace(), route.getMetadata().getName());
    synchronized (lock) {
      pending.put(r.key(), r);
    }
    kick();
  }

  private void kick() {
    List<Route> now;
    synchronized (lock) {
      if (held || pending.isEmpty()) {
        return;
      }
      now = new ArrayList<>(pending.values());
      pending.clear();
      running += now.size();
    }
    for (Route route : now) {
      try {
        writer.execute(
            () -> {
              try {
                beforeWrite.run();
                write(route);
              } finally {
                finished();
              }
            });
      } catch (RejectedExecutionException closed) {
        finished();
      }
    }
  }

  private void finished() {
    synchronized (lock) {
      running--;
    }
  }

  /** Reads the route and merge-patches its {@code status.parents} if they are not up to date. */
  private void write(Route route) {
    var resource =
        client
            .genericKubernetesResources(route.kind().context())
            .inNamespace(route.namespace())
            .withName(route.name());
    try {
      GenericKubernetesResource current = resource.get();
      if (current == null) {
        return;
      }
      ObjectNode tree = tree(current);
      ArrayNode parents = parents(tree, now());
      if (parents.equals(NUMBERS_BY_VALUE, current(tree))) {
        return;
      }
      ObjectNode patch = JsonNodeFactory.instance.objectNode();
      patch.putObject("status").set("parents", parents);
      resource.subresource("status").patch(MERGE, patch.toString());
    } catch (KubernetesClientException e) {
      // Deleted or changed meanwhile: the informer brings the next version.
      LOG.debug("gateway simulator: {}: {}", route.key(), e.getMessage());
    }
  }

  /** Whether the route's status does not yet say what this controller would write. */
  static boolean due(ObjectNode route) {
    return !parents(route, "").equals(NUMBERS_BY_VALUE, current(route));
  }

  /**
   * Numbers equal by value: a generation read back from the server is an int node, the one written
   * a long one, and a difference of node types must not look like a change (each write would bring
   * another).
   */
  private static final java.util.Comparator<JsonNode> NUMBERS_BY_VALUE =
      (a, b) ->
          a.isNumber() && b.isNumber()
              ? a.decimalValue().compareTo(b.decimalValue())
              : a.equals(b) ? 0 : 1;

  /** The route's {@code status.parents}; none written is none. */
  private static JsonNode current(ObjectNode route) {
    JsonNode parents = route.path("status").path("parents");
    return parents.isArray() ? parents : JsonNodeFactory.instance.arrayNode();
  }

  /**
   * The route's {@code status.parents} as this controller writes them: the other controllers'
   * entries as they are, then one of its own per parentRef, Accepted and ResolvedRefs True at the
   * route's generation. A condition that was True already keeps its {@code lastTransitionTime};
   * otherwise it gets {@code now}.
   */
  static ArrayNode parents(ObjectNode route, String now) {
    long generation = route.path("metadata").path("generation").asLong(1);
    JsonNode existing = route.path("status").path("parents");
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (JsonNode entry : existing) {
      if (!CONTROLLER_NAME.equals(entry.path("controllerName").asText())) {
        out.add(entry.deepCopy());
      }
    }
    for (JsonNode ref : route.path("spec").path("parentRefs")) {
      ObjectNode entry = out.addObject();
      entry.set("parentRef", ref.deepCopy());
      entry.put("controllerName", CONTROLLER_NAME);
      ArrayNode conditions = entry.putArray("conditions");
      for (String type : List.of("Accepted", "ResolvedRefs")) {
        String since = transitionTime(existing, ref, type);
        conditions
            .addObject()
            .put("type", type)
            .put("status", "True")
            .put("reason", type)
            .put("message", MESSAGE)
            .put("observedGeneration", generation)
            .put("lastTransitionTime", since != null ? since : now);
      }
    }
    return out;
  }

  /** When this controller's condition {@code type} for {@code ref} became True, if it is. */
  private static String transitionTime(JsonNode existing, JsonNode ref, String type) {
    for (JsonNode entry : existing) {
      if (CONTROLLER_NAME.equals(entry.path("controllerName").asText())
          && ref.equals(entry.path("parentRef"))) {
        for (JsonNode c : entry.path("conditions")) {
          if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
            return c.path("lastTransitionTime").asText(null);
          }
        }
      }
    }
    return null;
  }

  private String now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static ObjectNode tree(GenericKubernetesResource route) {
    return Serialization.jsonMapper().valueToTree(route);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    writer.shutdownNow();
  }
}
