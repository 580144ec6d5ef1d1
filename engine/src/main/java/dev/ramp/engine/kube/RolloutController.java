package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.canary.CanaryReconciler;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.plugin.StepPluginClient;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Rollout controller: informers on Rollouts, their ReplicaSets and Services feed a work queue;
 * each key is reconciled by one worker at a time. A reconcile reads the informer caches, asks the
 * {@link CanaryReconciler} for a plan, writes ReplicaSets and Services, then the status as one JSON
 * merge patch carrying the resourceVersion it read (a stale read gets 409 and is recomputed), then
 * Events.
 */
public final class RolloutController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  /** Called just before a status write; a test throws from it to "kill" the controller there. */
  interface BeforeStatusWrite {
    void beforeWrite(Rollout rollout, RolloutStatus status);
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final StepPluginClient stepPlugins;
  private volatile CanaryReconciler reconciler;
  private final WorkQueue queue;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private volatile BeforeStatusWrite beforeStatusWrite = (r, s) -> {};
  private String instanceId;
  private ReconcileMetrics metrics = ReconcileMetrics.NONE;
  private volatile boolean started;
  private SharedIndexInformer<Rollout> rollouts;
  private final OwnWrites<Rollout> ownWrites = new OwnWrites<>();

  /** Reads a Rollout from the informer's cache; a test stands in a lagging cache here. */
  interface CachedReads {
    Rollout get(String key);
  }

  private volatile CachedReads cachedReads = key -> rollouts.getStore().getByKey(key);
  private SharedIndexInformer<ReplicaSet> replicaSets;
  private SharedIndexInformer<Service> services;

  /**
   * @param namespace the namespace to watch, or null for all
   * @param workers reconcile threads
   */
  public RolloutController(KubernetesClient client, String namespace, Clock clock, int workers) {
    this(client, namespace, clock, workers, CanaryReconciler.noPlugins());
  }

  /**
   * @param namespace the namespace to watch, or null for all
   * @param workers reconcile threads
   * @param stepPlugins the step plugins that {@code plugin} steps call (the plugin host's)
   */
  public RolloutController(
      KubernetesClient client,
      String namespace,
      Clock clock,
      int workers,
      StepPluginClient stepPlugins) {
    this.stepPlugins = java.util.Objects.requireNonNull(stepPlugins, "stepPlugins");
    this.reconciler =
        new CanaryReconciler(stepPlugins, CanaryReconciler.PluginStepSettings.defaults());
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
    this.queue =
        new WorkQueue(
            clock,
            workers,
            new WorkQueue.Backoff(Duration.ofMillis(5), Duration.ofSeconds(300)),
            this::measuredReconcile);
  }

  /**
   * Handles only the Rollouts labelled {@link #RolloutLabels.CONTROLLER_INSTANCE}={@code id}; with
   * null (the default) only the unlabelled ones. Call before {@link #start()}.
   */
  public RolloutController shard(String id) {
    requireNotStarted();
    if (id != null && id.isBlank()) {
      throw new IllegalArgumentException("instance id must not be blank; omit it to run unsharded");
    }
    this.instanceId = id;
    return this;
  }

  /**
   * Records {@code ramp_reconcile_total{result}}, {@code ramp_reconcile_seconds} and {@code
   * ramp_rollouts{phase}} into the registry. Call before {@link #start()}.
   */
  public RolloutController metrics(io.micrometer.core.instrument.MeterRegistry registry) {
    requireNotStarted();
    this.metrics = new ReconcileMetrics(registry, this::countPhase);
    return this;
  }

  /** True once started and every informer has listed its objects. */
  public boolean isReady() {
    return started && rollouts.hasSynced() && replicaSets.hasSynced() && services.hasSynced();
  }

  private void requireNotStarted() {
    if (rollouts != null) {
      throw new IllegalStateException("the controller has already started");
    }
  }

  private long countPhase(String phase) {
    SharedIndexInformer<Rollout> informer = rollouts;
    if (informer == null) {
      return 0;
    }
    return informer.getStore().list().stream()
        .filter(r -> phase.equals(ReconcileMetrics.phaseOf(r)))
        .count();
  }

  private WorkQueue.Result measuredReconcile(String key) {
    long start = System.nanoTime();
    String result = "error";
    try {
      WorkQueue.Result r = reconcile(key);
      result = "success";
      return r;
    } catch (WorkQueue.RetryNow e) {
      result = "conflict";
      throw e;
    } finally {
      metrics.record(result, System.nanoTime() - start);
    }
  }

  /** Replaces how plugin steps are paced (tests lower the RUNNING floor). */
  void pluginStepSettings(CanaryReconciler.PluginStepSettings settings) {
    this.reconciler = new CanaryReconciler(stepPlugins, settings);
  }

  void beforeStatusWrite(BeforeStatusWrite hook) {
    this.beforeStatusWrite = hook;
  }

  /** Puts a test's reads in front of the informer's cache. */
  void cachedReads(java.util.function.UnaryOperator<CachedReads> wrap) {
    this.cachedReads = wrap.apply(cachedReads);
  }

  /** How many Rollouts are planned from this controller's own last write, not the cache. */
  int keptWrites() {
    return ownWrites.size();
  }

  /** Starts the informers, waits for their first list, then starts the workers. */
  public void start() {
    var all = client.resources(Rollout.class);
    var inScope = namespace == null ? all.inAnyNamespace() : all.inNamespace(namespace);
    rollouts =
        (instanceId == null
                ? inScope.withoutLabel(RolloutLabels.CONTROLLER_INSTANCE)
                : inScope.withLabel(RolloutLabels.CONTROLLER_INSTANCE, instanceId))
            .runnableInformer(0);
    rollouts.addIndexers(Map.of(SERVICE_INDEX, RolloutController::servicesOf));
    rollouts.addEventHandler(
        new ResourceEventHandler<>() {
          public void onAdd(Rollout obj) {
            ownWrites.observed(keyOf(obj), obj);
            enqueue(obj);
          }

          public void onUpdate(Rollout oldObj, Rollout newObj) {
            ownWrites.observed(keyOf(newObj), newObj);
            enqueue(newObj);
          }

          public void onDelete(Rollout obj, boolean unknown) {
            ownWrites.deleted(keyOf(obj));
            enqueue(obj);
          }
        });
    rollouts.run();
    replicaSets =
        (namespace == null
                ? client.apps().replicaSets().inAnyNamespace()
                : client.apps().replicaSets().inNamespace(namespace))
            .runnableInformer(0);
    replicaSets.itemStore(new ReplicaSetStore(client.getKubernetesSerialization()));
    replicaSets.addIndexers(Map.of(OWNER_INDEX, RolloutController::controllerUid));
    replicaSets.addEventHandler(handler(this::enqueueOwner));
    replicaSets.run();
    services =
        (namespace == null
                ? client.services().inAnyNamespace()
                : client.services().inNamespace(namespace))
            .runnableInformer(0);
    // Of a Service only its existence and its selector matter here.
    services.itemStore(
        new io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore<>(
            io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore.NAME_KEY_STATE,
            Service.class,
            client.getKubernetesSerialization(),
            "metadata.uid",
            "spec.selector"));
    services.addEventHandler(handler(this::enqueueUsers));
    services.run();
    queue.start("ramp-rollouts-" + instance);
    rollouts.getStore().list().forEach(this::enqueue);
    metrics.bind();
    started = true;
  }

  /** Queues every cached Rollout, as a periodic resync would. */
  public void resync() {
    SharedIndexInformer<Rollout> informer = rollouts;
    if (informer != null) {
      informer.getStore().list().forEach(this::enqueue);
    }
  }

  /** Looks again at every rollout whose requeue delay has passed on the clock. */
  public void clockAdvanced() {
    queue.fireDue();
  }

  @Override
  public void close() {
    started = false;
    metrics.unbind();
    queue.stop();
    for (SharedIndexInformer<?> i :
        new SharedIndexInformer<?>[] {rollouts, replicaSets, services}) {
      if (i != null) {
        i.stop();
      }
    }
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> handler(
      java.util.function.Consumer<T> on) {
    return new ResourceEventHandler<>() {
      public void onAdd(T obj) {
        on.accept(obj);
      }

      public void onUpdate(T oldObj, T newObj) {
        on.accept(newObj);
      }

      public void onDelete(T obj, boolean unknown) {
        on.accept(obj);
      }
    };
  }

  // Indexes keep a reconcile and a Service event proportional to one Rollout, not to the cluster.
  private static final String OWNER_INDEX = "controller-uid";
  private static final String SERVICE_INDEX = "services";

  private static List<String> controllerUid(ReplicaSet rs) {
    return rs.getMetadata().getOwnerReferences().stream()
        .filter(ref -> Boolean.TRUE.equals(ref.getController()))
        .map(OwnerReference::getUid)
        .filter(Objects::nonNull)
        .toList();
  }

  private static List<String> servicesOf(Rollout r) {
    var c =
        r.getSpec() == null || r.getSpec().strategy == null ? null : r.getSpec().strategy.canary;
    if (c == null) {
      return List.of();
    }
    String ns = r.getMetadata().getNamespace();
    List<String> keys = new ArrayList<>(2);
    if (c.canaryService != null) {
      keys.add(ns + "/" + c.canaryService);
    }
    if (c.stableService != null) {
      keys.add(ns + "/" + c.stableService);
    }
    return keys;
  }

  private void enqueue(HasMetadata r) {
    queue.add(keyOf(r));
  }

  private static String keyOf(HasMetadata r) {
    return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }

  private void enqueueOwner(ReplicaSet rs) {
    for (OwnerReference ref : rs.getMetadata().getOwnerReferences()) {
      if ("Rollout".equals(ref.getKind()) && Rollout.API_VERSION.equals(ref.getApiVersion())) {
        queue.add(rs.getMetadata().getNamespace() + "/" + ref.getName());
      }
    }
  }

  private void enqueueUsers(Service svc) {
    if (rollouts == null) {
      return;
    }
    String key = svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName();
    rollouts.getIndexer().byIndex(SERVICE_INDEX, key).forEach(this::enqueue);
  }

  private WorkQueue.Result reconcile(String key) {
    // Never plan from a copy older than this controller's own last write: that repeats work.
    Rollout rollout = ownWrites.read(key, cachedReads.get(key), () -> live(key));
    if (rollout == null) {
      return WorkQueue.Result.done();
    }
    String ns = rollout.getMetadata().getNamespace();
    List<ReplicaSet> owned =
        replicaSets.getIndexer().byIndex(OWNER_INDEX, rollout.getMetadata().getUid()).stream()
            .filter(rs -> ns.equals(rs.getMetadata().getNamespace()))
            .filter(rs -> ownedBy(rs, rollout))
            .toList();
    // Only the Services the Rollout names matter (the spec check asks whether they exist).
    Set<String> serviceNames = new TreeSet<>();
    for (String serviceKey : servicesOf(rollout)) {
      if (services.getStore().getByKey(serviceKey) != null) {
        serviceNames.add(serviceKey.substring(ns.length() + 1));
      }
    }
    List<CanaryReconciler.ObservedReplicaSet> observed = new ArrayList<>();
    for (ReplicaSet rs : owned) {
      observed.add(observe(rs));
    }
    List<CanaryReconciler.ObservedPod> pods =
        CanaryReconciler.restartPending(rollout) ? pods(ns, owned) : List.of();
    CanaryReconciler.Plan plan =
        reconciler.plan(
            new CanaryReconciler.Observed(rollout, observed, pods, serviceNames, clock.instant()));
    Map<String, ReplicaSet> byName = new HashMap<>();
    owned.forEach(rs -> byName.put(rs.getMetadata().getName(), rs));

    if (plan.create() != null && !create(rollout, plan.create())) {
      return WorkQueue.Result.after(Duration.ZERO);
    }
    plan.scales()
        .forEach(
            (name, replicas) ->
                patch(
                    client.apps().replicaSets().inNamespace(ns).withName(name),
                    "{\"spec\":{\"replicas\":" + replicas + "}}"));
    plan.revisions()
        .forEach(
            (name, revision) ->
                patch(
                    client.apps().replicaSets().inNamespace(ns).withName(name),
                    "{\"metadata\":{\"annotations\":{\""
                        + RolloutLabels.REVISION
                        + "\":\""
                        + revision
                        + "\"}}}"));
    for (String name : plan.deletes()) {
      client.apps().replicaSets().inNamespace(ns).withName(name).delete();
    }
    for (String name : plan.podDeletes()) {
      client.pods().inNamespace(ns).withName(name).delete();
    }
    plan.serviceSelectors().forEach((svc, hash) -> selectService(ns, svc, hash));
    if (plan.statusChanged()) {
      writeStatus(rollout, plan.status());
    }
    // The status holds the plugins' answers now (or needed nothing from them): release them.
    stepPlugins.recorded(plan.pluginCalls());
    for (CanaryReconciler.RolloutEvent e : plan.events()) {
      event(rollout, e);
    }
    return new WorkQueue.Result(plan.requeueAfter());
  }

  /** The pods of the Rollout's ReplicaSets: read only while a restart is pending. */
  private List<CanaryReconciler.ObservedPod> pods(String ns, List<ReplicaSet> owned) {
    Map<String, String> hashByUid = new HashMap<>();
    owned.forEach(
        rs ->
            hashByUid.put(
                rs.getMetadata().getUid(),
                rs.getMetadata().getLabels().get(RolloutLabels.POD_TEMPLATE_HASH)));
    List<CanaryReconciler.ObservedPod> out = new ArrayList<>();
    for (var pod :
        client
            .pods()
            .inNamespace(ns)
            .withLabel(RolloutLabels.POD_TEMPLATE_HASH)
            .list()
            .getItems()) {
      String hash =
          pod.getMetadata().getOwnerReferences().stream()
              .map(ref -> hashByUid.get(ref.getUid()))
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
      if (hash == null || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      boolean ready =
          pod.getStatus() != null
              && pod.getStatus().getConditions() != null
              && pod.getStatus().getConditions().stream()
                  .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      out.add(
          new CanaryReconciler.ObservedPod(
              pod.getMetadata().getName(),
              hash,
              java.time.Instant.parse(pod.getMetadata().getCreationTimestamp()),
              ready));
    }
    return out;
  }

  private static boolean ownedBy(ReplicaSet rs, Rollout r) {
    return rs.getMetadata().getOwnerReferences().stream()
        .anyMatch(
            ref ->
                Objects.equals(ref.getUid(), r.getMetadata().getUid())
                    && Boolean.TRUE.equals(ref.getController()));
  }

  private static CanaryReconciler.ObservedReplicaSet observe(ReplicaSet rs) {
    var status = rs.getStatus();
    Map<String, String> labels = rs.getMetadata().getLabels();
    Map<String, String> annotations = rs.getMetadata().getAnnotations();
    int revision = 0;
    if (annotations != null && annotations.get(RolloutLabels.REVISION) != null) {
      try {
        revision = Integer.parseInt(annotations.get(RolloutLabels.REVISION));
      } catch (NumberFormatException e) {
        revision = 0;
      }
    }
    return new CanaryReconciler.ObservedReplicaSet(
        rs.getMetadata().getName(),
        labels == null ? null : labels.get(RolloutLabels.POD_TEMPLATE_HASH),
        nz(rs.getSpec().getReplicas()),
        status == null ? 0 : nz(status.getReplicas()),
        status == null ? 0 : nz(status.getReadyReplicas()),
        status == null ? 0 : nz(status.getAvailableReplicas()),
        revision);
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }

  /** The Rollout as the API server has it now; null when it is gone. */
  private Rollout live(String key) {
    int slash = key.indexOf('/');
    return client
        .resources(Rollout.class)
        .inNamespace(key.substring(0, slash))
        .withName(key.substring(slash + 1))
        .get();
  }

  /** Creates the ReplicaSet; false when the reconcile should start again (adopted, collided). */
  private boolean create(Rollout rollout, CanaryReconciler.NewReplicaSet n) {
    String ns = rollout.getMetadata().getNamespace();
    PodTemplateSpec template =
        Serialization.unmarshal(Json.write(n.template()), PodTemplateSpec.class);
    Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
    ReplicaSet rs =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName(n.name())
            .withNamespace(ns)
            .withLabels(labels)
            .addToAnnotations(RolloutLabels.REVISION, String.valueOf(n.revision()))
            .addToAnnotations(
                RolloutLabels.TEMPLATE, Json.canonicalString(rollout.getSpec().template))
            .withOwnerReferences(ownerRef(rollout))
            .endMetadata()
            .withNewSpec()
            .withReplicas(n.replicas())
            .withMinReadySeconds(n.minReadySeconds())
            .withNewSelector()
            .withMatchLabels(n.selector())
            .withMatchExpressions(rollout.getSpec().selector.getMatchExpressions())
            .endSelector()
            .withTemplate(template)
            .endSpec()
            .build();
    try {
      client.apps().replicaSets().inNamespace(ns).resource(rs).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    ReplicaSet existing = client.apps().replicaSets().inNamespace(ns).withName(n.name()).get();
    if (existing == null) {
      throw new WorkQueue.RetryNow("ReplicaSet " + n.name() + " vanished after a conflict");
    }
    if (ownedBy(existing, rollout)) {
      return true;
    }
    boolean controlled =
        existing.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> Boolean.TRUE.equals(ref.getController()));
    Map<String, String> existingLabels = existing.getMetadata().getLabels();
    if (!controlled
        && existingLabels != null
        && n.hash().equals(existingLabels.get(RolloutLabels.POD_TEMPLATE_HASH))) {
      LOG.info("{}/{}: adopting ReplicaSet {}", ns, rollout.getMetadata().getName(), n.name());
      ObjectNode patch = JsonNodeFactory.instance.objectNode();
      ObjectNode meta = patch.putObject("metadata");
      meta.put("resourceVersion", existing.getMetadata().getResourceVersion());
      meta.set(
          "ownerReferences",
          JsonNodeFactory.instance.arrayNode().add(Json.tree(ownerRef(rollout))));
      patch(client.apps().replicaSets().inNamespace(ns).withName(n.name()), patch.toString());
      return false;
    }
    // Another object holds the name: bump the collision count, which changes the hash.
    RolloutStatus status =
        rollout.getStatus() == null ? new RolloutStatus() : rollout.getStatus().copy();
    status.collisionCount = status.collisionCount == null ? 1 : status.collisionCount + 1;
    LOG.info(
        "{}/{}: ReplicaSet name {} is taken; collision count {}",
        ns,
        rollout.getMetadata().getName(),
        n.name(),
        status.collisionCount);
    writeStatus(rollout, status);
    return false;
  }

  private static OwnerReference ownerRef(Rollout r) {
    return new OwnerReferenceBuilder()
        .withApiVersion(Rollout.API_VERSION)
        .withKind("Rollout")
        .withName(r.getMetadata().getName())
        .withUid(r.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private void selectService(String ns, String name, String hash) {
    Service svc = services.getStore().getByKey(ns + "/" + name);
    if (svc == null) {
      return;
    }
    Map<String, String> selector = svc.getSpec().getSelector();
    if (selector != null && hash.equals(selector.get(RolloutLabels.POD_TEMPLATE_HASH))) {
      return;
    }
    patch(
        client.services().inNamespace(ns).withName(name),
        "{\"spec\":{\"selector\":{\"" + RolloutLabels.POD_TEMPLATE_HASH + "\":\"" + hash + "\"}}}");
  }

  private static void patch(
      io.fabric8.kubernetes.client.dsl.Resource<?> resource, String mergePatch) {
    resource.patch(MERGE, mergePatch);
  }

  /**
   * Writes the status as a JSON merge patch on {@code /status} that carries the resourceVersion
   * read: if anything wrote the Rollout since, the server answers 409 and the reconcile starts
   * again from a fresh read — so a stale read never advances a step twice.
   */
  private void writeStatus(Rollout read, RolloutStatus status) {
    beforeStatusWrite.beforeWrite(read, status);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("metadata").put("resourceVersion", read.getMetadata().getResourceVersion());
    JsonNode before =
        read.getStatus() == null
            ? JsonNodeFactory.instance.objectNode()
            : Json.tree(read.getStatus());
    body.set("status", MergePatch.diff(before, Json.tree(status)));
    String key = keyOf(read);
    try {
      Rollout written =
          client
              .resources(Rollout.class)
              .inNamespace(read.getMetadata().getNamespace())
              .withName(read.getMetadata().getName())
              .subresource("status")
              .patch(MERGE, body.toString());
      ownWrites.wrote(key, read.getMetadata().getResourceVersion(), written);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        // Somebody else wrote since the read: the next reconcile plans from the server's copy.
        ownWrites.conflicted(key);
        throw new WorkQueue.RetryNow(
            "status conflict at resourceVersion " + read.getMetadata().getResourceVersion());
      }
      throw e;
    }
  }

  private void event(Rollout r, CanaryReconciler.RolloutEvent e) {
    String now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(r.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(
                      r.getMetadata().getName()
                          + "."
                          + Long.toHexString(System.nanoTime())
                          + instance)
                  .withNamespace(r.getMetadata().getNamespace())
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(Rollout.API_VERSION)
                          .withKind("Rollout")
                          .withName(r.getMetadata().getName())
                          .withNamespace(r.getMetadata().getNamespace())
                          .withUid(r.getMetadata().getUid())
                          .build())
                  .withType(e.type())
                  .withReason(e.reason())
                  .withMessage(e.message())
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent("ramp-controller")
                  .endSource()
                  .build())
          .create();
    } catch (KubernetesClientException ex) {
      // An Event is informative; failing to record one must not fail the reconcile.
      LOG.warn(
          "cannot record Event {} on {}: {}",
          e.reason(),
          r.getMetadata().getName(),
          ex.getMessage());
    }
  }
}
