package dev.ramp.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.CanaryStrategy;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.model.RolloutSpec;
import dev.ramp.engine.model.RolloutStrategy;
import dev.ramp.engine.rollout.Observed;
import dev.ramp.engine.rollout.Plan;
import dev.ramp.engine.rollout.RolloutReconciler;
import dev.ramp.engine.runtime.RampRuntime;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.Counter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * One controller holding N realistic Rollouts at steady state: heap after GC, a full no-change
 * resync, and the latency from a spec change of one Rollout to its status write. Prints figures;
 * asserts nothing.
 *
 * <p>Each Rollout has a pod template of about 3 KB, five canary steps, its canary and stable
 * Services, and three ReplicaSets (the stable one and two old ones scaled to zero). The steady
 * state is computed in memory by the controller's own reconciler, then stored straight into the
 * embedded API server (which scans every object on each request, so N creates would take hours).
 *
 * <p>Run: {@code mvn -B -Pbench verify -pl tests -am -Dbench.rollouts=2000}
 */
class ControllerScaleBenchmark {

  private static final int NAMESPACES = 20;
  private static final List<CanaryStep> STEPS =
      List.of(
          CanaryStep.setWeight(20),
          CanaryStep.pause("10m"),
          CanaryStep.setWeight(50),
          CanaryStep.pause("10m"),
          CanaryStep.setWeight(80));

