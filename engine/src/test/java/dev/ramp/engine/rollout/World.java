package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.CanaryStrategy;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutSpec;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.model.RolloutStrategy;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small in-memory world for the step machine: applies each plan to its ReplicaSets and status,
 * and makes pods ready when told to.
 */
final class World {
  RolloutReconciler reconciler = new RolloutReconciler();
  final Rollout rollout;
  final Map<String, Observed.ReplicaSet> sets = new LinkedHashMap<>();
  final List<Plan.Event> events = new ArrayList<>();

  /**
   * Pods, when a test models them; a deleted pod is replaced by a new one, as a ReplicaSet does.
   */
  final List<Observed.Pod> pods = new ArrayList<>();

  /** The Rollout's AnalysisRuns by name, and the templates they are made from. */
  final Map<String, AnalysisRun> runs = new LinkedHashMap<>();

  final Map<String, AnalysisTemplateSpec> templates = new LinkedHashMap<>();
  final List<String> terminated = new ArrayList<>();
  final List<String> deleted = new ArrayList<>();

  /** The Services that exist, and the pod-template hash each selects (as the plans wrote it). */
  Set<String> services = Set.of("canary", "stable");

  final Map<String, String> selectors = new LinkedHashMap<>();

  /** The pod metadata by role each ReplicaSet carries, by name (as the plans wrote it). */
  final Map<String, dev.ramp.engine.model.PodTemplateMetadata> roles = new LinkedHashMap<>();

  int podSerial;
  Instant now = Instant.parse("2026-11-23T10:00:00Z");
  boolean podsBecomeReady = true;
  Plan last;

  World(int replicas, List<CanaryStep> steps) {
    rollout = new Rollout();
    rollout.setMetadata(
        new ObjectMetaBuilder()
            .withName("demo")
            .withNamespace("default")
            .withGeneration(1L)
            .withUid("uid-1")
            .build());
    RolloutSpec spec = new RolloutSpec();
    spec.replicas = replicas;
    spec.selector = new LabelSelectorBuilder().addToMatchLabels("app", "demo").build();
    spec.template = template("demo:1");
    spec.strategy = new RolloutStrategy();
    spec.strategy.canary = new CanaryStrategy();
    spec.strategy.canary.steps = steps;
    rollout.setSpec(spec);
  }

