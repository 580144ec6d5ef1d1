package dev.ramp.engine.kube;

import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.plugin.StepPluginClient;
import dev.ramp.engine.plugin.TrafficRouterClient;
import dev.ramp.engine.rollout.Observed;
import dev.ramp.engine.rollout.Plan;
import dev.ramp.engine.rollout.PluginStepSettings;
import dev.ramp.engine.rollout.RolloutReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The Rollout controller: informers on Rollouts, their ReplicaSets, Services, AnalysisRuns and
 * analysis templates ({@link AnalysisInformers}) feed a work queue; each key is reconciled by one
 * worker at a time. A reconcile reads what to plan from (the informer's Rollout unless the
 * controller's own last write is newer), observes the rest ({@link ObservedWorld}), asks the {@link
 * RolloutReconciler} for a {@link Plan}, writes ReplicaSets, Services and AnalysisRuns ({@link
 * PlanWriter}), then the status ({@link StatusWriter}: one merge patch carrying the
 * resourceVersion; a stale read gets 409 and is recomputed), then Events ({@link EventRecorder}).
 */
public final class RolloutController implements AutoCloseable {

  /** Called just before a status write; a test throws from it to "kill" the controller there. */
  interface BeforeStatusWrite {
    void beforeWrite(Rollout rollout, RolloutStatus status);
  }

  /** Reads a Rollout from the informer's cache; a test stands in a lagging cache here. */
  interface CachedReads {
    Rollout get(String key);
  }

  /** Plans one reconcile from what it observed; a test stands in or wraps the planning here. */
  interface Planner {
    Plan plan(Observed observed);
  }

  /** Reads a Service from the informer's cache; a test stands in a lagging cache here. */
  interface CachedServices {
    Service get(String key);
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;
  private final StepPluginClient stepPlugins;
  private final TrafficRouterClient routers;
  private volatile RolloutReconciler reconciler;
  private final WorkQueue queue;
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private final StatusWriter<Rollout, RolloutStatus> statusWriter;
  private final EventRecorder events;
  private volatile CachedReads cachedReads = this::fromInformer;
  private volatile Planner planner = observed -> reconciler.reconcile(observed);
  private volatile CachedServices cachedServices = this::serviceFromInformer;
  private String instanceId;
  private ReconcileMetrics metrics = ReconcileMetrics.NONE;
  private volatile boolean started;
  private volatile SharedIndexInformer<Rollout> rollouts;
  private SharedIndexInformer<ReplicaSet> replicaSets;
  private SharedIndexInformer<Service> services;
  private AnalysisInformers analysis;
  private ObservedWorld world;
  private PlanWriter writer;

  /**
   * @param namespace the namespace to watch, or null for all
   * @param workers reconcile threads
   */
  public RolloutController(KubernetesClient client, String namespace, Clock clock, int workers) {
    this(client, namespace, clock, workers, RolloutReconciler.noPlugins());
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
    this(client, namespace, clock, workers, stepPlugins, RolloutReconciler.noRouters());
  }

  /**
   * @param namespace the namespace to watch, or null for all
   * @param workers reconcile threads
   * @param stepPlugins the step plugins that {@code plugin} steps call (the plugin host's)
   * @param routers the traffic routers {@code trafficRouting.plugins} name (the plugin host's)
   */
  public RolloutController(
      KubernetesClient client,
      String namespace,
      Clock clock,
      int workers,
      StepPluginClient stepPlugins,
      TrafficRouterClient routers) {
    this.stepPlugins = Objects.requireNonNull(stepPlugins, "stepPlugins");
    this.routers = Objects.requireNonNull(routers, "routers");
    this.reconciler = new RolloutReconciler(stepPlugins, routers, PluginStepSettings.defaults());
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
    this.statusWriter = new StatusWriter<>(client, Rollout.class, Rollout::getStatus);
    this.events = new EventRecorder(client, clock);
    this.queue =
        new WorkQueue(
            clock,
            workers,
            new WorkQueue.Backoff(Duration.ofMillis(5), Duration.ofSeconds(300)),
            this::measuredReconcile);
  }

  /**
   * Handles only the Rollouts labelled {@link RolloutLabels#CONTROLLER_INSTANCE}={@code id}; with
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
    return started
        && rollouts.hasSynced()
        && replicaSets.hasSynced()
        && services.hasSynced()
        && analysis.hasSynced();
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
  void pluginStepSettings(PluginStepSettings settings) {
    this.reconciler = new RolloutReconciler(stepPlugins, routers, settings);
  }

  void beforeStatusWrite(BeforeStatusWrite hook) {
    statusWriter.beforeWrite(hook::beforeWrite);
  }

  /** Puts a test's planning in place of (or around) the reconciler's. */
  void planner(UnaryOperator<Planner> wrap) {
    this.planner = wrap.apply(planner);
  }

  /** Puts a test's reads in front of the informer's cache. */
  void cachedReads(UnaryOperator<CachedReads> wrap) {
    this.cachedReads = wrap.apply(cachedReads);
  }

  /** How many Rollouts are planned from this controller's own last write, not the cache. */
  int keptWrites() {
    return statusWriter.kept();
  }

  /** Puts a test's reads in front of the Service informer's cache. */
  void cachedServices(UnaryOperator<CachedServices> wrap) {
    this.cachedServices = wrap.apply(cachedServices);
  }

