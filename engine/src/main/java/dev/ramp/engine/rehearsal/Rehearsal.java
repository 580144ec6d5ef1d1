package dev.ramp.engine.rehearsal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.actions.RolloutActions;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutState;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.rehearsal.Manifests.Manifest;
import dev.ramp.engine.runtime.RampRuntime;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import dev.ramp.engine.sandbox.GatewaySimulator;
import dev.ramp.engine.sandbox.NodeSimulator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A rollout rehearsed without a cluster: an embedded API server, a node simulator that makes pods
 * ready, a Gateway controller stand-in that accepts Gateway API routes, the real controller with
 * real plugin processes, and a virtual clock that moves only while all of them are idle ({@link
 * SpeedClock}). The engine of `ramp demo` and `ramp run`; the controller code is the same that runs
 * in a cluster.
 */
public final class Rehearsal implements AutoCloseable {

  /** The controller's namespace in a rehearsal (where ramp-config goes). */
  public static final String CONTROLLER_NAMESPACE = "ramp-system";

  /**
   * How a rehearsal runs.
   *
   * @param speed how many times faster than real time the rehearsal's clock runs while the world is
   *     idle (it stands still while anything is at work; see {@link SpeedClock})
   * @param podReadyAfter how long (on the rehearsal's clock) a new pod takes to become ready
   * @param autoPromote promote indefinite pauses as a person would
   * @param timeout give up after this long on the rehearsal's clock
   * @param runnerJar the plugin runner for JAR plugins, or null
   * @param workDir where the kubeconfig and plugin caches go; null for a temporary folder that the
   *     rehearsal deletes when it closes
   */
  public record Options(
      double speed,
      Duration podReadyAfter,
      boolean autoPromote,
      Duration timeout,
      Path runnerJar,
      Path workDir,
      Consumer<String> log) {}

  /** How a rehearsed rollout ended. */
  public enum Verdict {
    HEALTHY,
    DEGRADED,
    TIMED_OUT
  }

  /** One step as it happened, on the rehearsal's clock. */
  public record StepRecord(
      int index,
      String kind,
      String step,
      Instant start,
      Instant end,
      String result,
      int pluginCalls) {}

  /** The end of a rehearsed rollout. */
  public record Outcome(Verdict verdict, Rollout rollout, List<StepRecord> history) {}

  private final Options options;
  private final SpeedClock clock;
  private final EmbeddedCluster cluster;
  private final NodeSimulator nodes;
  private final GatewaySimulator gateways;
  private final RampRuntime runtime;
  private final RolloutActions actions;
  private final Path kubeconfig;
  private final Path workDir;
  private final boolean ownsWorkDir;

  /**
   * Closes the rehearsal when the JVM is stopped (Ctrl-C, SIGTERM) before {@link #close} ran, so
   * that its temporary folder and plugin processes do not outlive it.
   */
  private final Thread onExit = new Thread(this::close, "ramp-rehearsal-cleanup");

  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** The pod-template hash each rollout had when {@link #newRevision} started its next one. */
  private final Map<String, String> revisedFrom = new ConcurrentHashMap<>();

  private Rehearsal(Options options, Runnable beforeNodeChange) {
    this.options = options;
    this.ownsWorkDir = options.workDir() == null;
    try {
      this.workDir = ownsWorkDir ? Files.createTempDirectory("ramp-rehearsal-") : options.workDir();
    } catch (IOException e) {
      throw new RehearsalException("cannot make a work folder: " + e.getMessage());
    }
    this.clock = new SpeedClock(Instant.now(), options.speed());
    List<io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition> crds =
        new ArrayList<>(EmbeddedCluster.rampCrds());
    crds.addAll(EmbeddedCluster.gatewayApiCrds());
    this.cluster = EmbeddedCluster.start(crds, List.of(CONTROLLER_NAMESPACE, "default"), clock);
    this.kubeconfig = cluster.writeKubeconfig(workDir.resolve("kubeconfig"));
    this.nodes =
        NodeSimulator.onClock(cluster.client(), options.podReadyAfter(), clock, beforeNodeChange)
            .start();
    this.gateways = new GatewaySimulator(cluster.client(), clock).start();
    PluginHost.Settings host =
        PluginHost.Settings.defaults()
            .withCacheDir(workDir.resolve("cache"))
            .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(5));
    if (options.runnerJar() != null) {
      host = host.withRunnerJar(options.runnerJar());
    }
    this.runtime =
        new RampRuntime(
            cluster.newClient(),
            RampRuntime.Settings.defaults(CONTROLLER_NAMESPACE)
                .withClock(clock)
                .withPluginHost(host));
    this.actions = new RolloutActions(cluster.client(), clock);
  }

