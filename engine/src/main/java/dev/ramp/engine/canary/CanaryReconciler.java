package dev.ramp.engine.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.model.RolloutSpec;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.engine.plugin.StepPluginClient;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The canary step machine: a pure function from the observed world (a Rollout, its ReplicaSets, the
 * Services that exist, the time) to what should be written (ReplicaSets to create, scale or delete,
 * Service selectors, the whole new status, Events, when to look again). It makes no Kubernetes
 * calls, so every decision is unit-testable with a fixed clock.
 *
 * <p>The reconcile is Argo's ordered list of idempotent sub-steps: validate, hash, work out the
 * current step (advancing over completed steps), the replica split for its weight, one bounded move
 * towards it, services, clean-up, then the status, computed whole.
 */
public final class CanaryReconciler {
  static final String PAUSE_REASON = "CanaryPauseStep";
  static final Duration RESTART_POLL = Duration.ofSeconds(10);

  /** The condition a plugin step sets while its plugin cannot take calls. */
  public static final String PLUGIN_WAIT_CONDITION = "StepPluginAvailable";

  /**
   * How plugin steps are paced.
   *
   * @param runningFloor the shortest wait before calling a RUNNING plugin again
   * @param runningDefault the wait when a RUNNING plugin leaves it to the controller
   * @param errorBackoff the first wait after an ERROR, doubling on each further ERROR
   * @param errorBackoffMax the cap of that doubling
   * @param unavailableRetry how often a step looks again at a plugin that is starting, backing off
   *     or refused
   */
  public record PluginStepSettings(
      Duration runningFloor,
      Duration runningDefault,
      Duration errorBackoff,
      Duration errorBackoffMax,
      Duration unavailableRetry) {
    public PluginStepSettings {
      for (Duration d :
          new Duration[] {
            runningFloor, runningDefault, errorBackoff, errorBackoffMax, unavailableRetry
          }) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException(
              "plugin step durations must be positive, got " + d + " in " + this);
        }
      }
      if (errorBackoffMax.compareTo(errorBackoff) < 0) {
        throw new IllegalArgumentException(
            "errorBackoffMax " + errorBackoffMax + " is below errorBackoff " + errorBackoff);
      }
    }

    /** Floor 1 s, default 10 s, errors 5 s doubling to 5 min, unavailable plugins every 5 s. */
    public static PluginStepSettings defaults() {
      return new PluginStepSettings(
          Duration.ofSeconds(1),
          Duration.ofSeconds(10),
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofSeconds(5));
    }

    /** The same settings with another floor and default for RUNNING requeues. */
    public PluginStepSettings withRunning(Duration floor, Duration byDefault) {
      return new PluginStepSettings(
          floor, byDefault, errorBackoff, errorBackoffMax, unavailableRetry);
    }
  }

  /** A client that knows no plugin: every plugin step of a rollout is an InvalidSpec. */
  public static StepPluginClient noPlugins() {
    return new StepPluginClient() {
      @Override
      public PluginAvailability availability(String pluginName) {
        return PluginAvailability.of(
            PluginAvailability.State.UNKNOWN, "this controller runs without a plugin host");
      }

      @Override
      public StepResult call(String pluginName, StepOperation operation, StepCall call) {
        return StepResult.error("this controller runs without a plugin host");
      }
    };
  }

  private final StepPluginClient plugins;
  private final PluginStepSettings pluginSettings;

  /** A step machine without plugins. */
  public CanaryReconciler() {
    this(noPlugins(), PluginStepSettings.defaults());
  }

  /** A step machine that calls step plugins through {@code plugins}. */
  public CanaryReconciler(StepPluginClient plugins, PluginStepSettings pluginSettings) {
    this.plugins = Objects.requireNonNull(plugins, "plugins");
    this.pluginSettings = Objects.requireNonNull(pluginSettings, "pluginSettings");
  }

  /** A ReplicaSet owned by the Rollout, as read. */
  public record ObservedReplicaSet(
      String name,
      String hash,
      int replicas,
      int statusReplicas,
      int readyReplicas,
      int availableReplicas,
      int revision) {}

  /** A pod of one of the Rollout's ReplicaSets, as read (only while a restart is pending). */
  public record ObservedPod(String name, String hash, Instant created, boolean ready) {}

  /** Everything a reconcile decides from. */
  public record Observed(
      Rollout rollout,
      List<ObservedReplicaSet> replicaSets,
      List<ObservedPod> pods,
      Set<String> services,
      Instant now) {

    public Observed(
        Rollout rollout, List<ObservedReplicaSet> replicaSets, Set<String> services, Instant now) {
      this(rollout, replicaSets, List.of(), services, now);
    }
  }

  /** The pod-template hash of a template as written, with an optional collision count. */
  public static String podTemplateHash(JsonNode template, Integer collisionCount) {
    return PodTemplateHash.of(template, collisionCount);
  }

  /** True when {@code spec.restartAt} asks for pods not yet replaced: read the pods then. */
  public static boolean restartPending(Rollout r) {
    String at = r.getSpec() == null ? null : r.getSpec().restartAt;
    String done = r.getStatus() == null ? null : r.getStatus().restartedAt;
    return at != null && !at.equals(done);
  }

  /** A ReplicaSet to create. */
  public record NewReplicaSet(
      String name,
      String hash,
      JsonNode template,
      Map<String, String> selector,
      int replicas,
      int revision,
      int minReadySeconds) {}

  /** An Event on the Rollout. */
  public record RolloutEvent(String type, String reason, String message) {}

  /**
   * What a reconcile wants written, in this order: ReplicaSets, Services, status, Events; {@code
   * pluginCalls} are the plugin calls whose answers the status records (the host keeps them until
   * it is written).
   */
  public record Plan(
      NewReplicaSet create,
      Map<String, Integer> scales,
      Map<String, Integer> revisions,
      List<String> deletes,
      List<String> podDeletes,
      Map<String, String> serviceSelectors,
      RolloutStatus status,
      boolean statusChanged,
      List<RolloutEvent> events,
      Duration requeueAfter,
      List<CallKey> pluginCalls) {}

  /** Computes the plan. Never throws for a bad spec: that becomes an InvalidSpec status. */
  public Plan plan(Observed o) {
    Rollout r = o.rollout();
    RolloutStatus old = r.getStatus() == null ? new RolloutStatus() : r.getStatus();
    RolloutStatus st = old.copy();
    st.observedGeneration = r.getMetadata().getGeneration();
    SpecCheck.Valid valid;
    try {
      valid = SpecCheck.check(r, o.services());
    } catch (InvalidSpecException e) {
      return invalid(old, st, e.getMessage(), o.now());
    }
    return new Run(r, old, st, valid, o).plan();
  }

  private Plan invalid(RolloutStatus old, RolloutStatus st, String message, Instant now) {
    st.phase = "Degraded";
    st.message = "InvalidSpec: " + message;
    Conditions.set(st, "InvalidSpec", "True", "InvalidSpec", message, now);
    List<RolloutEvent> events = new ArrayList<>();
    RolloutCondition was = old.condition("InvalidSpec");
    if (was == null || !Objects.equals(was.message, message)) {
      events.add(new RolloutEvent("Warning", "InvalidSpec", message));
    }
    return new Plan(
        null,
        Map.of(),
        Map.of(),
        List.of(),
        List.of(),
        Map.of(),
        st,
        changed(old, st),
        events,
        null,
        List.of());
  }

  static boolean changed(RolloutStatus a, RolloutStatus b) {
    return !Json.canonical(Json.tree(a)).equals(Json.canonical(Json.tree(b)));
  }

  static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** One reconcile's working state. */
  private final class Run {
    final Rollout r;
    final RolloutSpec spec;
    final RolloutStatus old;
    final RolloutStatus st;
    final SpecCheck.Valid v;
    final Observed o;
    final Instant now;
    final List<RolloutEvent> events = new ArrayList<>();
    final List<CallKey> calls = new ArrayList<>();
    Duration requeue;
    String hold;
    boolean pluginWaiting;

    /** A plugin answered RUNNING in this reconcile: progress, for the progress deadline. */
    boolean pluginProgressed;

    /** A spec fault found while walking the steps (an unknown plugin): the rollout holds. */
    String invalidSpec;

    Run(Rollout r, RolloutStatus old, RolloutStatus st, SpecCheck.Valid v, Observed o) {
      this.r = r;
      this.spec = r.getSpec();
      this.old = old;
      this.st = st;
      this.v = v;
      this.o = o;
      this.now = o.now();
    }

    Plan plan() {
      st.conditions = new ArrayList<>(st.conditionsOrEmpty());
      st.conditions.removeIf(c -> "InvalidSpec".equals(c.type));
      int n = v.replicas();
      List<Step> steps = v.steps();
      String hash = PodTemplateHash.of(spec.template, st.collisionCount);
      String stepHash = PodTemplateHash.ofSteps(stepsJson());

      // 1. A new template starts a new canary; an edited step list restarts the steps.
      boolean newTemplate = st.currentPodHash != null && !hash.equals(st.currentPodHash);
      boolean newSteps = st.currentStepHash != null && !stepHash.equals(st.currentStepHash);
      if (newTemplate || newSteps) {
        // The runs belong to the old canary: stop the one still running, then forget them.
        terminateRunning(true);
        clearPluginStatuses();
      } else if (!Boolean.TRUE.equals(st.abort) && hasEntry(StepOperation.ABORT)) {
        // Aborted plugins and no abort any more: a retry, whose steps start afresh.
        clearPluginStatuses();
      }
      if (newTemplate) {
        clearSteering();
        st.currentStepIndex = 0;
        events.add(
            new RolloutEvent(
                "Normal", "RolloutUpdated", "Rollout updated to pod template " + hash));
      } else if (newSteps) {
        st.pauseConditions = null;
        st.controllerPause = null;
        st.currentStepIndex = 0;
        events.add(
            new RolloutEvent(
                "Normal", "RolloutStepsChanged", "Steps changed; starting again from step 0"));
      }
      st.currentPodHash = hash;
      st.currentStepHash = stepHash;
      if (st.currentStepIndex == null) {
        st.currentStepIndex = 0;
      }
      if (st.stableRS == null) {
        // First deployment: nothing to canary against; the first template is stable at once.
        st.stableRS = hash;
      }

      ObservedReplicaSet current = find(hash);
      boolean atStable = hash.equals(st.stableRS);
      boolean aborted = Boolean.TRUE.equals(st.abort);
      int weight;
      if (atStable) {
        clearSteering();
        st.currentStepIndex = steps.size();
        weight = 100;
      } else if (aborted) {
        weight = 0;
        abortPlugins();
      } else {
        weight = walkSteps(steps, hash, current);
        if (Boolean.TRUE.equals(st.abort)) {
          // A plugin step failed: the rollout aborts in this same reconcile.
          aborted = true;
          weight = 0;
          abortPlugins();
        } else if (weight == 100 && fullyAvailable(current, n)) {
          st.stableRS = hash;
          st.promoteFull = null;
          st.currentStepIndex = steps.size();
          atStable = true;
          events.add(
              new RolloutEvent(
                  "Normal",
                  "RolloutCompleted",
                  "Rollout completed update to pod template " + hash));
        }
      }
      if (!pluginWaiting && st.condition(PLUGIN_WAIT_CONDITION) != null) {
        st.conditions.removeIf(c -> PLUGIN_WAIT_CONDITION.equals(c.type));
      }
      ObservedReplicaSet stable = atStable ? null : find(st.stableRS);

      // 2. The replica split for the weight, and one bounded move towards it.
      ReplicaMath.Split target =
          atStable
              ? new ReplicaMath.Split(n, 0)
              : ReplicaMath.split(n, weight, v.limits().maxSurge());
      List<ObservedReplicaSet> others = new ArrayList<>();
      for (ObservedReplicaSet rs : o.replicaSets()) {
        if (rs != current && rs != stable) {
          others.add(rs);
        }
      }
      ReplicaMath.Scales scales =
          ReplicaMath.step(
              n,
              v.limits(),
              target,
              cur(current),
              cur(stable),
              others.stream().map(CanaryReconciler.Run::cur).toList());
      Map<String, Integer> scaleWrites = new LinkedHashMap<>();
      NewReplicaSet create = null;
      int maxRevision =
          o.replicaSets().stream().mapToInt(ObservedReplicaSet::revision).max().orElse(0);
      Map<String, Integer> revisions = new LinkedHashMap<>();
      if (current == null) {
        create = newReplicaSet(hash, scales.canary(), maxRevision + 1);
      } else {
        if (current.replicas() != scales.canary()) {
          scaleWrites.put(current.name(), scales.canary());
        }
        boolean newest =
            o.replicaSets().stream()
                .noneMatch(rs -> rs != current && rs.revision() >= current.revision());
        if (!newest) {
          revisions.put(current.name(), maxRevision + 1);
        }
      }
      if (stable != null && stable.replicas() != scales.stable()) {
        scaleWrites.put(stable.name(), scales.stable());
      }
      for (int i = 0; i < others.size(); i++) {
        if (others.get(i).replicas() != scales.others().get(i)) {
          scaleWrites.put(others.get(i).name(), scales.others().get(i));
        }
      }

      // 3. Services follow the pod-template hashes once their pods are available.
      Map<String, String> selectors = new LinkedHashMap<>();
      var canary = spec.strategy.canary;
      String canaryTarget = aborted || atStable ? st.stableRS : hash;
      ObservedReplicaSet canaryTargetRs = aborted ? find(st.stableRS) : current;
      if (canary.canaryService != null
          && canaryTargetRs != null
          && canaryTargetRs.availableReplicas() > 0) {
        selectors.put(canary.canaryService, canaryTarget);
      }
      ObservedReplicaSet stableRs = find(st.stableRS);
      if (canary.stableService != null && stableRs != null && stableRs.availableReplicas() > 0) {
        selectors.put(canary.stableService, st.stableRS);
      }

      // 4. Old ReplicaSets past revisionHistoryLimit, oldest first.
      int limit = spec.revisionHistoryLimit == null ? 10 : spec.revisionHistoryLimit;
      List<ObservedReplicaSet> idle =
          others.stream()
              .filter(rs -> rs.replicas() == 0 && rs.statusReplicas() == 0)
              .sorted(Comparator.comparingInt(ObservedReplicaSet::revision).reversed())
              .toList();
      List<String> deletes = idle.stream().skip(limit).map(ObservedReplicaSet::name).toList();

      // 5. A restart: once everything is in place and ready, replace pods older than restartAt.
      List<String> podDeletes = create == null && scaleWrites.isEmpty() ? restart(n) : List.of();

      // 6. The status, whole.
      status(n, atStable, weight, current, target, others);
      return new Plan(
          create,
          scaleWrites,
          revisions,
          deletes,
          podDeletes,
          selectors,
          st,
          changed(old, st),
          events,
          requeue,
          List.copyOf(calls));
    }

    /**
     * Argo's restart: pods created before {@code spec.restartAt} are deleted (their ReplicaSet
     * makes new ones), at most {@code maxUnavailable} (at least one) at a time and only while every
     * pod is ready; done, {@code status.restartedAt} records it.
     */
    private List<String> restart(int n) {
      if (!restartPending(r)) {
        return List.of();
      }
      Instant at;
      try {
        at = Instant.parse(spec.restartAt);
      } catch (java.time.format.DateTimeParseException e) {
        hold = "spec.restartAt: \"" + spec.restartAt + "\" is not an RFC 3339 time";
        return List.of();
      }
      if (now.isBefore(at)) {
        requeue = min(requeue, Duration.between(now, at));
        return List.of();
      }
      List<ObservedPod> old =
          o.pods().stream()
              .filter(p -> p.created().isBefore(at))
              .sorted(Comparator.comparing(ObservedPod::created))
              .toList();
      if (old.isEmpty()) {
        st.restartedAt = spec.restartAt;
        events.add(
            new RolloutEvent(
                "Normal",
                "RolloutRestarted",
                "All pods created before " + spec.restartAt + " were replaced"));
        return List.of();
      }
      // Pods are not watched: look again soon while old ones remain.
      requeue = min(requeue, RESTART_POLL);
      boolean allReady = o.pods().stream().allMatch(ObservedPod::ready) && o.pods().size() >= n;
      if (!allReady) {
        return List.of();
      }
      int batch = Math.max(1, v.limits().maxUnavailable());
      return old.stream().limit(batch).map(ObservedPod::name).toList();
    }

    /**
     * Walks from the current step over every step already done; returns the weight to run at. The
     * one place that decides what each step kind does.
     */
    private int walkSteps(List<Step> steps, String hash, ObservedReplicaSet current) {
      // A plugin left running by promote or promote full gets Terminate, once.
      terminateRunning(Boolean.TRUE.equals(st.promoteFull));
      while (true) {
        int idx = st.currentStepIndex;
        if (Boolean.TRUE.equals(st.promoteFull) || idx >= steps.size()) {
          return 100;
        }
        int weight = setWeightBefore(steps, idx);
        if (Boolean.TRUE.equals(spec.paused)) {
          return weight;
        }
        String unexecutable = unexecutableStrategy();
        if (unexecutable != null) {
          hold = unexecutable + " is not executable by this controller version";
          return weight;
        }
        Step step = steps.get(idx);
        if (step instanceof Step.SetWeight sw) {
          if (!atDesired(sw.weight(), current)) {
            return sw.weight();
          }
        } else if (step instanceof Step.Pause p) {
          RolloutStatus.PauseCondition pc = pauseCondition();
          if (pc == null && !Boolean.TRUE.equals(st.controllerPause)) {
            st.pauseConditions =
                new ArrayList<>(List.of(new RolloutStatus.PauseCondition(PAUSE_REASON, time(now))));
            st.controllerPause = true;
            events.add(
                new RolloutEvent(
                    "Normal",
                    "RolloutPaused",
                    "Rollout paused at step "
                        + idx
                        + (p.duration() == null ? " until promoted" : " for " + p.duration())));
            if (p.duration() != null) {
              requeue = p.duration();
            }
            return weight;
          }
          if (pc != null) {
            if (p.duration() == null) {
              return weight;
            }
            Instant end = Instant.parse(pc.startTime).plus(p.duration());
            if (now.isBefore(end)) {
              requeue = Duration.between(now, end);
              return weight;
            }
          }
          // The pause is over: its time passed, or it was promoted (its condition removed).
          st.pauseConditions = null;
          st.controllerPause = null;
        } else if (step instanceof Step.Plugin p) {
          if (!pluginStep(idx, p)) {
            return weight;
          }
        } else {
          hold =
              "step " + idx + " (" + step.kind() + ") is not executable by this controller version";
          return weight;
        }
        st.currentStepIndex = idx + 1;
        events.add(
            new RolloutEvent(
                "Normal",
                "RolloutStepCompleted",
                "Rollout step "
                    + (idx + 1)
                    + "/"
                    + steps.size()
                    + " completed ("
                    + describe(step)
                    + ")"));
      }
    }

    /** Canary features this version models and validates but cannot drive yet. */
    private String unexecutableStrategy() {
      var canary = spec.strategy.canary;
      if (canary.trafficRouting != null) {
        return "spec.strategy.canary.trafficRouting";
      }
      if (canary.analysis != null) {
        return "spec.strategy.canary.analysis (background analysis)";
      }
      return null;
    }

    private boolean atDesired(int weight, ObservedReplicaSet current) {
      ReplicaMath.Split split = ReplicaMath.split(v.replicas(), weight, v.limits().maxSurge());
      ObservedReplicaSet stable = find(st.stableRS);
      if (!at(current, split.canary()) || !at(stable, split.stable())) {
        return false;
      }
      return o.replicaSets().stream()
          .filter(rs -> rs != current && rs != stable)
          .allMatch(rs -> rs.replicas() == 0);
    }

    private static boolean at(ObservedReplicaSet rs, int want) {
      if (rs == null) {
        return want == 0;
      }
      return rs.replicas() == want && rs.availableReplicas() >= want;
    }

    private static boolean fullyAvailable(ObservedReplicaSet rs, int n) {
      return rs != null && rs.replicas() == n && rs.availableReplicas() >= n;
    }

    private static int setWeightBefore(List<Step> steps, int idx) {
      for (int i = Math.min(idx, steps.size() - 1); i >= 0; i--) {
        if (steps.get(i) instanceof Step.SetWeight sw) {
          return sw.weight();
        }
      }
      return 0;
    }

    private static String describe(Step step) {
      if (step instanceof Step.SetWeight sw) {
        return "setWeight: " + sw.weight();
      }
      if (step instanceof Step.Pause p) {
        return p.duration() == null ? "pause" : "pause: " + p.duration();
      }
      return step.kind();
    }

    private RolloutStatus.PauseCondition pauseCondition() {
      if (st.pauseConditions == null) {
        return null;
      }
      return st.pauseConditions.stream()
          .filter(pc -> PAUSE_REASON.equals(pc.reason))
          .findFirst()
          .orElse(null);
    }

    private void clearSteering() {
      st.abort = null;
      st.abortedAt = null;
      st.promoteFull = null;
      st.pauseConditions = null;
      st.controllerPause = null;
    }

    private ObservedReplicaSet find(String hash) {
      if (hash == null) {
        return null;
      }
      return o.replicaSets().stream().filter(rs -> hash.equals(rs.hash())).findFirst().orElse(null);
    }

    private static ReplicaMath.Current cur(ObservedReplicaSet rs) {
      return rs == null
          ? new ReplicaMath.Current(0, 0)
          : new ReplicaMath.Current(rs.replicas(), rs.availableReplicas());
    }

    private JsonNode stepsJson() {
      var steps = spec.strategy.canary.steps;
      return steps == null ? JsonNodeFactory.instance.arrayNode() : Json.tree(steps);
    }

    private NewReplicaSet newReplicaSet(String hash, int replicas, int revision) {
      ObjectNode template = spec.template.deepCopy();
      ObjectNode meta =
          template.has("metadata") && template.get("metadata").isObject()
              ? (ObjectNode) template.get("metadata")
              : template.putObject("metadata");
      ObjectNode labels =
          meta.has("labels") && meta.get("labels").isObject()
              ? (ObjectNode) meta.get("labels")
              : meta.putObject("labels");
      labels.put(RolloutLabels.POD_TEMPLATE_HASH, hash);
      Map<String, String> selector = new LinkedHashMap<>();
      if (spec.selector.getMatchLabels() != null) {
        selector.putAll(spec.selector.getMatchLabels());
      }
      selector.put(RolloutLabels.POD_TEMPLATE_HASH, hash);
      int minReady = spec.minReadySeconds == null ? 0 : spec.minReadySeconds;
      return new NewReplicaSet(
          r.getMetadata().getName() + "-" + hash,
          hash,
          template,
          selector,
          replicas,
          revision,
          minReady);
    }

    private void status(
        int n,
        boolean atStable,
        int weight,
        ObservedReplicaSet current,
        ReplicaMath.Split target,
        List<ObservedReplicaSet> others) {
      int replicas = 0;
      int ready = 0;
      int available = 0;
      for (ObservedReplicaSet rs : o.replicaSets()) {
        replicas += rs.statusReplicas();
        ready += rs.readyReplicas();
        available += rs.availableReplicas();
      }
      st.replicas = replicas;
      st.hpaReplicas = replicas;
      st.readyReplicas = ready;
      st.availableReplicas = available;
      st.updatedReplicas = current == null ? 0 : current.statusReplicas();
      st.selector = Labels.describe(spec.selector);
      var canary = spec.strategy.canary;
      st.canary = st.canary == null ? new CanaryStatus() : st.canary;
      st.canary.weights = new CanaryStatus.TrafficWeights();
      st.canary.weights.canary =
          new CanaryStatus.WeightDestination(weight, canary.canaryService, st.currentPodHash);
      st.canary.weights.stable =
          new CanaryStatus.WeightDestination(100 - weight, canary.stableService, st.stableRS);
      if (v.steps().isEmpty()) {
        st.currentStepIndex = null;
      }

      boolean aborted = Boolean.TRUE.equals(st.abort);
      boolean paused =
          Boolean.TRUE.equals(spec.paused)
              || (st.pauseConditions != null && !st.pauseConditions.isEmpty());
      boolean healthy =
          atStable
              && fullyAvailable(current, n)
              && others.stream().allMatch(rs -> rs.replicas() == 0 && rs.statusReplicas() == 0);
      String rsName = r.getMetadata().getName() + "-" + st.currentPodHash;

      // Progress: anything moved since the last status. The deadline counts from the last move.
      boolean moved =
          !Objects.equals(old.currentPodHash, st.currentPodHash)
              || !Objects.equals(old.currentStepIndex, st.currentStepIndex)
              || !Objects.equals(old.updatedReplicas, st.updatedReplicas)
              || !Objects.equals(old.availableReplicas, st.availableReplicas)
              || !Objects.equals(old.readyReplicas, st.readyReplicas)
              || !Objects.equals(old.replicas, st.replicas)
              || "Paused".equals(old.phase) != paused
              || pluginProgressed;
      RolloutCondition progressing = st.condition("Progressing");
      Instant lastMove =
          progressing == null || progressing.lastUpdateTime == null || moved
              ? now
              : Instant.parse(progressing.lastUpdateTime);
      int deadlineSeconds =
          spec.progressDeadlineSeconds == null ? 600 : spec.progressDeadlineSeconds;
      boolean exceeded = false;
      if (aborted) {
        Conditions.set(
            st,
            "Progressing",
            "False",
            "RolloutAborted",
            "Rollout aborted update to pod template " + st.currentPodHash,
            now);
      } else if (paused) {
        Conditions.set(st, "Progressing", "Unknown", "RolloutPaused", "Rollout is paused", now);
      } else if (healthy) {
        Conditions.set(
            st,
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            "ReplicaSet \"" + rsName + "\" has successfully progressed.",
            now);
      } else {
        Instant deadline = lastMove.plusSeconds(deadlineSeconds);
        if (!now.isBefore(deadline)) {
          exceeded = true;
          Conditions.set(
              st,
              "Progressing",
              "False",
              "ProgressDeadlineExceeded",
              "ReplicaSet \"" + rsName + "\" has timed out progressing.",
              now);
          // lastUpdateTime stays the time of the last progress, so the state is stable.
          st.condition("Progressing").lastUpdateTime = time(lastMove);
          if (Boolean.TRUE.equals(spec.progressDeadlineAbort)) {
            st.abort = true;
            st.pauseConditions = null;
            st.controllerPause = null;
            aborted = true;
          }
        } else {
          Conditions.set(
              st,
              "Progressing",
              "True",
              "ReplicaSetUpdated",
              "ReplicaSet \"" + rsName + "\" is progressing.",
              now);
          requeue = min(requeue, Duration.between(now, deadline));
        }
      }
      RolloutCondition p = st.condition("Progressing");
      if (moved && !exceeded) {
        p.lastUpdateTime = time(now);
      }

      int minAvailable = n - v.limits().maxUnavailable();
      Conditions.set(
          st,
          "Available",
          available >= minAvailable ? "True" : "False",
          available >= minAvailable ? "AvailableReason" : "MinimumReplicasUnavailable",
          available >= minAvailable
              ? "Rollout has minimum availability"
              : "Rollout does not have minimum availability",
          now);
      Conditions.set(
          st,
          "Paused",
          paused ? "True" : "False",
          paused ? "RolloutPaused" : "RolloutResumed",
          paused ? "Rollout is paused" : "Rollout is resumed",
          now);
      Conditions.set(
          st,
          "Completed",
          healthy ? "True" : "False",
          healthy ? "RolloutCompleted" : "RolloutNotCompleted",
          healthy
              ? "Rollout completed update to pod template " + st.stableRS
              : "Rollout not completed, started update to pod template " + st.currentPodHash,
          now);
      Conditions.set(
          st,
          "Healthy",
          healthy ? "True" : "False",
          healthy ? "RolloutHealthy" : "RolloutNotHealthy",
          healthy ? "Rollout is healthy" : "Rollout is not healthy",
          now);

      if (invalidSpec != null) {
        st.phase = "Degraded";
        st.message = "InvalidSpec: " + invalidSpec;
        RolloutCondition kept = old.condition("InvalidSpec");
        if (kept != null) {
          // Removed at the start of the walk; put back so its timestamps stay.
          st.conditions.add(Json.copy(kept, RolloutCondition.class));
        }
        Conditions.set(st, "InvalidSpec", "True", "InvalidSpec", invalidSpec, now);
        if (kept == null || !Objects.equals(kept.message, invalidSpec)) {
          events.add(new RolloutEvent("Warning", "InvalidSpec", invalidSpec));
        }
      } else if (aborted) {
        st.phase = "Degraded";
        String failed = failedPluginStep();
        st.message =
            "RolloutAborted: "
                + (failed != null
                    ? failed
                    : "Rollout aborted update to pod template " + st.currentPodHash);
        if (st.abortedAt == null) {
          // The controller's first sight of this abort (set by a user or the deadline).
          st.abortedAt = time(now);
          events.add(new RolloutEvent("Warning", "RolloutAborted", st.message));
        }
        st.pauseConditions = null;
        st.controllerPause = null;
      } else if (exceeded) {
        st.phase = "Degraded";
        st.message =
            "ProgressDeadlineExceeded: ReplicaSet \"" + rsName + "\" has timed out progressing.";
      } else if (paused) {
        st.phase = "Paused";
        st.message = Boolean.TRUE.equals(spec.paused) ? "PausedBySpec" : PAUSE_REASON;
      } else if (healthy) {
        st.phase = "Healthy";
        st.message = null;
      } else {
        st.phase = "Progressing";
        st.message =
            hold != null
                ? hold
                : "more replicas need to be updated ("
                    + (current == null ? 0 : current.availableReplicas())
                    + " of "
                    + target.canary()
                    + " canary available)";
      }
      if (!Objects.equals(old.phase, st.phase)) {
        events.add(
            new RolloutEvent(
                "Degraded".equals(st.phase) ? "Warning" : "Normal",
                "PhaseChanged",
                "Phase "
                    + (old.phase == null ? "(none)" : old.phase)
                    + " -> "
                    + st.phase
                    + (st.message == null ? "" : ": " + st.message)));
      }
      if (Objects.equals(old.phase, st.phase)
          && "Degraded".equals(st.phase)
          && !Objects.equals(old.message, st.message)) {
        events.add(new RolloutEvent("Warning", "RolloutDegraded", st.message));
      }
    }

    // ---- plugin steps ----

    /** Runs plugin step {@code idx} as far as it goes now; true when the step is done. */
    private boolean pluginStep(int idx, Step.Plugin p) {
      CanaryStatus.StepPluginStatus run = entry(idx, StepOperation.RUN);
      if (run != null && "Successful".equals(run.phase)) {
        // Persisted as done: never called again for this index.
        return true;
      }
      String where = "step " + idx + " (plugin " + p.name() + ")";
      PluginAvailability a = plugins.availability(p.name());
      switch (a.state()) {
        case UNKNOWN:
          invalidSpec =
              "spec.strategy.canary.steps["
                  + idx
                  + "].plugin.name: \""
                  + p.name()
                  + "\" is not a configured step plugin; add it to stepPlugins in the plugin"
                  + " ConfigMap or fix the name";
          return false;
        case DISABLED:
          {
            CanaryStatus.StepPluginStatus e =
                run != null ? run : addEntry(idx, p.name(), StepOperation.RUN);
            String before = run == null ? null : run.phase;
            e.disabled = true;
            e.phase = "Successful";
            e.message = "plugin disabled in the plugin ConfigMap; step skipped";
            e.backoff = null;
            e.updatedAt = time(now);
            e.finishedAt = time(now);
            phaseEvent(e, before);
            return true;
          }
        case READY:
          break;
        default:
          pluginWaiting = true;
          hold = where + " waits: " + a.reason();
          Conditions.set(
              st,
              PLUGIN_WAIT_CONDITION,
              "False",
              switch (a.state()) {
                case STARTING -> "StepPluginStarting";
                case BACKING_OFF -> "StepPluginBackingOff";
                default -> "StepPluginRefused";
              },
              "Step plugin " + p.name() + " cannot take calls: " + a.reason(),
              now);
          requeue = min(requeue, pluginSettings.unavailableRetry());
          return false;
      }
      if (run != null && run.backoff != null && run.updatedAt != null) {
        Instant due = Instant.parse(run.updatedAt).plus(Durations.parse(run.backoff, "backoff"));
        if (now.isBefore(due)) {
          requeue = min(requeue, Duration.between(now, due));
          hold = holdMessage(where, run);
          return false;
        }
      }
      StepResult res = call(idx, p.name(), StepOperation.RUN, run);
      CanaryStatus.StepPluginStatus e =
          run != null ? run : addEntry(idx, p.name(), StepOperation.RUN);
      String before = run == null ? null : run.phase;
      e.executions = (e.executions == null ? 0 : e.executions) + 1;
      e.updatedAt = time(now);
      switch (res.phase()) {
        case RUNNING:
          {
            Duration wait = res.requeueAfter();
            if (wait.isZero() || wait.isNegative()) {
              wait = pluginSettings.runningDefault();
            }
            if (wait.compareTo(pluginSettings.runningFloor()) < 0) {
              wait = pluginSettings.runningFloor();
            }
            e.phase = "Running";
            pluginProgressed = true;
            e.message = res.message();
            e.status = stateOf(res);
            e.backoff = Durations.format(wait);
            requeue = min(requeue, wait);
            break;
          }
        case SUCCESSFUL:
          e.phase = "Successful";
          e.message = res.message();
          e.status = stateOf(res);
          e.backoff = null;
          e.finishedAt = time(now);
          break;
        case FAILED:
          e.phase = "Failed";
          e.message = res.message();
          e.status = stateOf(res);
          e.backoff = null;
          e.finishedAt = time(now);
          st.abort = true;
          st.pauseConditions = null;
          st.controllerPause = null;
          break;
        default:
          {
            // ERROR: the last good state stays; the wait doubles up to its cap.
            Duration wait = pluginSettings.errorBackoff();
            if ("Error".equals(before) && run.backoff != null) {
              wait = Durations.parse(run.backoff, "backoff").multipliedBy(2);
              if (wait.compareTo(pluginSettings.errorBackoffMax()) > 0) {
                wait = pluginSettings.errorBackoffMax();
              }
            }
            e.phase = "Error";
            e.message = res.message();
            e.backoff = Durations.format(wait);
            requeue = min(requeue, wait);
          }
      }
      phaseEvent(e, before);
      if ("Successful".equals(e.phase)) {
        return true;
      }
      hold = holdMessage(where, e);
      return false;
    }

    private String holdMessage(String where, CanaryStatus.StepPluginStatus e) {
      String msg = e.message == null || e.message.isEmpty() ? "" : ": " + e.message;
      if ("Error".equals(e.phase)) {
        return where + " failed to run, retrying after " + e.backoff + msg;
      }
      return where + " is running" + msg;
    }

    /** Abort on every plugin that ran, in reverse order of the runs, each once. */
    private void abortPlugins() {
      List<CanaryStatus.StepPluginStatus> runs =
          entries().stream()
              .filter(e -> StepOperation.RUN.rpcName().equals(e.operation))
              .filter(e -> !Boolean.TRUE.equals(e.disabled))
              .sorted(
                  Comparator.comparing(
                          (CanaryStatus.StepPluginStatus e) ->
                              e.startedAt == null ? "" : e.startedAt)
                      .thenComparing(e -> e.index)
                      .reversed())
              .toList();
      for (CanaryStatus.StepPluginStatus run : runs) {
        if (entry(run.index, StepOperation.ABORT) == null) {
          once(run, StepOperation.ABORT);
        }
      }
    }

    /**
     * Terminate on a plugin step left running: by promote full ({@code all}), a new template or
     * step list ({@code all}), or a plain promote that moved past it.
     */
    private void terminateRunning(boolean all) {
      if (Boolean.TRUE.equals(st.abort)) {
        return;
      }
      for (CanaryStatus.StepPluginStatus run : List.copyOf(entries())) {
        boolean running = "Running".equals(run.phase) || "Error".equals(run.phase);
        if (StepOperation.RUN.rpcName().equals(run.operation)
            && running
            && (all || !Objects.equals(run.index, st.currentStepIndex))
            && entry(run.index, StepOperation.TERMINATE) == null) {
          once(run, StepOperation.TERMINATE);
        }
      }
    }

    /** Calls Abort or Terminate once and records it; these are not asynchronous. */
    private void once(CanaryStatus.StepPluginStatus run, StepOperation op) {
      CanaryStatus.StepPluginStatus e = addEntry(run.index, run.name, op);
      if (plugins.availability(run.name).state() == PluginAvailability.State.DISABLED) {
        e.disabled = true;
        e.phase = "Successful";
        e.message = "plugin disabled in the plugin ConfigMap; " + op.rpcName() + " skipped";
        e.finishedAt = time(now);
        phaseEvent(e, null);
        return;
      }
      StepResult res = call(run.index, run.name, op, run);
      e.executions = 1;
      switch (res.phase()) {
        case SUCCESSFUL -> e.phase = "Successful";
        case RUNNING -> e.phase = "Failed";
        case FAILED -> e.phase = "Failed";
        default -> e.phase = "Error";
      }
      e.message =
          res.phase() == dev.ramp.plugin.api.StepPhase.RUNNING
              ? op.rpcName()
                  + " answered RUNNING, but "
                  + op.rpcName()
                  + " is not asynchronous: counted as failed"
                  + (res.message().isEmpty() ? "" : " (" + res.message() + ")")
              : res.message();
      e.status = stateOf(res);
      e.finishedAt = time(now);
      phaseEvent(e, null);
    }

    private StepResult call(
        int idx, String name, StepOperation op, CanaryStatus.StepPluginStatus run) {
      int attempt =
          op == StepOperation.RUN && run != null && run.executions != null ? run.executions + 1 : 1;
      PluginContext ctx =
          new PluginContext(
              nz(r.getMetadata().getUid()),
              nz(r.getMetadata().getNamespace()),
              nz(r.getMetadata().getName()),
              nz(st.currentPodHash),
              idx,
              nz(st.currentStepHash),
              op.rpcName(),
              attempt,
              op.idempotencyKey(
                  r.getMetadata().getUid(), st.currentPodHash, st.currentStepHash, idx, st.retries),
              name);
      Step step = idx >= 0 && idx < v.steps().size() ? v.steps().get(idx) : null;
      JsonNode config =
          step instanceof Step.Plugin p && p.config() != null
              ? p.config()
              : JsonNodeFactory.instance.objectNode();
      JsonNode state =
          run == null || run.status == null
              ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
              : run.status;
      calls.add(new CallKey(name, op.rpcName(), ctx.idempotencyKey(), ctx.attempt()));
      return plugins.call(name, op, new StepCall(ctx, Json.tree(r), config, state));
    }

    private static JsonNode stateOf(StepResult res) {
      return res.state() == null || res.state().isMissingNode() ? null : res.state();
    }

    private void phaseEvent(CanaryStatus.StepPluginStatus e, String before) {
      if (Objects.equals(before, e.phase)) {
        return;
      }
      boolean bad = "Failed".equals(e.phase) || "Error".equals(e.phase);
      String reason =
          Boolean.TRUE.equals(e.disabled)
              ? "StepPluginDisabled"
              : "StepPlugin" + e.operation + e.phase;
      events.add(
          new RolloutEvent(
              bad ? "Warning" : "Normal",
              reason,
              "Step "
                  + e.index
                  + " plugin "
                  + e.name
                  + " "
                  + e.operation
                  + ": "
                  + e.phase
                  + (e.message == null || e.message.isEmpty() ? "" : ": " + e.message)));
    }

    /** The failed plugin step that aborted the rollout, described; null when none did. */
    private String failedPluginStep() {
      return entries().stream()
          .filter(e -> StepOperation.RUN.rpcName().equals(e.operation))
          .filter(e -> "Failed".equals(e.phase))
          .findFirst()
          .map(
              e ->
                  "step "
                      + e.index
                      + " (plugin "
                      + e.name
                      + ") failed"
                      + (e.message == null || e.message.isEmpty() ? "" : ": " + e.message))
          .orElse(null);
    }

    private List<CanaryStatus.StepPluginStatus> entries() {
      if (st.canary == null || st.canary.stepPluginStatuses == null) {
        return List.of();
      }
      return st.canary.stepPluginStatuses;
    }

    private boolean hasEntry(StepOperation op) {
      return entries().stream().anyMatch(e -> op.rpcName().equals(e.operation));
    }

    private CanaryStatus.StepPluginStatus entry(int idx, StepOperation op) {
      return entries().stream()
          .filter(e -> e.index != null && e.index == idx && op.rpcName().equals(e.operation))
          .findFirst()
          .orElse(null);
    }

    private CanaryStatus.StepPluginStatus addEntry(int idx, String name, StepOperation op) {
      if (st.canary == null) {
        st.canary = new CanaryStatus();
      }
      if (st.canary.stepPluginStatuses == null) {
        st.canary.stepPluginStatuses = new ArrayList<>();
      }
      CanaryStatus.StepPluginStatus e = new CanaryStatus.StepPluginStatus();
      e.index = idx;
      e.name = name;
      e.operation = op.rpcName();
      e.startedAt = time(now);
      e.updatedAt = time(now);
      st.canary.stepPluginStatuses.add(e);
      return e;
    }

    private void clearPluginStatuses() {
      if (st.canary != null) {
        st.canary.stepPluginStatuses = null;
      }
    }

    private static String nz(String s) {
      return s == null ? "" : s;
    }

    private static Duration min(Duration a, Duration b) {
      return a == null || b.compareTo(a) < 0 ? b : a;
    }
  }
}