  private Rollout fromInformer(String key) {
    return rollouts.getStore().getByKey(key);
  }

  private Service serviceFromInformer(String key) {
    return services.getStore().getByKey(key);
  }

  /**
   * Starts the informers, waits for their first list, then starts the workers. The analysis
   * informers start first, so that the first reconciles of the listed Rollouts see their runs.
   */
  public void start() {
    analysis = new AnalysisInformers(client, namespace);
    analysis.start(queue::add, this::enqueueNaming);
    var all = client.resources(Rollout.class);
    var inScope = namespace == null ? all.inAnyNamespace() : all.inNamespace(namespace);
    rollouts =
        (instanceId == null
                ? inScope.withoutLabel(RolloutLabels.CONTROLLER_INSTANCE)
                : inScope.withLabel(RolloutLabels.CONTROLLER_INSTANCE, instanceId))
            .runnableInformer(0);
    rollouts.addIndexers(
        Map.of(
            ObservedWorld.SERVICE_INDEX,
            ObservedWorld::servicesOf,
            AnalysisInformers.TEMPLATE_INDEX,
            AnalysisInformers::templatesNamedBy));
    rollouts.addEventHandler(
        InformerEvents.handler(
            r -> {
              statusWriter.observed(r);
              enqueue(r);
            },
            r -> {
              statusWriter.deleted(r);
              enqueue(r);
            }));
    rollouts.run();
    replicaSets =
        (namespace == null
                ? client.apps().replicaSets().inAnyNamespace()
                : client.apps().replicaSets().inNamespace(namespace))
            .runnableInformer(0);
    replicaSets.itemStore(new ReplicaSetStore(client.getKubernetesSerialization()));
    replicaSets.addIndexers(Map.of(ObservedWorld.OWNER_INDEX, ObservedWorld::controllerUid));
    replicaSets.addEventHandler(InformerEvents.handler(this::enqueueOwner, this::enqueueOwner));
    replicaSets.run();
    services =
        (namespace == null
                ? client.services().inAnyNamespace()
                : client.services().inNamespace(namespace))
            .runnableInformer(0);
    // Of a Service only its existence and its selector matter here.
    services.itemStore(
        new ReducedStateItemStore<>(
            ReducedStateItemStore.NAME_KEY_STATE,
            Service.class,
            client.getKubernetesSerialization(),
            "metadata.uid",
            "spec.selector"));
    services.addEventHandler(InformerEvents.handler(this::enqueueUsers, this::enqueueUsers));
    services.run();
    world = new ObservedWorld(client, clock, replicaSets, key -> cachedServices.get(key), analysis);
    writer = new PlanWriter(client, services, statusWriter, events, analysis);
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

  /** True when no rollout is queued or reconciled: only a due time can bring more work. */
  public boolean isIdle() {
    return queue.isIdle();
  }

  /** The earliest time on the clock at which a rollout is due for another look, if any. */
  public java.util.Optional<java.time.Instant> nextDue() {
    return queue.nextDue();
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
    if (analysis != null) {
      analysis.stop();
    }
  }

  private void enqueue(HasMetadata r) {
    queue.add(StatusWriter.key(r));
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
    rollouts
        .getIndexer()
        .byIndex(ObservedWorld.SERVICE_INDEX, StatusWriter.key(svc))
        .forEach(this::enqueue);
  }

  /** Wakes the Rollouts that name these templates (keys of {@link AnalysisInformers}). */
  private void enqueueNaming(Set<String> templateKeys) {
    SharedIndexInformer<Rollout> informer = rollouts;
    if (informer == null) {
      return; // the Rollouts' first list queues every Rollout
    }
    for (String k : templateKeys) {
      informer.getIndexer().byIndex(AnalysisInformers.TEMPLATE_INDEX, k).forEach(this::enqueue);
    }
  }

  private WorkQueue.Result reconcile(String key) {
    // Never plan from a copy older than this controller's own last write: that repeats work.
    Rollout rollout = statusWriter.read(key, cachedReads.get(key));
    if (rollout == null) {
      return WorkQueue.Result.done();
    }
    Plan plan = planner.plan(world.observe(rollout));
    if (!writer.replicaSets(rollout, plan.replicaSets())) {
      return WorkQueue.Result.after(Duration.ZERO);
    }
    writer.serviceSelectors(rollout.getMetadata().getNamespace(), plan.serviceSelectors());
    // After the selectors: an abort's switch back is not held up by relabelling pods.
    java.util.List<String> roleFailures =
        writer.roleMetadata(rollout.getMetadata().getNamespace(), plan.roleMetadata());
    // Before the status that names them: a status never names a run that was not made.
    writer.analysisRuns(rollout, plan.analysisRuns());
    if (plan.statusChanged()) {
      statusWriter.write(rollout, plan.status());
    }
    // The status holds the plugins' answers now (or needed nothing from them): release them.
    stepPlugins.recorded(plan.pluginCalls());
    var on = AnalysisRunWriter.reference(rollout);
    for (Plan.Event e : plan.events()) {
      events.record(on, e.type(), e.reason(), e.message());
    }
    for (String failure : roleFailures) {
      events.record(on, "Warning", "RoleMetadataFailed", failure);
    }
    return new WorkQueue.Result(plan.requeueAfter());
  }
}