  /** A blue-green Rollout with Services "active" and "preview". */
  static World blueGreen(int replicas, dev.ramp.engine.model.BlueGreenStrategy b) {
    World w = new World(replicas, List.of());
    w.rollout.getSpec().strategy.canary = null;
    w.rollout.getSpec().strategy.blueGreen = b;
    w.services = Set.of("active", "preview");
    return w;
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

  RolloutStatus status() {
    return rollout.getStatus();
  }

  /** One reconcile, its plan applied; then pods settle if they become ready. */
  Plan reconcile() {
    Plan plan =
        reconciler.reconcile(
            new Observed(
                    rollout, new ArrayList<>(sets.values()), new ArrayList<>(pods), services, now)
                .withAnalysis(
                    new Observed.Analysis(
                        new ArrayList<>(runs.values()),
                        (name, cluster) ->
                            Optional.ofNullable(templates.get((cluster ? "cluster:" : "") + name))))
                .withRoleMetadata(roles));
    last = plan;
    selectors.putAll(plan.serviceSelectors());
    for (Plan.RoleMetadataWrite w : plan.roleMetadata()) {
      if (w.to().isEmpty()) {
        roles.remove(w.replicaSet());
      } else {
        roles.put(w.replicaSet(), w.to());
      }
    }
    applyAnalysisRuns(plan.analysisRuns());
    if (plan.replicaSets().create() != null) {
      var c = plan.replicaSets().create();
      sets.put(
          c.hash(),
          new Observed.ReplicaSet(c.name(), c.hash(), c.replicas(), 0, 0, 0, c.revision()));
      if (c.role() != null && !c.role().isEmpty()) {
        roles.put(c.name(), c.role());
      }
    }
    plan.replicaSets()
        .scales()
        .forEach(
            (name, n) ->
                sets.replaceAll(
                    (h, rs) ->
                        rs.name().equals(name)
                            ? new Observed.ReplicaSet(
                                rs.name(),
                                rs.hash(),
                                n,
                                rs.statusReplicas(),
                                rs.readyReplicas(),
                                rs.availableReplicas(),
                                rs.revision(),
                                rs.scaleDownDeadline())
                            : rs));
    plan.replicaSets()
        .deadlines()
        .forEach(
            (name, at) ->
                sets.replaceAll(
                    (h, rs) ->
                        rs.name().equals(name)
                            ? new Observed.ReplicaSet(
                                rs.name(),
                                rs.hash(),
                                rs.replicas(),
                                rs.statusReplicas(),
                                rs.readyReplicas(),
                                rs.availableReplicas(),
                                rs.revision(),
                                at.isEmpty() ? null : Instant.parse(at))
                            : rs));
    plan.replicaSets()
        .deletes()
        .forEach(
            name -> {
              sets.values().removeIf(rs -> rs.name().equals(name));
              roles.remove(name);
            });
    for (String name : plan.replicaSets().podDeletes()) {
      Observed.Pod gone =
          pods.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
      pods.remove(gone);
      pods.add(new Observed.Pod("pod-" + (++podSerial), gone.hash(), now, true));
    }
    rollout.setStatus(plan.status());
    events.addAll(plan.events());
    if (podsBecomeReady) {
      settle();
    }
    return plan;
  }

  /** Creates (or adopts, as the kube side does), terminates and deletes runs. */
  void applyAnalysisRuns(Plan.AnalysisRunWrites writes) {
    for (AnalysisRun run : writes.create()) {
      if (!runs.containsKey(run.getMetadata().getName())) {
        AnalysisRun copy = Json.copy(run, AnalysisRun.class);
        copy.getMetadata().setCreationTimestamp(now.plusMillis(runs.size()).toString());
        runs.put(copy.getMetadata().getName(), copy);
      }
    }
    for (String name : writes.terminate()) {
      terminated.add(name);
      AnalysisRun run = runs.get(name);
      if (run != null) {
        run.getSpec().terminate = true;
      }
    }
    for (String name : writes.delete()) {
      deleted.add(name);
      runs.remove(name);
    }
  }

  /** Sets a run's phase (and message), as the AnalysisRun controller would. */
  AnalysisRun setPhase(String name, String phase, String message) {
    AnalysisRun run = runs.get(name);
    if (run == null) {
      throw new AssertionError("no run " + name + " in " + runs.keySet());
    }
    if (run.getStatus() == null) {
      run.setStatus(new AnalysisRunStatus());
    }
    run.getStatus().phase = phase;
    run.getStatus().message = message;
    return run;
  }

  /** Pods of every ReplicaSet become ready and available (or go away). */
  void settle() {
    sets.replaceAll(
        (h, rs) ->
            new Observed.ReplicaSet(
                rs.name(),
                rs.hash(),
                rs.replicas(),
                rs.replicas(),
                rs.replicas(),
                rs.replicas(),
                rs.revision(),
                rs.scaleDownDeadline()));
  }

  /** Reconciles until nothing changes (at most 50 times). */
  void converge() {
    for (int i = 0; i < 50; i++) {
      Map<String, Integer> before = replicas();
      Plan plan = reconcile();
      if (!plan.statusChanged()
          && plan.replicaSets().create() == null
          && plan.replicaSets().scales().isEmpty()
          && plan.analysisRuns().isEmpty()
          && before.equals(replicas())) {
        return;
      }
    }
    throw new AssertionError("did not converge: " + Json.write(status()));
  }

  void advance(Duration d) {
    now = now.plus(d);
  }

  Map<String, Integer> replicas() {
    Map<String, Integer> out = new LinkedHashMap<>();
    sets.forEach((h, rs) -> out.put(h, rs.replicas()));
    return out;
  }

  String nameOf(String hash) {
    return sets.get(hash).name();
  }

  int replicasOf(String hash) {
    var rs = sets.get(hash);
    return rs == null ? 0 : rs.replicas();
  }
}