  @Test
  void steadyState() throws Exception {
    int n = Integer.getInteger("bench.rollouts", 2000);
    int samples = Integer.getInteger("bench.samples", 200);
    long buildStart = System.nanoTime();
    List<HasMetadata> objects = steadyStateObjects(n);
    double buildSeconds = seconds(System.nanoTime() - buildStart);
    long templateBytes =
        Json.write(((Rollout) objects.get(0)).getSpec().template).getBytes().length;

    try (EmbeddedCluster server = EmbeddedCluster.start(List.of(), List.of())) {
      server.registerRampCrds();
      long loadStart = System.nanoTime();
      server.preload(objects);
      double loadSeconds = seconds(System.nanoTime() - loadStart);
      int objectCount = objects.size();
      objects = null;
      // Lists of tens of thousands of objects take the mock longer than the default 10 s.
      KubernetesClient client =
          new io.fabric8.kubernetes.client.KubernetesClientBuilder()
              .withConfig(
                  new io.fabric8.kubernetes.client.ConfigBuilder(server.client().getConfiguration())
                      .withRequestTimeout((int) Duration.ofMinutes(10).toMillis())
                      .build())
              .build();
      var rollouts = client.resources(Rollout.class).inAnyNamespace();
      Map<String, String> versionsBefore = versions(rollouts.list().getItems());
      if (versionsBefore.size() != n) {
        throw new IllegalStateException(
            "the server holds " + versionsBefore.size() + " Rollouts, expected " + n);
      }
      long heapBefore = heapAfterGc();

      RampRuntime runtime =
          new RampRuntime(
              client,
              RampRuntime.Settings.defaults("ramp-system")
                  .withPluginHost(PluginHost.Settings.defaults().withRunnerJar(null)));
      try {
        long startNanos = System.nanoTime();
        runtime.start();
        double syncSeconds = seconds(System.nanoTime() - startNanos);
        awaitReconciles(runtime, n, Duration.ofMinutes(30));
        double firstPassSeconds = seconds(System.nanoTime() - startNanos);
        Map<String, String> versionsAfter = versions(rollouts.list().getItems());
        long written =
            versionsAfter.entrySet().stream()
                .filter(e -> !e.getValue().equals(versionsBefore.get(e.getKey())))
                .count();
        long heapWithController = heapAfterGc();

        List<Double> resyncs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          double before = reconciles(runtime);
          long t = System.nanoTime();
          runtime.resync();
          awaitReconciles(runtime, before + n, Duration.ofMinutes(30));
          resyncs.add(seconds(System.nanoTime() - t));
        }

        double getMillis = mockGetMillis(client);
        double[] latencies = specToStatus(client, n, Math.min(samples, n));
        long heapAtEnd = heapAfterGc();

        System.out.printf(
            "%n== Controller at scale: %d Rollouts (%d objects; template %d bytes)%n",
            n, objectCount, templateBytes);
        System.out.printf(
            "steady state computed in %.1f s, stored in %.1f s%n", buildSeconds, loadSeconds);
        System.out.printf(
            "heap after GC: %d MiB before the controller, %d MiB with it: controller %d MiB"
                + " (%d MiB after the latency run)%n",
            mib(heapBefore),
            mib(heapWithController),
            mib(heapWithController - heapBefore),
            mib(heapAtEnd - heapBefore));
        System.out.printf(
            "start (list + informer sync): %.2f s; first full pass done at %.2f s; Rollouts"
                + " written by it: %d%n",
            syncSeconds, firstPassSeconds, written);
        System.out.printf("full no-change resync: %s s%n", fmt(resyncs));
        System.out.printf(
            "spec change -> status write, %d samples: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms%n",
            latencies.length,
            pct(latencies, 50),
            pct(latencies, 90),
            pct(latencies, 99),
            latencies[latencies.length - 1]);
        System.out.printf(
            "(the mock API server alone: one GET of one Rollout takes %.1f ms at this size)%n%n",
            getMillis);
      } finally {
        runtime.close();
        client.close();
      }
    }
  }

  // --- steady state, computed by the reconciler ---

  private static List<HasMetadata> steadyStateObjects(int n) {
    RolloutReconciler reconciler = new RolloutReconciler();
    List<HasMetadata> rolloutsOut = new ArrayList<>(n);
    List<HasMetadata> others = new ArrayList<>(n * 5);
    Instant start = Instant.now().minus(Duration.ofDays(3));
    for (int i = 0; i < n; i++) {
      Rollout r = rollout(i);
      Map<String, ReplicaSet> replicaSets = new LinkedHashMap<>();
      Map<String, Service> services = new HashMap<>();
      for (String suffix : List.of("-canary", "-stable")) {
        Service s =
            new ServiceBuilder()
                .withNewMetadata()
                .withName(r.getMetadata().getName() + suffix)
                .withNamespace(r.getMetadata().getNamespace())
                .withUid(java.util.UUID.randomUUID().toString())
                .endMetadata()
                .withNewSpec()
                .addToSelector("app", r.getMetadata().getName())
                .addNewPort()
                .withPort(80)
                .withNewTargetPort(8080)
                .endPort()
                .endSpec()
                .build();
        services.put(s.getMetadata().getName(), s);
      }
      Instant now = start;
      for (int revision = 1; revision <= 3; revision++) {
        if (revision > 1) {
          ((ObjectNode) r.getSpec().template.get("spec").get("containers").get(0))
              .put("image", "registry.example.com/shop/app-" + i + ":1." + revision);
          r.getMetadata().setGeneration(r.getMetadata().getGeneration() + 1);
        }
        for (int round = 0; round < 40; round++) {
          now = now.plus(Duration.ofMinutes(11));
          if (!apply(reconciler, r, replicaSets, services, now)) {
            break;
          }
        }
      }
      if (r.getStatus() == null || !"Healthy".equals(r.getStatus().phase)) {
        throw new IllegalStateException(
            r.getMetadata().getName() + " did not settle: " + Json.write(r.getStatus()));
      }
      rolloutsOut.add(r);
      others.addAll(replicaSets.values());
      others.addAll(services.values());
    }
    rolloutsOut.addAll(others);
    return rolloutsOut;
  }

  /** One reconcile applied in memory, pods ready at once; false when nothing changed. */
  private static boolean apply(
      RolloutReconciler reconciler,
      Rollout r,
      Map<String, ReplicaSet> replicaSets,
      Map<String, Service> services,
      Instant now) {
    List<Observed.ReplicaSet> observed = new ArrayList<>();
    for (ReplicaSet rs : replicaSets.values()) {
      int replicas = rs.getSpec().getReplicas();
      observed.add(
          new Observed.ReplicaSet(
              rs.getMetadata().getName(),
              rs.getMetadata().getLabels().get(RolloutLabels.POD_TEMPLATE_HASH),
              replicas,
              replicas,
              replicas,
              replicas,
              Integer.parseInt(rs.getMetadata().getAnnotations().get(RolloutLabels.REVISION))));
    }
    Set<String> serviceNames = new TreeSet<>(services.keySet());
    Plan plan = reconciler.reconcile(new Observed(r, observed, serviceNames, now));
    boolean changed = false;
    if (plan.replicaSets().create() != null) {
      ReplicaSet rs = replicaSet(r, plan.replicaSets().create(), now);
      replicaSets.put(rs.getMetadata().getName(), rs);
      changed = true;
    }
    for (var e : plan.replicaSets().scales().entrySet()) {
      ReplicaSet rs = replicaSets.get(e.getKey());
      rs.getSpec().setReplicas(e.getValue());
      rs.setStatus(
          new ReplicaSetStatusBuilder()
              .withReplicas(e.getValue())
              .withReadyReplicas(e.getValue())
              .withAvailableReplicas(e.getValue())
              .withFullyLabeledReplicas(e.getValue())
              .withObservedGeneration(1L)
              .build());
      changed = true;
    }
    for (var e : plan.replicaSets().revisions().entrySet()) {
      replicaSets
          .get(e.getKey())
          .getMetadata()
          .getAnnotations()
          .put(RolloutLabels.REVISION, String.valueOf(e.getValue()));
      changed = true;
    }
    for (String name : plan.replicaSets().deletes()) {
      replicaSets.remove(name);
      changed = true;
    }
    for (var e : plan.serviceSelectors().entrySet()) {
      Service s = services.get(e.getKey());
      if (!e.getValue().equals(s.getSpec().getSelector().get(RolloutLabels.POD_TEMPLATE_HASH))) {
        s.getSpec().getSelector().put(RolloutLabels.POD_TEMPLATE_HASH, e.getValue());
        changed = true;
      }
    }
    if (plan.statusChanged()) {
      r.setStatus(plan.status());
      changed = true;
    }
    return changed;
  }

  /** The ReplicaSet as the controller creates it, with its pods ready. */
  private static ReplicaSet replicaSet(Rollout r, Plan.NewReplicaSet n, Instant now) {
    PodTemplateSpec template =
        Serialization.unmarshal(Json.write(n.template()), PodTemplateSpec.class);
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(n.name())
        .withNamespace(r.getMetadata().getNamespace())
        .withUid(java.util.UUID.randomUUID().toString())
        .withCreationTimestamp(now.toString())
        .withLabels(new HashMap<>(template.getMetadata().getLabels()))
        .addToAnnotations(RolloutLabels.REVISION, String.valueOf(n.revision()))
        .addToAnnotations(RolloutLabels.TEMPLATE, Json.canonicalString(r.getSpec().template))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(Rollout.API_VERSION)
                .withKind("Rollout")
                .withName(r.getMetadata().getName())
                .withUid(r.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withNewSpec()
        .withReplicas(n.replicas())
        .withMinReadySeconds(n.minReadySeconds())
        .withNewSelector()
        .withMatchLabels(n.selector())
        .endSelector()
        .withTemplate(template)
        .endSpec()
        .withStatus(
            new ReplicaSetStatusBuilder()
                .withReplicas(n.replicas())
                .withReadyReplicas(n.replicas())
                .withAvailableReplicas(n.replicas())
                .withFullyLabeledReplicas(n.replicas())
                .withObservedGeneration(1L)
                .build())
        .build();
  }

  private static Rollout rollout(int i) {
    String name = "app-" + i;
    Rollout r = new Rollout();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace("bench-" + (i % NAMESPACES))
            .withUid(java.util.UUID.randomUUID().toString())
            .withGeneration(1L)
            .addToLabels("app", name)
            .addToLabels("team", "team-" + (i % 50))
            .build());
    RolloutSpec spec = new RolloutSpec();
    spec.replicas = 3;
    spec.revisionHistoryLimit = 2;
    spec.selector = new LabelSelectorBuilder().addToMatchLabels("app", name).build();
    spec.template = template(name, "registry.example.com/shop/" + name + ":1.1");
    spec.strategy = new RolloutStrategy();
    spec.strategy.canary = new CanaryStrategy();
    spec.strategy.canary.canaryService = name + "-canary";
    spec.strategy.canary.stableService = name + "-stable";
    spec.strategy.canary.steps = STEPS;
    r.setSpec(spec);
    return r;
  }

  /** A pod template of about 3 KB: env, resources, probes, volumes, as services tend to have. */
  private static JsonNode template(String app, String image) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode t = f.objectNode();
    ObjectNode meta = t.putObject("metadata");
    meta.putObject("labels").put("app", app).put("tier", "backend").put("version", "stable");
    meta.putObject("annotations")
        .put("prometheus.io/scrape", "true")
        .put("prometheus.io/port", "9090")
        .put("sidecar.example.com/inject", "false");
    ObjectNode spec = t.putObject("spec");
    spec.put("serviceAccountName", app);
    spec.put("terminationGracePeriodSeconds", 30);
    ObjectNode c = spec.putArray("containers").addObject();
    c.put("name", "app");
    c.put("image", image);
    c.putArray("args").add("--port=8080").add("--metrics-port=9090").add("--log-format=json");
    ArrayNode ports = c.putArray("ports");
    ports.addObject().put("name", "http").put("containerPort", 8080);
    ports.addObject().put("name", "metrics").put("containerPort", 9090);
    ArrayNode env = c.putArray("env");
    for (int k = 0; k < 24; k++) {
      env.addObject()
          .put("name", "APP_SETTING_" + k)
          .put("value", "value-of-setting-" + k + "-for-" + app);
    }
    env.addObject()
        .put("name", "POD_NAME")
        .putObject("valueFrom")
        .putObject("fieldRef")
        .put("fieldPath", "metadata.name");
    ObjectNode res = c.putObject("resources");
    res.putObject("requests").put("cpu", "250m").put("memory", "512Mi");
    res.putObject("limits").put("memory", "1Gi");
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      ObjectNode p = c.putObject(probe);
      p.putObject("httpGet").put("path", "/health").put("port", "http");
      p.put("periodSeconds", 10).put("failureThreshold", 3);
    }
    ArrayNode mounts = c.putArray("volumeMounts");
    mounts.addObject().put("name", "config").put("mountPath", "/etc/app");
    mounts.addObject().put("name", "tmp").put("mountPath", "/tmp");
    ArrayNode volumes = spec.putArray("volumes");
    volumes.addObject().put("name", "config").putObject("configMap").put("name", app + "-config");
    volumes.addObject().put("name", "tmp").putObject("emptyDir");
    return t;
  }

  // --- measuring ---

  private static double reconciles(RampRuntime runtime) {
    return runtime.meterRegistry().find("ramp.reconcile").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static void awaitReconciles(RampRuntime runtime, double target, Duration timeout)
      throws InterruptedException {
    await(() -> reconciles(runtime) >= target, timeout, "reconciles to reach " + target);
  }

  private static void await(BooleanSupplier done, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object monitor = new Object();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      synchronized (monitor) {
        monitor.wait(5);
      }
    }
  }

  private static Map<String, String> versions(List<Rollout> items) {
    Map<String, String> out = new HashMap<>();
    for (Rollout r : items) {
      out.put(
          r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
          r.getMetadata().getResourceVersion());
    }
    return out;
  }

  private static double mockGetMillis(KubernetesClient client) {
    double[] t = new double[21];
    for (int i = 0; i < t.length; i++) {
      long s = System.nanoTime();
      client.resources(Rollout.class).inNamespace("bench-0").withName("app-0").get();
      t[i] = (System.nanoTime() - s) / 1e6;
    }
    Arrays.sort(t);
    return t[t.length / 2];
  }

  /** Changes the pod template of one Rollout at a time; the time until its status says so. */
  private static double[] specToStatus(KubernetesClient client, int n, int samples)
      throws Exception {
    Map<String, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();
    Map<String, Long> wantedGeneration = new ConcurrentHashMap<>();
    Watch watch =
        client
            .resources(Rollout.class)
            .inAnyNamespace()
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Rollout r) {
                    String key = r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
                    Long wanted = wantedGeneration.get(key);
                    if (wanted != null
                        && r.getStatus() != null
                        && wanted.equals(r.getStatus().observedGeneration)) {
                      CompletableFuture<Long> f = waiting.get(key);
                      if (f != null) {
                        f.complete(System.nanoTime());
                      }
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    try {
      double[] out = new double[samples];
      int stride = Math.max(1, n / samples);
      for (int s = 0; s < samples; s++) {
        int i = (s * stride + 7) % n;
        String ns = "bench-" + (i % NAMESPACES);
        String name = "app-" + i;
        String key = ns + "/" + name;
        CompletableFuture<Long> seen = new CompletableFuture<>();
        waiting.put(key, seen);
        long t = System.nanoTime();
        Rollout patched =
            client
                .resources(Rollout.class)
                .inNamespace(ns)
                .withName(name)
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
                        + "{\"bench.ramp.dev/change\":\""
                        + s
                        + "\"}}}}}");
        wantedGeneration.put(key, patched.getMetadata().getGeneration());
        // The status may have been written before the generation was known: look once more.
        Rollout now = client.resources(Rollout.class).inNamespace(ns).withName(name).get();
        long end;
        if (now.getStatus() != null
            && patched.getMetadata().getGeneration().equals(now.getStatus().observedGeneration)) {
          end = seen.isDone() ? seen.get() : System.nanoTime();
        } else {
          end = seen.get(60, TimeUnit.SECONDS);
        }
        out[s] = (end - t) / 1e6;
        waiting.remove(key);
        wantedGeneration.remove(key);
      }
      Arrays.sort(out);
      return out;
    } finally {
      watch.close();
    }
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double pct(double[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }

  private static String fmt(List<Double> values) {
    return String.join(" / ", values.stream().map(v -> String.format("%.2f", v)).toList());
  }
}
