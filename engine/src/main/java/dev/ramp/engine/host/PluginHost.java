package dev.ramp.engine.host;

import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.plugin.MetricProviderClient;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginAvailability.State;
import dev.ramp.engine.plugin.StepPluginClient;
import dev.ramp.engine.plugin.TrafficRouterClient;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured plugins as supervised child processes and gives the rest of the engine small
 * clients to call them. {@link #apply} takes each new configuration snapshot: new and changed
 * entries start (a changed one's new process is up and healthy before the old one is closed, and
 * calls in flight on the old one finish), removed ones stop, disabled ones are marked, and refused
 * ones report their reason. Nothing here ever stops the controller.
 */
public final class PluginHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

  /**
   * How the host supervises its plugins.
   *
   * @param runnerJar the SDK's runner that hosts plugin JARs; null when JAR plugins cannot run
   * @param healthInterval time between health checks of a running plugin
   * @param healthTimeout the deadline of one health check
   * @param healthFailureThreshold failed health checks in a row before a restart
   * @param backoffInitial the first restart delay, doubled per failure in a row
   * @param backoffMax the longest restart delay
   */
  public record Settings(
      Path runnerJar,
      Path cacheDir,
      Duration healthInterval,
      Duration healthTimeout,
      int healthFailureThreshold,
      Duration backoffInitial,
      Duration backoffMax) {

    public Settings {
      // Validates now, with messages naming the value.
      new PluginSupervisor.Policy(
          healthInterval,
          healthTimeout,
          healthFailureThreshold,
          new Backoff(backoffInitial, backoffMax));
    }

    /**
     * Health every 5 s (2 s deadline, 2 failures restart), backoff 1 s doubling to 60 s; the runner
     * from the system property {@code ramp.runner.jar}, else {@code ramp-plugin-runner.jar} next to
     * the engine's jar.
     */
    public static Settings defaults() {
      return new Settings(
          LauncherStarter.defaultRunnerJar(),
          LauncherStarter.defaultCacheDir(),
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          2,
          Duration.ofSeconds(1),
          Duration.ofSeconds(60));
    }

    public Settings withBackoff(Duration initial, Duration max) {
      return new Settings(
          runnerJar, cacheDir, healthInterval, healthTimeout, healthFailureThreshold, initial, max);
    }

    public Settings withHealth(Duration interval, Duration timeout, int failureThreshold) {
      return new Settings(
          runnerJar, cacheDir, interval, timeout, failureThreshold, backoffInitial, backoffMax);
    }

    /** Downloads and class-data archives go here. */
    public Settings withCacheDir(Path dir) {
      return new Settings(
          runnerJar,
          dir,
          healthInterval,
          healthTimeout,
          healthFailureThreshold,
          backoffInitial,
          backoffMax);
    }

    public Settings withRunnerJar(Path jar) {
      return new Settings(
          jar,
          cacheDir,
          healthInterval,
          healthTimeout,
          healthFailureThreshold,
          backoffInitial,
          backoffMax);
    }

    PluginSupervisor.Policy policy() {
      return new PluginSupervisor.Policy(
          healthInterval,
          healthTimeout,
          healthFailureThreshold,
          new Backoff(backoffInitial, backoffMax));
    }
  }

  private record Key(PluginKind kind, String name) {}

  /** One configured name: the supervisor serving it, one replacing it, or a refusal. */
  private static final class Slot {
    volatile PluginSupervisor active;
    volatile PluginSupervisor pending;
    volatile String refusal;
  }

  private final PluginStarter starter;
  private final PluginProbe probe;
  private final Scheduler scheduler;
  private final Clock clock;
  private final PluginSupervisor.Policy policy;
  private final HostMetrics metrics;
  private final Map<Key, Slot> slots = new ConcurrentHashMap<>();
  private final List<CompletableFuture<Void>> stopping = new ArrayList<>();
  private final PluginCalls calls;
  private final StepPluginClient stepClient;
  private final TrafficRouterClient routerClient;
  private final MetricProviderClient metricClient;
  private final AutoCloseable ownScheduler;
  private boolean closed;

  /**
   * A host that launches real processes; their output goes to the log. It has no Kubernetes access
   * to hand over: entries with {@code kubernetesAccess: true} are refused.
   */
  public PluginHost(Settings settings, MeterRegistry registry) {
    this(
        new LauncherStarter(settings.runnerJar(), settings.cacheDir(), null),
        new GrpcPluginProbe(),
        new ExecutorScheduler(),
        Clock.systemUTC(),
        settings,
        registry);
  }

  /**
   * A host that launches real processes, their output to the log, and hands {@code access} to the
   * plugins whose entries ask for it (the controller's host).
   */
  public static PluginHost withKubernetesAccess(
      Settings settings, MeterRegistry registry, KubernetesAccess access) {
    return new PluginHost(
        new LauncherStarter(
            settings.runnerJar(), settings.cacheDir(), Objects.requireNonNull(access, "access")),
        new GrpcPluginProbe(),
        new ExecutorScheduler(),
        Clock.systemUTC(),
        settings,
        registry);
  }

  /**
   * A host that launches real processes and hands each line they print to {@code pluginOutput} as
   * {@code "[<name>] <line>"} instead of the log (the command line's plugin tools print them). It
   * has no Kubernetes access to hand over.
   */
  public PluginHost(Settings settings, MeterRegistry registry, Consumer<String> pluginOutput) {
    this(
        new LauncherStarter(
            new PluginLauncher(pluginOutput), settings.runnerJar(), settings.cacheDir(), null),
        new GrpcPluginProbe(),
        new ExecutorScheduler(),
        Clock.systemUTC(),
        settings,
        registry);
  }

  PluginHost(
      PluginStarter starter,
      PluginProbe probe,
      Scheduler scheduler,
      Clock clock,
      Settings settings,
      MeterRegistry registry) {
    this.starter = starter;
    this.probe = probe;
    this.scheduler = scheduler;
    this.clock = clock;
    this.policy = settings.policy();
    this.metrics = new HostMetrics(registry);
    this.ownScheduler = scheduler instanceof AutoCloseable c ? c : null;
    this.calls = new PluginCalls(this::serving, this::availability, metrics);
    this.stepClient = new GrpcStepClient(calls, name -> availability(PluginKind.STEP, name));
    this.routerClient =
        new GrpcTrafficRouterClient(calls, name -> availability(PluginKind.TRAFFIC_ROUTER, name));
    this.metricClient =
        new GrpcMetricProviderClient(
            calls, name -> availability(PluginKind.METRIC_PROVIDER, name), clock);
  }

  /**
   * A plugin's file as the host starts it: a remote location is downloaded into the cache (or found
   * there) and checked against {@code sha256}; a local path is checked to be a readable file. For
   * the command line's plugin tools, which start a plugin the way the controller does.
   *
   * @param cacheDir the cache directory, as in {@link Settings#cacheDir()}
   * @throws dev.ramp.engine.host.artifact.PluginArtifactException when the file cannot be had
   */
  public static Path pluginFile(Path cacheDir, String name, String location, String sha256) {
    return LauncherStarter.artifacts(cacheDir).resolve(name, location, sha256);
  }

  public StepPluginClient stepClient() {
    return stepClient;
  }

  /**
   * Forgets the plugin answers kept for calls the controller has not recorded yet — what a crash of
   * the controller's process does, so the next delivery reaches the plugin again with the same key.
   * Tests that stand in a fresh controller for a crashed one call it.
   */
  public void forgetAnswers() {
    calls.forgetAnswers();
  }

  public TrafficRouterClient trafficRouterClient() {
    return routerClient;
  }

  public MetricProviderClient metricProviderClient() {
    return metricClient;
  }

  /** Whether the plugin of that kind and name can be called now, and if not, why. */
  public PluginAvailability availability(PluginKind kind, String name) {
    Slot slot = slots.get(new Key(kind, name));
    if (slot == null) {
      return PluginAvailability.of(
          State.UNKNOWN, "no " + kind.label() + " plugin named " + name + " in ramp-config");
    }
    if (slot.refusal != null) {
      return PluginAvailability.of(State.REFUSED, slot.refusal);
    }
    PluginSupervisor active = slot.active;
    return active == null
        ? PluginAvailability.of(State.STARTING, "starting")
        : active.availability();
  }

  private PluginSupervisor serving(PluginKind kind, String name) {
    Slot slot = slots.get(new Key(kind, name));
    return slot == null || slot.refusal != null ? null : slot.active;
  }

  /** The pid of the plugin's current process, or -1 when none runs (for tests and logs). */
  long pid(PluginKind kind, String name) {
    PluginSupervisor supervisor = serving(kind, name);
    return supervisor == null ? -1 : supervisor.pid();
  }

  /** Calls currently inside the plugin's bulkhead. */
  int callsInFlight(PluginKind kind, String name) {
    PluginSupervisor supervisor = serving(kind, name);
    if (supervisor == null) {
      return 0;
    }
    var bulkhead = supervisor.bulkhead();
    return bulkhead.getBulkheadConfig().getMaxConcurrentCalls()
        - bulkhead.getMetrics().getAvailableConcurrentCalls();
  }

  /**
   * True when no plugin is being launched (or replaced) and no call is in flight: what the plugins
   * do next waits for a caller. A plugin waiting out a restart backoff counts as settled (a crash
   * loop would otherwise hold a rehearsal's clock for ever); its callers see it unavailable.
   */
  public boolean isSettled() {
    for (Slot slot : slots.values()) {
      if (slot.refusal != null) {
        continue;
      }
      PluginSupervisor active = slot.active;
      if (active == null || slot.pending != null || active.state() == State.STARTING) {
        return false;
      }
      var bulkhead = active.bulkhead();
      if (bulkhead.getMetrics().getAvailableConcurrentCalls()
          < bulkhead.getBulkheadConfig().getMaxConcurrentCalls()) {
        return false;
      }
    }
    return true;
  }

  private State stateOf(Key key) {
    Slot slot = slots.get(key);
    if (slot == null) {
      return State.UNKNOWN;
    }
    if (slot.refusal != null) {
      return State.REFUSED;
    }
    PluginSupervisor active = slot.active;
    return active == null ? State.STARTING : active.state();
  }

  /** Makes the running set match the snapshot. Returns at once; launches go on in background. */
  public synchronized void apply(PluginConfigSnapshot snapshot) {
    if (closed) {
      return;
    }
    Map<Key, PluginEntry> desired = new HashMap<>();
    for (PluginEntry entry : snapshot.entries()) {
      desired.put(new Key(entry.kind(), entry.name()), entry);
    }
    Map<Key, String> refused = new HashMap<>();
    java.util.Set<PluginKind> unreadable = java.util.EnumSet.noneOf(PluginKind.class);
    for (PluginConfigSnapshot.Refused r : snapshot.refused()) {
      refused.put(new Key(r.kind(), r.name()), r.reason());
      if (r.name().equals(r.kind().configKey())) {
        unreadable.add(r.kind());
      }
      LOG.error("{} plugin {} refused: {}", r.kind().label(), r.name(), r.reason());
    }
    for (Map.Entry<Key, Slot> e : new ArrayList<>(slots.entrySet())) {
      Key key = e.getKey();
      // A key whose YAML does not parse says nothing about its plugins: keep them as they run.
      if (unreadable.contains(key.kind()) && !refused.containsKey(key)) {
        continue;
      }
      if (!desired.containsKey(key) && !refused.containsKey(key)) {
        LOG.info("{} plugin {} removed from ramp-config", key.kind().label(), key.name());
        slots.remove(key);
        stopAll(e.getValue());
        metrics.forget(key.name());
      }
    }
    for (Map.Entry<Key, String> e : refused.entrySet()) {
      Slot slot = slot(e.getKey());
      stopAll(slot);
      slot.refusal = e.getValue();
    }
    for (Map.Entry<Key, PluginEntry> e : desired.entrySet()) {
      reconcile(e.getKey(), slot(e.getKey()), e.getValue());
    }
  }

  private Slot slot(Key key) {
    return slots.computeIfAbsent(
        key,
        k -> {
          Slot slot = new Slot();
          metrics.trackState(k.name(), () -> stateOf(k));
          return slot;
        });
  }

  private void reconcile(Key key, Slot slot, PluginEntry entry) {
    PluginSupervisor active = slot.active;
    PluginSupervisor pending = slot.pending;
    if (slot.refusal == null) {
      if (pending != null && pending.entry().equals(entry)) {
        return;
      }
      if (pending == null && active != null && active.entry().equals(entry)) {
        return;
      }
    }
    slot.refusal = null;
    if (pending != null) {
      slot.pending = null;
      stop(pending);
    }
    if (active != null && active.state() == State.READY && !entry.disabled()) {
      // Replace: the old process serves until the new one is up (or has failed once).
      LOG.info("{} plugin {} changed: starting its new process", key.kind().label(), key.name());
      PluginSupervisor next = supervisor(entry, s -> promote(key, s));
      slot.pending = next;
      next.start();
      return;
    }
    PluginSupervisor next = supervisor(entry, s -> {});
    slot.active = next;
    if (active != null) {
      stop(active);
    }
    next.start();
  }

  private synchronized void promote(Key key, PluginSupervisor next) {
    Slot slot = slots.get(key);
    if (slot == null || slot.pending != next) {
      return;
    }
    PluginSupervisor old = slot.active;
    slot.active = next;
    slot.pending = null;
    if (old != null) {
      stop(old);
    }
  }

  private PluginSupervisor supervisor(
      PluginEntry entry, java.util.function.Consumer<PluginSupervisor> onSettled) {
    return new PluginSupervisor(
        entry, starter, probe, scheduler, clock, policy, metrics, onSettled);
  }

  private void stopAll(Slot slot) {
    PluginSupervisor active = slot.active;
    PluginSupervisor pending = slot.pending;
    slot.active = null;
    slot.pending = null;
    if (active != null) {
      stop(active);
    }
    if (pending != null) {
      stop(pending);
    }
  }

  private void stop(PluginSupervisor supervisor) {
    CompletableFuture<Void> done = supervisor.stop();
    synchronized (stopping) {
      stopping.removeIf(CompletableFuture::isDone);
      if (!done.isDone()) {
        stopping.add(done);
      }
    }
  }

  /**
   * Stops every plugin (calls in flight finish first, up to their deadline) and waits until their
   * processes are gone.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (Slot slot : slots.values()) {
        stopAll(slot);
      }
    }
    List<CompletableFuture<Void>> pendingStops;
    synchronized (stopping) {
      pendingStops = new ArrayList<>(stopping);
      stopping.clear();
    }
    try {
      CompletableFuture.allOf(pendingStops.toArray(CompletableFuture[]::new))
          .get(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("plugins did not all stop cleanly: {}", e.toString());
    }
    starter.shutdown();
    if (ownScheduler != null) {
      try {
        ownScheduler.close();
      } catch (Exception e) {
        LOG.warn("closing the plugin host's threads: {}", e.toString());
      }
    }
  }
}