  /** Starts the embedded world and the controller. */
  public static Rehearsal start(Options options) {
    return start(options, () -> {});
  }

  /**
   * Starts it with a seam: {@code beforeNodeChange} runs before each status the node simulator
   * writes (a test stalls it there).
   */
  static Rehearsal start(Options options, Runnable beforeNodeChange) {
    Rehearsal rehearsal = new Rehearsal(options, beforeNodeChange);
    Runtime.getRuntime().addShutdownHook(rehearsal.onExit);
    try {
      rehearsal.runtime.start();
      rehearsal.clock.drive(rehearsal.world());
      return rehearsal;
    } catch (RuntimeException e) {
      rehearsal.close();
      throw e;
    }
  }

  /** The rehearsal's clock, for tests in this package. */
  SpeedClock clock() {
    return clock;
  }

  /** The Gateway controller stand-in, for tests in this package (to hold its writes). */
  GatewaySimulator gateways() {
    return gateways;
  }

  /**
   * The controllers, the plugins, the node simulator, the Gateway stand-in and the API server, as
   * the clock sees them.
   */
  private SpeedClock.World world() {
    return new SpeedClock.World() {
      @Override
      public boolean isIdle() {
        return runtime.isIdle() && nodes.isIdle() && gateways.isIdle();
      }

      @Override
      public java.util.Optional<Instant> nextDue() {
        return java.util.stream.Stream.of(runtime.nextDue(), nodes.nextDue())
            .flatMap(java.util.Optional::stream)
            .min(Instant::compareTo);
      }

      @Override
      public long writes() {
        return cluster.writes();
      }

      @Override
      public void clockAdvanced() {
        runtime.clockAdvanced();
        nodes.clockAdvanced();
      }
    };
  }

  /** The kubeconfig of the embedded API server, for kubectl and `ramp` beside the rehearsal. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  public KubernetesClient client() {
    return cluster.client();
  }

  /**
   * Applies the manifests of the files, Namespaces first and Rollouts last (ConfigMaps, Secrets,
   * AnalysisTemplates, ClusterAnalysisTemplates, Services and Gateway API objects between, see
   * {@link Manifests#inApplyOrder}); returns the Rollouts among them. An object given twice is
   * applied as the later document has it ({@link Manifests#lastOfEachObject}), as {@code kubectl
   * apply} would leave it.
   */
  public List<Rollout> apply(List<Path> files) {
    List<Manifest> manifests =
        Manifests.inApplyOrder(
            Manifests.lastOfEachObject(Manifests.read(files, options.log()), options.log()));
    Set<String> namespaces = new HashSet<>(List.of(CONTROLLER_NAMESPACE, "default"));
    List<Rollout> rollouts = new ArrayList<>();
    for (Manifest m : manifests) {
      if (m.kind().equals("Namespace") && !namespaces.add(m.name())) {
        options.log().accept("namespace " + m.name() + " exists already");
        continue;
      }
      boolean clusterScoped = m.clusterScoped();
      String namespace = m.targetNamespace();
      if (!clusterScoped && namespaces.add(namespace)) {
        client()
            .namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
            .create();
      }
      ObjectNode document = m.document().deepCopy();
      if (!clusterScoped) {
        ((ObjectNode) document.with("metadata")).put("namespace", namespace);
      } else {
        // The API server ignores a namespace on a cluster-scoped object; the embedded one would
        // fail the create (it answers nothing, and the client times out).
        ((ObjectNode) document.with("metadata")).remove("namespace");
      }
      if (m.gatewayApi()) {
        // Stored as v1, as a cluster stores a v1beta1 manifest of the same schema.
        document.put("apiVersion", Manifests.GATEWAY_API);
      }
      if (m.kind().equals("Rollout")) {
        Rollout rollout = Serialization.jsonMapper().convertValue(document, Rollout.class);
        rollouts.add(client().resources(Rollout.class).resource(rollout).create());
      } else {
        GenericKubernetesResource resource =
            Serialization.jsonMapper().convertValue(document, GenericKubernetesResource.class);
        client().resource(resource).create();
      }
      options
          .log()
          .accept("applied " + m.kind() + " " + (clusterScoped ? "" : namespace + "/") + m.name());
    }
    if (rollouts.isEmpty()) {
      throw new RehearsalException("the files hold no Rollout to rehearse");
    }
    return rollouts;
  }

