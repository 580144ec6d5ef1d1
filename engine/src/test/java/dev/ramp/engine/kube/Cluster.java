package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.CanaryStrategy;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutSpec;
import dev.ramp.engine.model.RolloutStrategy;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A CRUD mock API server with the Rollout CRD, two Services, and a node simulator. */
final class Cluster implements AutoCloseable {
  static final String NS = "default";

  final EmbeddedApiServer server;
  final KubernetesClient client;
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  final NodeSimulator nodes;

  Cluster() throws Exception {
    server = EmbeddedApiServer.start();
    client = server.client();
    server.registerRampCrds();
    for (String svc : List.of("demo-canary", "demo-stable")) {
      client
          .services()
          .inNamespace(NS)
          .resource(
              new ServiceBuilder()
                  .withNewMetadata()
                  .withName(svc)
                  .withNamespace(NS)
                  .endMetadata()
                  .withNewSpec()
                  .addToSelector("app", "demo")
                  .endSpec()
                  .build())
          .create();
    }
    nodes = new NodeSimulator(client, NS);
  }

  static JsonNode template(String image) {
    try {
      return Json.MAPPER.readTree(
          "{\"metadata\":{\"labels\":{\"app\":\"demo\"}},"
              + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\""
              + image
              + "\"}]}}");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Rollout rollout(String name, int replicas, List<CanaryStep> steps) {
    Rollout r = new Rollout();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    RolloutSpec spec = new RolloutSpec();
    spec.replicas = replicas;
    spec.selector = new LabelSelectorBuilder().addToMatchLabels("app", "demo").build();
    spec.template = template("demo:1");
    spec.strategy = new RolloutStrategy();
    spec.strategy.canary = new CanaryStrategy();
    spec.strategy.canary.canaryService = "demo-canary";
    spec.strategy.canary.stableService = "demo-stable";
    spec.strategy.canary.steps = steps;
    r.setSpec(spec);
    return r;
  }

  Rollout create(Rollout r) {
    return client.resources(Rollout.class).inNamespace(NS).resource(r).create();
  }

  Rollout get(String name) {
    return client.resources(Rollout.class).inNamespace(NS).withName(name).get();
  }

  /** Replica counts by pod-template hash, for ReplicaSets owned by the named Rollout. */
  Map<String, Integer> replicas(String name) {
    return client.apps().replicaSets().inNamespace(NS).list().getItems().stream()
        .filter(rs -> rs.getMetadata().getName().startsWith(name + "-"))
        .collect(
            Collectors.toMap(
                rs -> rs.getMetadata().getLabels().get("rollouts-pod-template-hash"),
                rs -> rs.getSpec().getReplicas()));
  }

  List<ReplicaSet> replicaSets(String name) {
    return client.apps().replicaSets().inNamespace(NS).list().getItems().stream()
        .filter(rs -> rs.getMetadata().getName().startsWith(name + "-"))
        .toList();
  }

  String selector(String service) {
    return client
        .services()
        .inNamespace(NS)
        .withName(service)
        .get()
        .getSpec()
        .getSelector()
        .get("rollouts-pod-template-hash");
  }

  /** The Events on the named Rollout, oldest first, as "reason: message". */
  List<String> events(String name) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .sorted(
            Comparator.comparing((Event e) -> Long.parseLong(e.getMetadata().getResourceVersion())))
        .map(e -> e.getReason() + ": " + e.getMessage())
        .toList();
  }

  /** The controllers' reconcile workers; a plugin's maxConcurrentCalls stays below it. */
  static final int WORKERS = 4;

  /** The step plugins the next controllers call; null for a controller without plugins. */
  volatile dev.ramp.engine.plugin.StepPluginClient stepPlugins;

  /** The traffic routers the next controllers call; null for none. */
  volatile dev.ramp.engine.plugin.TrafficRouterClient routers;

  /** How the next controllers pace plugin steps; null for the defaults. */
  volatile dev.ramp.engine.rollout.PluginStepSettings pluginSettings;

  /** Each plugin status entry's operation, phase and executions: a kill point of its own. */
  private static String pluginProgress(dev.ramp.engine.model.RolloutStatus st) {
    if (st.canary == null || st.canary.stepPluginStatuses == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (var e : st.canary.stepPluginStatuses) {
      out.append('/').append(e.index).append(e.operation).append(e.phase).append(e.executions);
    }
    return out.toString();
  }

  /** The current step and background runs with their phases: a kill point for each change. */
  private static String analysisProgress(dev.ramp.engine.model.RolloutStatus st) {
    if (st.canary == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    var step = st.canary.currentStepAnalysisRunStatus;
    if (step != null) {
      out.append("/step:").append(step.name).append(':').append(step.status);
    }
    var bg = st.canary.currentBackgroundAnalysisRunStatus;
    if (bg != null) {
      out.append("/background:").append(bg.name).append(':').append(bg.status);
    }
    return out.toString();
  }

  /** Blue-green's Services, checkpoint and promotion runs: a kill point for each change. */
  private static String blueGreenProgress(dev.ramp.engine.model.RolloutStatus st) {
    var bg = st.blueGreen;
    if (bg == null) {
      return "";
    }
    return "/bg:"
        + bg.previewSelector
        + ":"
        + bg.activeSelector
        + ":"
        + bg.scaleUpPreviewCheckPoint
        + ":"
        + (bg.prePromotionAnalysisRunStatus == null
            ? null
            : bg.prePromotionAnalysisRunStatus.status)
        + ":"
        + (bg.postPromotionAnalysisRunStatus == null
            ? null
            : bg.postPromotionAnalysisRunStatus.status);
  }

  /** Killing controllers just before a status write, once for each distinct new status. */
  boolean chaos;

  final java.util.Set<String> killedAt = java.util.concurrent.ConcurrentHashMap.newKeySet();
  final java.util.concurrent.atomic.AtomicInteger starts =
      new java.util.concurrent.atomic.AtomicInteger();
  private RolloutController controller;
  private final java.util.concurrent.atomic.AtomicBoolean dead =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Starts a fresh controller, closing the previous one. */
  synchronized void restartController() {
    if (controller != null) {
      controller.close();
    }
    java.util.concurrent.atomic.AtomicBoolean died =
        new java.util.concurrent.atomic.AtomicBoolean();
    RolloutController c =
        routers != null
            ? new RolloutController(
                client,
                NS,
                clock,
                WORKERS,
                stepPlugins == null
                    ? dev.ramp.engine.rollout.RolloutReconciler.noPlugins()
                    : stepPlugins,
                routers)
            : stepPlugins == null
                ? new RolloutController(client, NS, clock, WORKERS)
                : new RolloutController(client, NS, clock, WORKERS, stepPlugins);
    if (pluginSettings != null) {
      c.pluginStepSettings(pluginSettings);
    }
    java.util.function.UnaryOperator<RolloutController.CachedReads> reads = cachedReads;
    if (reads != null) {
      c.cachedReads(reads);
    }
    java.util.function.UnaryOperator<RolloutController.CachedServices> serviceReads =
        cachedServices;
    if (serviceReads != null) {
      c.cachedServices(serviceReads);
    }
    c.beforeStatusWrite(
        (read, st) -> {
          RolloutController.BeforeStatusWrite extra = extraHook;
          if (extra != null) {
            extra.beforeWrite(read, st);
          }
          if (died.get()) {
            throw new IllegalStateException("this controller was killed");
          }
          String target =
              st.currentPodHash
                  + "/"
                  + st.currentStepIndex
                  + "/"
                  + st.phase
                  + "/"
                  + st.stableRS
                  + "/"
                  + st.abort
                  + pluginProgress(st)
                  + analysisProgress(st)
                  + blueGreenProgress(st);
          if (chaos && killedAt.add(target)) {
            died.set(true);
            dead.set(true);
            // The controller's process dies, and with it the plugin answers its host kept.
            crashed.run();
            throw new IllegalStateException("killed just before the status write of " + target);
          }
        });
    dead.set(false);
    starts.incrementAndGet();
    c.start();
    controller = c;
  }

  private volatile RolloutController.BeforeStatusWrite extraHook;

  /** What else a crash of the controller's process ends (its plugin host's kept answers). */
  volatile Runnable crashed = () -> {};

  /** The next controllers' reads of the Rollout cache; null for the informer's own. */
  volatile java.util.function.UnaryOperator<RolloutController.CachedReads> cachedReads;

  /** The next controllers' reads of the Service cache; null for the informer's own. */
  volatile java.util.function.UnaryOperator<RolloutController.CachedServices> cachedServices;

  /** A test's own hook, run before every status write of every controller. */
  void beforeEachStatusWrite(RolloutController.BeforeStatusWrite hook) {
    extraHook = hook;
  }

  /** Stops the controller without a successor (a crash with nobody to take over yet). */
  synchronized void stopController() {
    if (controller != null) {
      controller.close();
      controller = null;
    }
    dead.set(false);
  }

  /** Replaces a killed controller; called while waiting. */
  synchronized void reviveIfKilled() {
    if (dead.get()) {
      restartController();
    }
  }

  synchronized void clockAdvanced() {
    if (controller != null) {
      controller.clockAdvanced();
    }
  }

  @Override
  public void close() {
    if (controller != null) {
      controller.close();
    }
    nodes.close();
    server.close();
  }
}
