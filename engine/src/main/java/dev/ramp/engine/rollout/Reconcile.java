package dev.ramp.engine.rollout;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.BlueGreenStatus;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutSpec;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.plugin.StepPluginClient;
import dev.ramp.engine.plugin.TrafficRouterClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reconcile's working state: what was observed, and the plan so far. Each sub-step reads it and
 * adds its part; the last one computes the status; {@link #plan()} turns it into the immutable
 * {@link Plan}.
 */
final class Reconcile {
  final Observed observed;
  final Rollout rollout;
  final RolloutSpec spec;
  final RolloutStatus old;
  final RolloutStatus st;
  final Instant now;
  final StepPluginClient plugins;
  final TrafficRouterClient routers;
  final PluginStepSettings pluginSettings;

  // Decided by the early sub-steps.
  SpecCheck.Valid valid;
  boolean stopped;
  String hash;
  Observed.ReplicaSet current;
  boolean atStable;

  /** The progress deadline passed without progress, and {@code progressDeadlineAbort} aborted. */
  boolean abortedByDeadline;

  // Decided by the steps.
  int weight;
  String hold;
  boolean pluginWaiting;

  /** A plugin answered RUNNING in this reconcile: progress, for the progress deadline. */
  boolean pluginProgressed;

  /** A spec fault found while walking the steps (an unknown plugin): the rollout holds. */
  String invalidSpec;

  // Decided by the analysis (BackgroundAnalysis, StepAnalysis).
  /** The run of the current analysis step, by name; null when the current step is no analysis. */
  String stepRun;

  /** The background run, by name; null when none is due. */
  String backgroundRun;

  /** The current step waits on its AnalysisRun: a wait like a pause, not a stall. */
  boolean analysisWaiting;

  // Decided by the blue-green sub-steps (see BlueGreen).
  /** Pre-promotion analysis is done (Successful, promoted past Inconclusive, or none). */
  boolean prePromotionDone;

  /** The BlueGreenPause is over (promoted, timed out) or not needed. */
  boolean pauseCompleted;

  /** Post-promotion analysis is done (Successful, promoted past Inconclusive, or none). */
  boolean postPromotionDone;

  // The plan so far.
  ReplicaMath.Split target;
  final List<Observed.ReplicaSet> others = new ArrayList<>();
  Plan.NewReplicaSet create;
  final Map<String, Integer> scales = new LinkedHashMap<>();
  final Map<String, Integer> revisions = new LinkedHashMap<>();
  final List<String> deletes = new ArrayList<>();
  final List<String> podDeletes = new ArrayList<>();
  final Map<String, String> deadlines = new LinkedHashMap<>();
  final Map<String, String> selectors = new LinkedHashMap<>();
  final List<Plan.RoleMetadataWrite> roleMetadata = new ArrayList<>();
  final List<Plan.Event> events = new ArrayList<>();
  final List<CallKey> calls = new ArrayList<>();
  final List<AnalysisRun> runCreates = new ArrayList<>();
  final List<String> runTerminates = new ArrayList<>();
  final List<String> runDeletes = new ArrayList<>();
  Duration requeue;

  Reconcile(
      Observed observed,
      StepPluginClient plugins,
      TrafficRouterClient routers,
      PluginStepSettings pluginSettings) {
    this.observed = observed;
    this.rollout = observed.rollout();
    this.spec = rollout.getSpec();
    this.old = rollout.getStatus() == null ? new RolloutStatus() : rollout.getStatus();
    this.st = old.copy();
    this.st.observedGeneration = rollout.getMetadata().getGeneration();
    this.now = observed.now();
    this.plugins = plugins;
    this.routers = routers;
    this.pluginSettings = pluginSettings;
  }

  /** "step 3 of 5 (plugin ramp/step-webhook)": the step at this 0-based index, for people. */
  String stepLabel(int idx) {
    var c = spec.strategy == null ? null : spec.strategy.canary;
    return dev.ramp.engine.model.StepText.label(
        idx, c == null || c.steps == null ? List.of() : c.steps);
  }

  /** The rollout is aborted: decided at the start, or by a step that failed. */
  boolean aborted() {
    return Boolean.TRUE.equals(st.abort);
  }

  /** Aborts the rollout; every sub-step after this one applies it. */
  void abort() {
    st.abort = true;
    st.pauseConditions = null;
    st.controllerPause = null;
  }

  /** Clears what users steer with: abort, promote full, pauses. */
  void clearSteering() {
    st.abort = null;
    st.abortedAt = null;
    st.promoteFull = null;
    st.pauseConditions = null;
    st.controllerPause = null;
  }

  /** Looks again within {@code d} at the latest. */
  void requeueWithin(Duration d) {
    if (requeue == null || d.compareTo(requeue) < 0) {
      requeue = d;
    }
  }

  void event(Plan.Event e) {
    events.add(e);
  }

  Observed.ReplicaSet find(String podHash) {
    if (podHash == null) {
      return null;
    }
    return observed.replicaSets().stream()
        .filter(rs -> podHash.equals(rs.hash()))
        .findFirst()
        .orElse(null);
  }

  private ReplicaCounts counts;

  /**
   * The observed pods counted once per reconcile (after {@link RevisionAndHash} found the new set).
   */
  ReplicaCounts counts() {
    if (counts == null) {
      counts = ReplicaCounts.of(observed, current);
    }
    return counts;
  }

  /** The stable ReplicaSet while a canary runs; null at stable. */
  Observed.ReplicaSet stable() {
    return atStable ? null : find(st.stableRS);
  }

  /**
   * The revision of the canary ReplicaSet once this reconcile's writes are made: its own when it is
   * the newest, else the next one ({@link ScaleReplicaSets} gives it); null before it exists.
   */
  Integer currentRevision() {
    if (current == null) {
      return null;
    }
    int max =
        observed.replicaSets().stream().mapToInt(Observed.ReplicaSet::revision).max().orElse(0);
    boolean newest =
        observed.replicaSets().stream()
            .noneMatch(rs -> rs != current && rs.revision() >= current.revision());
    return newest ? current.revision() : max + 1;
  }

  int replicas() {
    return valid.replicas();
  }

  /** A traffic router moves the traffic (a canary's trafficRouting is set). */
  boolean routed() {
    return spec.strategy.canary != null && spec.strategy.canary.trafficRouting != null;
  }

  /** The whole that weights are out of: {@code maxTrafficWeight}, else 100. */
  int maxWeight() {
    return spec.strategy.canary == null ? 100 : SpecCheck.maxWeight(spec.strategy.canary);
  }

  /** A blue-green Rollout. */
  boolean blueGreen() {
    return spec.strategy.blueGreen != null && spec.strategy.canary == null;
  }

  /** {@code status.blueGreen}, made when missing. */
  BlueGreenStatus bg() {
    if (st.blueGreen == null) {
      st.blueGreen = new BlueGreenStatus();
    }
    return st.blueGreen;
  }

  List<Step> steps() {
    return valid.steps();
  }

  List<CanaryStatus.StepPluginStatus> pluginEntries() {
    if (st.canary == null || st.canary.stepPluginStatuses == null) {
      return List.of();
    }
    return st.canary.stepPluginStatuses;
  }

  static boolean fullyAvailable(Observed.ReplicaSet rs, int n) {
    return rs != null && rs.replicas() == n && rs.availableReplicas() >= n;
  }

  static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /**
   * A start that a duration counts from (a pause's), to the millisecond: truncated to the second, a
   * 20 s pause would end up to a second early.
   */
  static String preciseTime(Instant t) {
    return t.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  static boolean changed(RolloutStatus a, RolloutStatus b) {
    return !Json.canonical(Json.tree(a)).equals(Json.canonical(Json.tree(b)));
  }

  static String nz(String s) {
    return s == null ? "" : s;
  }

  /** The immutable plan of this reconcile. */
  Plan plan() {
    return Plan.status(st, changed(old, st))
        .withReplicaSets(
            new Plan.ReplicaSetWrites(create, scales, revisions, deletes, podDeletes, deadlines))
        .withServiceSelectors(selectors)
        .withEvents(events)
        .rescheduleAfter(requeue)
        .withPluginCalls(calls)
        .withAnalysisRuns(new Plan.AnalysisRunWrites(runCreates, runTerminates, runDeletes))
        .withRoleMetadata(roleMetadata);
  }
}