  /**
   * The AnalysisRuns the rollout controls (a controller owner reference with its uid), as stored
   * now.
   */
  public List<AnalysisRun> analysisRuns(Rollout rollout) {
    String uid = rollout.getMetadata().getUid();
    return client()
        .resources(AnalysisRun.class)
        .inNamespace(rollout.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(run -> dev.ramp.engine.model.Owners.controlledBy(run, uid))
        .toList();
  }

  /** Waits until the rollout's current revision is stable and Healthy. */
  public Outcome awaitStable(Rollout rollout) {
    return follow(rollout, null, false, ignored -> {});
  }

  /** Starts a new revision: a new image for the first container, or a restart annotation. */
  public void newRevision(Rollout rollout, String image) {
    String ns = rollout.getMetadata().getNamespace();
    String name = rollout.getMetadata().getName();
    Rollout current = client().resources(Rollout.class).inNamespace(ns).withName(name).get();
    String container =
        current.getSpec().template.path("spec").path("containers").path(0).path("name").asText();
    String newImage = image;
    if (newImage == null) {
      String old =
          current.getSpec().template.path("spec").path("containers").path(0).path("image").asText();
      newImage = old.contains(":") ? old + "-next" : old + ":next";
    }
    options
        .log()
        .accept("set image " + container + "=" + newImage + " on rollout " + ns + "/" + name);
    revisedFrom.put(
        key(rollout), current.getStatus() == null ? null : current.getStatus().currentPodHash);
    actions.setImage(ns, name, container, newImage);
  }

  /**
   * Follows the rollout to its end, calling {@code onChange} on every change it sees, promoting
   * indefinite pauses when the options say so.
   */
  public Outcome runToEnd(Rollout rollout, Consumer<Rollout> onChange) {
    return follow(rollout, revisedFrom.get(key(rollout)), options.autoPromote(), onChange);
  }

  /**
   * @param fromHash the pod-template hash of the revision before the one to follow, or null
   */
  private Outcome follow(
      Rollout rollout, String fromHash, boolean autoPromote, Consumer<Rollout> onChange) {
    String ns = rollout.getMetadata().getNamespace();
    String name = rollout.getMetadata().getName();
    Instant deadline = clock.instant().plus(options.timeout());
    long wallDeadline = System.nanoTime() + wallLimit().toNanos();
    StepHistory history = new StepHistory(fromHash, clock.instant());
    String promotedAt = "";
    if (client().resources(Rollout.class).inNamespace(ns).withName(name).get() == null) {
      throw new RehearsalException("rollout " + ns + "/" + name + " was deleted");
    }
    try (RolloutWatch watch = new RolloutWatch(client(), ns, name)) {
      Rollout current = null;
      while (true) {
        runtime.clockAdvanced();
        if (current == null && System.nanoTime() - wallDeadline > 0) {
          throw new RehearsalException("rollout " + ns + "/" + name + " was never seen");
        }
        // Every version, in order: the history takes each step's start from the status.
        for (Rollout next = watch.next(Duration.ofMillis(50));
            next != null;
            next = watch.next(Duration.ZERO)) {
          current = next;
          history.observe(current, clock.instant());
          onChange.accept(current);
        }
        if (watch.deleted()) {
          throw new RehearsalException("rollout " + ns + "/" + name + " was deleted");
        }
        if (current == null) {
          continue;
        }
        Instant now = clock.instant();
        Verdict verdict = verdict(current);
        if (verdict != null) {
          history.finish(current, now, verdict);
          return new Outcome(verdict, current, history.records());
        }
        if (!now.isBefore(deadline) || System.nanoTime() - wallDeadline > 0) {
          history.finish(current, now, Verdict.TIMED_OUT);
          return new Outcome(Verdict.TIMED_OUT, current, history.records());
        }
        String pauseKey = indefinitePause(current);
        if (autoPromote && pauseKey != null && !pauseKey.equals(promotedAt)) {
          promotedAt = pauseKey;
          options
              .log()
              .accept(
                  "promoting " + ns + "/" + name + " (as you would: ramp promote " + name + ")");
          history.promoted();
          actions.promote(ns, name);
        }
      }
    }
  }

  /**
   * How long a rehearsal may take in wall time, a backstop for a world that never goes idle (a
   * reconcile failing over and over keeps the clock still): ten times the timeout at the speed, at
   * least a minute.
   */
  Duration wallLimit() {
    Duration paced = clock.real(options.timeout()).multipliedBy(10);
    return paced.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : paced;
  }

  /** The rollout's verdict when it has one (see {@link RolloutState}); null while it runs. */
  static Verdict verdict(Rollout rollout) {
    return switch (RolloutState.of(rollout)) {
      case HEALTHY -> Verdict.HEALTHY;
      case DEGRADED -> Verdict.DEGRADED;
      case IN_PROGRESS -> null;
    };
  }

  /** A key for the indefinite pause the rollout waits in, or null. */
  private static String indefinitePause(Rollout rollout) {
    RolloutStatus status = rollout.getStatus();
    if (status != null
        && dev.ramp.engine.model.Phase.Paused.is(status.phase)
        && status.pauseConditions != null
        && status.pauseConditions.stream().anyMatch(pc -> "BlueGreenPause".equals(pc.reason))
        && Boolean.FALSE.equals(rollout.getSpec().strategy.blueGreen.autoPromotionEnabled)) {
      // Blue-green's pause before promotion, with auto-promotion off: until promoted.
      return status.currentPodHash + "/blueGreen";
    }
    if (status == null
        || status.currentStepIndex == null
        || !dev.ramp.engine.model.Phase.Paused.is(status.phase)) {
      return null;
    }
    List<CanaryStep> steps = steps(rollout);
    int index = status.currentStepIndex;
    if (index >= steps.size() || steps.get(index).pause == null) {
      return null;
    }
    if (steps.get(index).pause.duration != null) {
      return null;
    }
    return status.currentPodHash + "/" + index;
  }

  static List<CanaryStep> steps(Rollout rollout) {
    if (rollout.getSpec() == null
        || rollout.getSpec().strategy == null
        || rollout.getSpec().strategy.canary == null
        || rollout.getSpec().strategy.canary.steps == null) {
      return List.of();
    }
    return rollout.getSpec().strategy.canary.steps;
  }

  private static String key(Rollout rollout) {
    return rollout.getMetadata().getNamespace() + "/" + rollout.getMetadata().getName();
  }

  /** Now on the rehearsal's clock. */
  public Instant now() {
    return clock.instant();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != onExit) {
      try {
        Runtime.getRuntime().removeShutdownHook(onExit);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is stopping; the hook runs close() and finds it done.
      }
    }
    clock.close();
    runtime.close();
    gateways.close();
    nodes.close();
    cluster.close();
    if (ownsWorkDir) {
      try (var files = Files.walk(workDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | java.io.UncheckedIOException ignored) {
        // A temporary folder left behind is harmless.
      }
    }
  }

  /** Where the kubeconfig, caches and any files of the rehearsal go. */
  public Path workDir() {
    return workDir;
  }
}
