package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.PodTemplateMetadata;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.plugin.CallKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one reconcile wants written, in this order: ReplicaSets, Service selectors, pod metadata by
 * role, AnalysisRuns, the status (only when it changed), then Events; and when to look again.
 * Immutable; made by the named factories and refined with {@code with…} copies, as the Java
 * Operator SDK's {@code UpdateControl}.
 *
 * <p>{@link #pluginCalls()} are the plugin calls whose answers the status records: the plugin host
 * keeps those answers until the status is written, then is told to forget them.
 */
public final class Plan {

  /**
   * A ReplicaSet to create; {@code role} is the pod metadata of the role it starts in (empty:
   * none), put on its pod template and recorded, so its first pods carry it.
   */
  public record NewReplicaSet(
      String name,
      String hash,
      JsonNode template,
      Map<String, String> selector,
      int replicas,
      int revision,
      int minReadySeconds,
      PodTemplateMetadata role) {}

  /**
   * The writes to the Rollout's ReplicaSets and pods.
   *
   * @param scales replicas by ReplicaSet name
   * @param revisions a ReplicaSet made current again gets the next revision
   * @param deletes ReplicaSets past the history limit
   * @param podDeletes pods a restart replaces
   * @param deadlines scale-down deadlines to annotate (RFC 3339), or to remove (an empty value)
   */
  public record ReplicaSetWrites(
      NewReplicaSet create,
      Map<String, Integer> scales,
      Map<String, Integer> revisions,
      List<String> deletes,
      List<String> podDeletes,
      Map<String, String> deadlines) {
    public ReplicaSetWrites {
      scales = Map.copyOf(scales);
      revisions = Map.copyOf(revisions);
      deletes = List.copyOf(deletes);
      podDeletes = List.copyOf(podDeletes);
      deadlines = Map.copyOf(deadlines);
    }

    public ReplicaSetWrites(
        NewReplicaSet create,
        Map<String, Integer> scales,
        Map<String, Integer> revisions,
        List<String> deletes,
        List<String> podDeletes) {
      this(create, scales, revisions, deletes, podDeletes, Map.of());
    }

    static final ReplicaSetWrites NONE =
        new ReplicaSetWrites(null, Map.of(), Map.of(), List.of(), List.of(), Map.of());

    public boolean isEmpty() {
      return create == null
          && scales.isEmpty()
          && revisions.isEmpty()
          && deletes.isEmpty()
          && podDeletes.isEmpty()
          && deadlines.isEmpty();
    }
  }

  /**
   * The writes to the Rollout's AnalysisRuns, made before the status that names them.
   *
   * @param create runs to create, owned by the Rollout; one that exists already (a controller that
   *     crashed after creating it) is adopted when the Rollout owns it
   * @param terminate names of runs whose {@code spec.terminate} is to be set
   * @param delete names of old runs past the history limits
   */
  public record AnalysisRunWrites(
      List<AnalysisRun> create, List<String> terminate, List<String> delete) {
    public AnalysisRunWrites {
      create = List.copyOf(create);
      terminate = List.copyOf(terminate);
      delete = List.copyOf(delete);
    }

    public static final AnalysisRunWrites NONE =
        new AnalysisRunWrites(List.of(), List.of(), List.of());

    public boolean isEmpty() {
      return create.isEmpty() && terminate.isEmpty() && delete.isEmpty();
    }
  }

  /**
   * A ReplicaSet whose pods change role: its pod template and its pods lose the metadata {@code
   * from} the old role and get the metadata {@code to} of the new one (empty: no role).
   */
  public record RoleMetadataWrite(
      String replicaSet, String hash, PodTemplateMetadata from, PodTemplateMetadata to) {}

  /** An Event on the Rollout. */
  public record Event(String type, String reason, String message) {
    static Event normal(String reason, String message) {
      return new Event("Normal", reason, message);
    }

    static Event warning(String reason, String message) {
      return new Event("Warning", reason, message);
    }
  }

  private final ReplicaSetWrites replicaSets;
  private final Map<String, String> serviceSelectors;
  private final RolloutStatus status;
  private final boolean statusChanged;
  private final List<Event> events;
  private final Duration requeueAfter;
  private final List<CallKey> pluginCalls;
  private final AnalysisRunWrites analysisRuns;
  private final List<RoleMetadataWrite> roleMetadata;

  private Plan(
      ReplicaSetWrites replicaSets,
      Map<String, String> serviceSelectors,
      RolloutStatus status,
      boolean statusChanged,
      List<Event> events,
      Duration requeueAfter,
      List<CallKey> pluginCalls,
      AnalysisRunWrites analysisRuns,
      List<RoleMetadataWrite> roleMetadata) {
    this.replicaSets = replicaSets;
    this.roleMetadata = List.copyOf(roleMetadata);
    this.analysisRuns = analysisRuns;
    this.serviceSelectors = Map.copyOf(serviceSelectors);
    this.status = status;
    this.statusChanged = statusChanged;
    this.events = List.copyOf(events);
    this.requeueAfter = requeueAfter;
    this.pluginCalls = List.copyOf(pluginCalls);
  }

  /** Writes this status (when it differs from the one read) and nothing else. */
  public static Plan status(RolloutStatus status, boolean changed) {
    return new Plan(
        ReplicaSetWrites.NONE,
        Map.of(),
        status,
        changed,
        List.of(),
        null,
        List.of(),
        AnalysisRunWrites.NONE,
        List.of());
  }

  /** Also writes these ReplicaSets. */
  public Plan withReplicaSets(ReplicaSetWrites writes) {
    return new Plan(
        writes,
        serviceSelectors,
        status,
        statusChanged,
        events,
        requeueAfter,
        pluginCalls,
        analysisRuns,
        roleMetadata);
  }

  /** Also points these Services (by name) at these pod-template hashes. */
  public Plan withServiceSelectors(Map<String, String> selectors) {
    return new Plan(
        replicaSets,
        selectors,
        status,
        statusChanged,
        events,
        requeueAfter,
        pluginCalls,
        analysisRuns,
        roleMetadata);
  }

  /** Also records these Events, after the status write. */
  public Plan withEvents(List<Event> list) {
    return new Plan(
        replicaSets,
        serviceSelectors,
        status,
        statusChanged,
        list,
        requeueAfter,
        pluginCalls,
        analysisRuns,
        roleMetadata);
  }

  /** Looks again after {@code delay} on the controller's clock (null: only on a change). */
  public Plan rescheduleAfter(Duration delay) {
    return new Plan(
        replicaSets,
        serviceSelectors,
        status,
        statusChanged,
        events,
        delay,
        pluginCalls,
        analysisRuns,
        roleMetadata);
  }

  /** The plugin calls whose answers this status records. */
  public Plan withPluginCalls(List<CallKey> calls) {
    return new Plan(
        replicaSets,
        serviceSelectors,
        status,
        statusChanged,
        events,
        requeueAfter,
        calls,
        analysisRuns,
        roleMetadata);
  }

  /** Also writes these AnalysisRuns (before the status). */
  public Plan withAnalysisRuns(AnalysisRunWrites writes) {
    return new Plan(
        replicaSets,
        serviceSelectors,
        status,
        statusChanged,
        events,
        requeueAfter,
        pluginCalls,
        writes,
        roleMetadata);
  }

  /** Also puts (or takes off) these pod metadata by role, after the Service selectors. */
  public Plan withRoleMetadata(List<RoleMetadataWrite> writes) {
    return new Plan(
        replicaSets,
        serviceSelectors,
        status,
        statusChanged,
        events,
        requeueAfter,
        pluginCalls,
        analysisRuns,
        writes);
  }

  public List<RoleMetadataWrite> roleMetadata() {
    return roleMetadata;
  }

  public AnalysisRunWrites analysisRuns() {
    return analysisRuns;
  }

  public ReplicaSetWrites replicaSets() {
    return replicaSets;
  }

  public Map<String, String> serviceSelectors() {
    return serviceSelectors;
  }

  public RolloutStatus status() {
    return status;
  }

  public boolean statusChanged() {
    return statusChanged;
  }

  public List<Event> events() {
    return events;
  }

  /** When to look again; null when only a change should bring the rollout back. */
  public Duration requeueAfter() {
    return requeueAfter;
  }

  public List<CallKey> pluginCalls() {
    return pluginCalls;
  }
}
