package dev.ramp.engine.runtime;

import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.kube.PluginConfigInformer;
import dev.ramp.engine.kube.PluginEventRecorder;
import dev.ramp.engine.kube.election.LeaderElection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Ramp controller process, wired: the plugin host fed by the {@code ramp-config} informer (and
 * handing the controller's own API access to the plugins that ask for it), the Rollout and
 * AnalysisRun controllers, and one Prometheus registry shared by all.
 *
 * <p>The plugins start first so that the controller's first reconciles find them; the controller
 * stops first so that no reconcile calls a plugin that is going away. Under leader election the
 * plugin host runs on every replica (a standby is warm: its plugins are started and healthy) and
 * only the controller follows the lease: {@link #startController()} on leading, {@link
 * #stopController()} on losing.
 */
public final class RampRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RampRuntime.class);

  /**
   * How the process runs.
   *
   * @param controllerNamespace where {@code ramp-config} (and the Lease) live
   * @param watchNamespace the one namespace whose Rollouts are handled, or null for all
   * @param workers reconcile threads, also the bound of every plugin's {@code maxConcurrentCalls}
   * @param clock the controller's clock
   * @param instanceId the shard this controller handles, or null for unlabelled Rollouts
   * @param pluginHost how plugins are supervised
   */
  public record Settings(
      String controllerNamespace,
      String watchNamespace,
      int workers,
      Clock clock,
      String instanceId,
      PluginHost.Settings pluginHost) {

    // Above the default plugin bulkhead (4 calls), which must stay below the worker count.
    public static final int DEFAULT_WORKERS = 8;

    public Settings {
      if (controllerNamespace == null || controllerNamespace.isBlank()) {
        throw new IllegalArgumentException(
            "controllerNamespace is required: the namespace that holds ramp-config");
      }
      if (watchNamespace != null && watchNamespace.isBlank()) {
        throw new IllegalArgumentException(
            "watchNamespace must not be blank; use null to watch every namespace");
      }
      if (workers < 2) {
        throw new IllegalArgumentException(
            "workers must be at least 2 (plugin calls are bounded by it), got " + workers);
      }
      Objects.requireNonNull(clock, "clock");
      if (instanceId != null && instanceId.isBlank()) {
        throw new IllegalArgumentException(
            "instanceId must not be blank; use null to handle unlabelled Rollouts");
      }
      Objects.requireNonNull(pluginHost, "pluginHost");
    }

    /** All namespaces, {@value #DEFAULT_WORKERS} workers, the UTC clock, unsharded. */
    public static Settings defaults(String controllerNamespace) {
      return new Settings(
          controllerNamespace,
          null,
          DEFAULT_WORKERS,
          Clock.systemUTC(),
          null,
          PluginHost.Settings.defaults());
    }

    public Settings withWatchNamespace(String namespace) {
      return new Settings(controllerNamespace, namespace, workers, clock, instanceId, pluginHost);
    }

    public Settings withWorkers(int count) {
      return new Settings(
          controllerNamespace, watchNamespace, count, clock, instanceId, pluginHost);
    }

    public Settings withClock(Clock c) {
      return new Settings(controllerNamespace, watchNamespace, workers, c, instanceId, pluginHost);
    }

    public Settings withInstanceId(String id) {
      return new Settings(controllerNamespace, watchNamespace, workers, clock, id, pluginHost);
    }

    public Settings withPluginHost(PluginHost.Settings host) {
      return new Settings(controllerNamespace, watchNamespace, workers, clock, instanceId, host);
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final PrometheusMeterRegistry registry;
  private final PluginHost host;
  private final PluginConfigInformer configInformer;
  private final PluginStateEvents pluginEvents;
  private final Object lock = new Object();
  private boolean pluginsStarted;
  private volatile boolean closed;
  private volatile boolean pluginsReady;
  private volatile Controllers controller;
  private volatile LeaderElection election;
  private volatile boolean controllerFailed;

  public RampRuntime(KubernetesClient client, Settings settings) {
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    // Plugins that ask for Kubernetes access get the controller's own: its ServiceAccount in a
    // cluster, the embedded API server in a rehearsal.
    this.host =
        PluginHost.withKubernetesAccess(
            settings.pluginHost(), registry, new ControllerKubeconfig(client.getConfiguration()));
    this.configInformer =
        new PluginConfigInformer(
            client,
            settings.controllerNamespace(),
            settings.workers(),
            this::applyPluginConfig,
            settings.clock());
    this.pluginEvents =
        new PluginStateEvents(
            host,
            new PluginEventRecorder(client, settings.controllerNamespace(), settings.clock()));
  }

  /**
   * A new plugin configuration: the host applies it, then every rollout is looked at again, so a
   * plugin switched off (or on) takes effect in seconds, not at each step's next requeue.
   */
  private void applyPluginConfig(dev.ramp.engine.host.config.PluginConfigSnapshot snapshot) {
    host.apply(snapshot);
    pluginEvents.configured(snapshot);
    Controllers current = controller;
    if (current != null) {
      current.resync();
    }
  }

  /** Starts the plugins, then the controller; returns once the controller's caches are synced. */
  public void start() {
    startPlugins();
    startController();
  }

  /**
   * Starts watching {@code ramp-config} and running its plugins; returns once the ConfigMap has
   * been read. Idempotent.
   */
  public void startPlugins() {
    synchronized (lock) {
      requireOpen();
      if (pluginsStarted) {
        return;
      }
      pluginsStarted = true;
      pluginEvents.start();
      configInformer.start();
      pluginsReady = true;
    }
  }

  /**
   * Starts the Rollout and AnalysisRun controllers (fresh ones each time: a new leader term starts
   * from a fresh list); returns once its informers have synced. Does nothing if one runs.
   */
  public void startController() {
    Controllers started;
    synchronized (lock) {
      requireOpen();
      if (controller != null) {
        return;
      }
      started = new Controllers(client, settings, host, registry);
      controller = started;
    }
    // Outside the lock: the first list may take a while, and a stop must be able to interrupt it.
    started.start();
    synchronized (lock) {
      if (controller != started) {
        // Stopped (or closed) while it was listing.
        started.close();
        return;
      }
    }
    LOG.info(
        "controller started: namespace {}, instance {}, {} workers",
        settings.watchNamespace() == null ? "(all)" : settings.watchNamespace(),
        settings.instanceId() == null ? "(unlabelled)" : settings.instanceId(),
        settings.workers());
  }

  /**
   * Starts the plugins now and stands for election on a Lease: the controller runs only while this
   * replica holds it. Returns at once after the plugins have started.
   */
  public void startElected(LeaderElection.Settings electionSettings) {
    Objects.requireNonNull(electionSettings, "electionSettings");
    startPlugins();
    LeaderElection started;
    synchronized (lock) {
      requireOpen();
      if (election != null) {
        throw new IllegalStateException("already standing for election");
      }
      started =
          new LeaderElection(client, electionSettings, this::startLeading, this::stopController);
      election = started;
    }
    started.start();
  }

  private void startLeading() {
    try {
      startController();
    } catch (RuntimeException e) {
      if (!closed) {
        // A leader that cannot reconcile must not keep the lease: report not live, so that the
        // kubelet restarts the process and another replica takes over.
        controllerFailed = true;
        LOG.error("leading, but the controller cannot start", e);
      }
    }
  }

  /** True while this replica holds the Lease (always false without {@link #startElected}). */
  public boolean isLeader() {
    LeaderElection e = election;
    return e != null && e.isLeader();
  }

  /** False once the controller failed to start while leading: the process should restart. */
  public boolean isLive() {
    return !controllerFailed;
  }

  /** Stops the controllers if they run; the plugins keep running. */
  public void stopController() {
    Controllers stopping;
    synchronized (lock) {
      stopping = controller;
      controller = null;
    }
    if (stopping != null) {
      stopping.close();
      // Another leader now owns these rollouts; its deliveries are new ones (same keys).
      host.forgetAnswers();
      LOG.info("controller stopped");
    }
  }

  /** True while a controller runs with synced caches. */
  public boolean isControllerRunning() {
    Controllers c = controller;
    return c != null && c.isReady();
  }

  /**
   * Ready to serve: {@code ramp-config} has been read, and a controller that was started has synced
   * its informers. A standby without a controller is ready once its plugins are configured.
   */
  public boolean isReady() {
    if (!pluginsReady) {
      return false;
    }
    Controllers c = controller;
    return c == null || c.isReady();
  }

  /** Queues every Rollout this controller handles for a reconcile, as a periodic resync would. */
  public void resync() {
    Controllers c = controller;
    if (c != null) {
      c.resync();
    }
  }

  /** Looks again at every Rollout whose requeue delay has passed (for a controlled clock). */
  public void clockAdvanced() {
    Controllers c = controller;
    if (c != null) {
      c.clockAdvanced();
    }
  }

  /**
   * True when the controllers have nothing queued or in hand and no plugin is starting or being
   * called: only a due time on the clock ({@link #nextDue()}) can bring more work. The seam a clock
   * that moves only when the world is idle reads (a rehearsal's).
   */
  public boolean isIdle() {
    Controllers c = controller;
    return (c == null || c.isIdle()) && host.isSettled();
  }

  /** The earliest time on the clock at which a Rollout or AnalysisRun is due for a look, if any. */
  public java.util.Optional<java.time.Instant> nextDue() {
    Controllers c = controller;
    return c == null ? java.util.Optional.empty() : c.nextDue();
  }

  /** The registry every component records into; {@code /metrics} scrapes it. */
  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  public PluginHost pluginHost() {
    return host;
  }

  public Settings settings() {
    return settings;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the Ramp runtime is closed");
    }
  }

  /**
   * Stops the controller, then releases the Lease (a standby takes over at once, without waiting
   * the lease out), then stops the configuration informer and every plugin process.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    stopController();
    LeaderElection e = election;
    if (e != null) {
      e.close();
    }
    pluginsReady = false;
    configInformer.close();
    pluginEvents.close();
    host.close();
    LOG.info("Ramp runtime stopped");
  }
}
