package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.model.AnalysisMetric;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunSpec;
import dev.ramp.engine.model.AnalysisTemplate;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.ClusterAnalysisTemplate;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.rollout.Observed;
import dev.ramp.engine.rollout.Plan;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Rollout controller's side of analysis against the embedded API server, with the planning
 * stood in by the test ({@link RolloutController#planner}): each reconcile plans the run writes the
 * test set for that Rollout and a status message naming them, so the message is written only once
 * the run writes succeeded. Checks how runs are created, adopted, refused, terminated and deleted,
 * what a reconcile observes of runs and templates, and what wakes a Rollout.
 */
class RolloutAnalysisRunsIT {
  static final String NS = Cluster.NS;

  Cluster cluster;
  final List<RolloutController> controllers = new ArrayList<>();
  final Map<String, Plan.AnalysisRunWrites> writes = new ConcurrentHashMap<>();
  final List<Observed> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    cluster = new Cluster();
  }

  @AfterEach
  void tearDown() {
    controllers.forEach(RolloutController::close);
    cluster.close();
  }

  /** A controller (null: every namespace) whose plans are the test's run writes and a marker. */
  RolloutController controller(String namespace, RolloutController.BeforeStatusWrite hook) {
    RolloutController c = new RolloutController(cluster.client, namespace, cluster.clock, 2);
    c.planner(
        real ->
            observed -> {
              seen.add(observed);
              Rollout r = observed.rollout();
              Plan.AnalysisRunWrites w =
                  writes.getOrDefault(r.getMetadata().getName(), Plan.AnalysisRunWrites.NONE);
              RolloutStatus st = r.getStatus() == null ? new RolloutStatus() : r.getStatus().copy();
              boolean changed = !marker(w).equals(st.message);
              st.message = marker(w);
              return Plan.status(st, changed).withAnalysisRuns(w);
            });
    if (hook != null) {
      c.beforeStatusWrite(hook);
    }
    c.start();
    controllers.add(c);
    return c;
  }

  static String marker(Plan.AnalysisRunWrites w) {
    return "create "
        + w.create().stream().map(r -> r.getMetadata().getName()).toList()
        + " terminate "
        + w.terminate()
        + " delete "
        + w.delete();
  }

  Rollout rollout(String name, List<CanaryStep> steps) {
    return cluster.create(Cluster.rollout(name, 1, steps));
  }

  static AnalysisRun run(String name, String ns) {
    AnalysisRun r = new AnalysisRun();
    r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    r.setSpec(new AnalysisRunSpec());
    AnalysisMetric m = new AnalysisMetric();
    m.name = "rate";
    r.getSpec().metrics = List.of(m);
    return r;
  }

  /** A run stored on the server, controlled by {@code owner} (null: no owner). */
  AnalysisRun stored(String name, String ns, Rollout owner) {
    AnalysisRun r = run(name, ns);
    if (owner != null) {
      r.getMetadata().setOwnerReferences(List.of(PlanWriter.ownerRef(owner)));
    }
    return cluster.client.resources(AnalysisRun.class).inNamespace(ns).resource(r).create();
  }

  AnalysisRun get(String name) {
    return cluster.client.resources(AnalysisRun.class).inNamespace(NS).withName(name).get();
  }

  List<AnalysisRun> runs() {
    return cluster.client.resources(AnalysisRun.class).inNamespace(NS).list().getItems();
  }

  Rollout awaitMarker(String name) {
    String want = marker(writes.getOrDefault(name, Plan.AnalysisRunWrites.NONE));
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> cluster.get(name),
            r -> r.getStatus() != null && want.equals(r.getStatus().message));
  }

  /**
   * The first reconcile of the named Rollout, from {@code from} on, that observed what {@code p}
   * wants.
   */
  Observed awaitObserved(String name, int from, Predicate<Observed> p) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                seen.subList(from, seen.size()).stream()
                    .filter(o -> name.equals(o.rollout().getMetadata().getName()))
                    .filter(p)
                    .findFirst(),
            java.util.Optional::isPresent)
        .get();
  }

  static boolean readsItsMarker(Observed o, String marker) {
    RolloutStatus st = o.rollout().getStatus();
    return st != null && marker.equals(st.message);
  }

  static List<String> names(Observed o) {
    return o.analysis().runs().stream().map(r -> r.getMetadata().getName()).toList();
  }

  static Plan.AnalysisRunWrites create(String... names) {
    return new Plan.AnalysisRunWrites(
        java.util.Arrays.stream(names).map(n -> run(n, null)).toList(), List.of(), List.of());
  }

  @Test
  void aPlannedRunIsCreatedOwnedByTheRolloutBeforeTheStatusThatNamesIt() {
    Rollout demo = rollout("demo", RolloutItBase.STEPS);
    writes.put("demo", create("demo-abc-1"));
    List<Boolean> runExistedAtStatusWrite = new CopyOnWriteArrayList<>();
    controller(null, (read, st) -> runExistedAtStatusWrite.add(get("demo-abc-1") != null));

    awaitMarker("demo");
    assertThat(runExistedAtStatusWrite).isNotEmpty().containsOnly(true);
    AnalysisRun made = get("demo-abc-1");
    assertThat(made.getMetadata().getNamespace()).isEqualTo(NS);
    assertThat(made.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getUid()).isEqualTo(demo.getMetadata().getUid());
              assertThat(ref.getKind()).isEqualTo("Rollout");
              assertThat(ref.getController()).isTrue();
            });
    assertThat(made.getSpec().metrics).extracting(m -> m.name).containsExactly("rate");
    // The reconcile that follows its own status write sees the run it made.
    awaitObserved("demo", 0, o -> names(o).equals(List.of("demo-abc-1")));
    assertThat(runs()).hasSize(1);
  }

  @Test
  void aFreshControllerAdoptsTheRunItsKilledPredecessorMade() {
    Rollout demo = rollout("demo", RolloutItBase.STEPS);
    writes.put("demo", create("demo-abc-1"));
    RolloutController first =
        controller(
            null,
            (read, st) -> {
              throw new IllegalStateException("killed just before the status write");
            });
    await().atMost(Duration.ofSeconds(30)).until(() -> get("demo-abc-1") != null);
    String uid = get("demo-abc-1").getMetadata().getUid();
    first.close();
    assertThat(cluster.get("demo").getStatus()).isNull();

    // The fresh controller plans the same run (its status does not name it yet): it adopts it.
    controller(null, null);
    awaitMarker("demo");
    assertThat(runs())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getMetadata().getUid()).isEqualTo(uid);
              assertThat(ObservedWorld.ownedBy(r, demo)).isTrue();
            });
    assertThat(cluster.events("demo")).noneMatch(e -> e.startsWith(AnalysisRunWriter.NAME_TAKEN));
  }

  @Test
  void aRunOfThatNameControlledBySomeoneElseIsRefusedClearlyAndNeverMadeUnderAnotherName() {
    // A run left by an earlier Rollout of the same name (another uid).
    Rollout earlier = Cluster.rollout("demo", 1, RolloutItBase.STEPS);
    earlier.getMetadata().setUid("uid-of-an-earlier-demo");
    stored("demo-abc-1", NS, earlier);
    Rollout demo = rollout("demo", RolloutItBase.STEPS);
    writes.put("demo", create("demo-abc-1"));
    controller(null, null);

    // Each failed reconcile is retried with backoff; by the third plan two have failed.
    await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= 3);
    assertThat(cluster.events("demo"))
        .filteredOn(e -> e.startsWith(AnalysisRunWriter.NAME_TAKEN))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .contains("AnalysisRun demo-abc-1 cannot be created")
                    .contains("Rollout demo (uid " + demo.getMetadata().getUid() + ")")
                    .contains("controlled by Rollout demo with uid uid-of-an-earlier-demo")
                    .contains("Delete or rename that run"));
    assertThat(cluster.get("demo").getStatus()).isNull();
    assertThat(runs())
        .singleElement()
        .satisfies(r -> assertThat(ObservedWorld.ownedBy(r, earlier)).isTrue());

    // Once that run is gone, the Rollout's own is made under the planned name.
    cluster.client.resources(AnalysisRun.class).inNamespace(NS).withName("demo-abc-1").delete();
    awaitMarker("demo");
    assertThat(runs())
        .singleElement()
        .satisfies(r -> assertThat(ObservedWorld.ownedBy(r, demo)).isTrue());
  }

  @Test
  void terminateSetsSpecTerminateAndDeleteRemovesAndRunsAlreadyGoneAreFine() {
    Rollout demo = rollout("demo", RolloutItBase.STEPS);
    stored("demo-current", NS, demo);
    stored("demo-old", NS, demo);
    writes.put(
        "demo",
        new Plan.AnalysisRunWrites(
            List.of(), List.of("demo-current", "demo-never"), List.of("demo-old", "demo-gone")));
    controller(null, null);

    awaitMarker("demo");
    assertThat(get("demo-current").getSpec().terminate).isTrue();
    assertThat(get("demo-old")).isNull();
    awaitObserved("demo", 0, o -> names(o).equals(List.of("demo-current")));
  }

  @Test
  void aChangeToARunsStatusWakesItsRollout() {
    Rollout demo = rollout("demo", RolloutItBase.STEPS);
    stored("demo-abc-1", NS, demo);
    controller(null, null);
    String marker = marker(Plan.AnalysisRunWrites.NONE);
    // A reconcile that read its own marker writes nothing: after it, the Rollout is idle.
    awaitObserved("demo", 0, o -> readsItsMarker(o, marker));
    int idle = seen.size();

    cluster
        .client
        .resources(AnalysisRun.class)
        .inNamespace(NS)
        .withName("demo-abc-1")
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"Successful\"}}");

    Observed woken =
        awaitObserved(
            "demo",
            idle,
            o ->
                o.analysis().runs().stream()
                    .anyMatch(
                        r -> r.getStatus() != null && "Successful".equals(r.getStatus().phase)));
    assertThat(names(woken)).containsExactly("demo-abc-1");
  }

  @Test
  void observedRunsAreThoseTheRolloutControlsAndTheFirstReconcileSeesThem() {
    Rollout demo = rollout("demo", RolloutItBase.STEPS);
    Rollout other = rollout("other", RolloutItBase.STEPS);
    stored("demo-abc-1", NS, demo);
    stored("demo-abc-2", NS, demo);
    stored("other-abc-1", NS, other);
    stored("nobodys", NS, null);
    AnalysisRun notController = run("demo-referenced", NS);
    notController
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder(PlanWriter.ownerRef(demo))
                    .withController(false)
                    .build()));
    cluster.client.resources(AnalysisRun.class).inNamespace(NS).resource(notController).create();
    controller(null, null);

    Observed first = awaitObserved("demo", 0, o -> true);
    assertThat(names(first)).containsExactly("demo-abc-1", "demo-abc-2");
    assertThat(names(awaitObserved("other", 0, o -> true))).containsExactly("other-abc-1");
  }

  @Test
  void theLookupFindsNamespacedAndClusterTemplatesFromTheCaches() {
    template("rate", NS, "success-rate");
    template("only-elsewhere", "elsewhere", "x");
    clusterTemplate("shared", "error-rate");
    rollout("demo", RolloutItBase.STEPS);
    controller(null, null);

    var lookup = awaitObserved("demo", 0, o -> true).analysis().templates();
    assertThat(lookup.find("rate", false)).hasValueSatisfying(s -> assertMetric(s, "success-rate"));
    assertThat(lookup.find("shared", true)).hasValueSatisfying(s -> assertMetric(s, "error-rate"));
    assertThat(lookup.find("shared", false)).isEmpty();
    assertThat(lookup.find("rate", true)).isEmpty();
    assertThat(lookup.find("only-elsewhere", false)).isEmpty();
    assertThat(lookup.whyMissing()).isEqualTo("is not found");
    // Answers are copies: a caller's change does not reach the cache.
    lookup.find("rate", false).get().metrics.get(0).name = "changed";
    assertThat(lookup.find("rate", false)).hasValueSatisfying(s -> assertMetric(s, "success-rate"));
  }

  @Test
  void aControllerLimitedToANamespaceReadsNoClusterTemplatesAndSaysSo() {
    clusterTemplate("shared", "error-rate");
    rollout("demo", RolloutItBase.STEPS);
    RolloutController c = controller(NS, null);

    await().atMost(Duration.ofSeconds(30)).until(c::isReady);
    var lookup = awaitObserved("demo", 0, o -> true).analysis().templates();
    assertThat(lookup.find("shared", true)).isEmpty();
    assertThat(lookup.whyMissing())
        .isEqualTo(
            "is not found (this controller, limited to namespace default, reads no"
                + " ClusterAnalysisTemplates)");
  }

  @Test
  void aTemplateChangeWakesTheRolloutsThatNameItThroughNesting() throws Exception {
    // demo's step names "outer", which nests the cluster template "middle", which nests "leaf"
    // (in the Rollout's namespace); background analysis names "background".
    CanaryStep step = new CanaryStep();
    step.analysis =
        Json.MAPPER.readValue(
            "{\"templates\":[{\"templateName\":\"outer\"}]}",
            dev.ramp.engine.model.RolloutAnalysis.class);
    Rollout r = Cluster.rollout("demo", 1, List.of(step));
    r.getSpec().strategy.canary.analysis =
        Json.MAPPER.readValue(
            "{\"templates\":[{\"templateName\":\"background\"}]}",
            dev.ramp.engine.model.RolloutAnalysisBackground.class);
    cluster.create(r);
    nesting(template("outer", NS, "a"), "middle", true);
    nesting(clusterTemplate("middle", "b"), "leaf", false);
    controller(null, null);
    String marker = marker(Plan.AnalysisRunWrites.NONE);
    awaitObserved("demo", 0, o -> readsItsMarker(o, marker));

    int idle = seen.size();
    template("leaf", NS, "c");
    awaitObserved("demo", idle, o -> o.analysis().templates().find("leaf", false).isPresent());

    idle = seen.size();
    template("background", NS, "d");
    awaitObserved(
        "demo", idle, o -> o.analysis().templates().find("background", false).isPresent());
  }

  static void assertMetric(AnalysisTemplateSpec spec, String name) {
    assertThat(spec.metrics).extracting(m -> m.name).containsExactly(name);
  }

  static AnalysisTemplateSpec spec(String metric) {
    AnalysisTemplateSpec spec = new AnalysisTemplateSpec();
    AnalysisMetric m = new AnalysisMetric();
    m.name = metric;
    spec.metrics = List.of(m);
    return spec;
  }

  AnalysisTemplate template(String name, String ns, String metric) {
    AnalysisTemplate t = new AnalysisTemplate();
    t.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    t.setSpec(spec(metric));
    return cluster.client.resources(AnalysisTemplate.class).inNamespace(ns).resource(t).create();
  }

  ClusterAnalysisTemplate clusterTemplate(String name, String metric) {
    ClusterAnalysisTemplate t = new ClusterAnalysisTemplate();
    t.setMetadata(new ObjectMetaBuilder().withName(name).build());
    t.setSpec(spec(metric));
    return cluster.client.resources(ClusterAnalysisTemplate.class).resource(t).create();
  }

  /** Makes the stored template nest another. */
  void nesting(io.fabric8.kubernetes.api.model.HasMetadata t, String nested, boolean clusterScope) {
    String patch =
        "{\"spec\":{\"templates\":[{\"templateName\":\""
            + nested
            + "\",\"clusterScope\":"
            + clusterScope
            + "}]}}";
    var ctx = PatchContext.of(PatchType.JSON_MERGE);
    if (t instanceof AnalysisTemplate) {
      cluster
          .client
          .resources(AnalysisTemplate.class)
          .inNamespace(t.getMetadata().getNamespace())
          .withName(t.getMetadata().getName())
          .patch(ctx, patch);
    } else {
      cluster
          .client
          .resources(ClusterAnalysisTemplate.class)
          .withName(t.getMetadata().getName())
          .patch(ctx, patch);
    }
  }
}
