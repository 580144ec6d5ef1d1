package dev.ramp.engine.rollout;

import dev.ramp.engine.analysis.AnalysisTemplates;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.PodTemplateMetadata;
import dev.ramp.engine.model.Rollout;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a reconcile decides from: the Rollout (never older than the controller's own last
 * write), the ReplicaSets it owns, their pods while a restart is pending, the names of the Services
 * that exist, the time on the controller's clock, and the pod metadata by role each ReplicaSet
 * carries.
 */
public record Observed(
    Rollout rollout,
    List<ReplicaSet> replicaSets,
    List<Pod> pods,
    Set<String> services,
    Instant now,
    Analysis analysis,
    Map<String, PodTemplateMetadata> roleMetadata) {

  public Observed {
    replicaSets = List.copyOf(replicaSets);
    pods = List.copyOf(pods);
    services = Set.copyOf(services);
    analysis = analysis == null ? Analysis.NONE : analysis;
    roleMetadata = roleMetadata == null ? Map.of() : Map.copyOf(roleMetadata);
  }

  public Observed(
      Rollout rollout,
      List<ReplicaSet> replicaSets,
      List<Pod> pods,
      Set<String> services,
      Instant now,
      Analysis analysis) {
    this(rollout, replicaSets, pods, services, now, analysis, Map.of());
  }

  public Observed(
      Rollout rollout,
      List<ReplicaSet> replicaSets,
      List<Pod> pods,
      Set<String> services,
      Instant now) {
    this(rollout, replicaSets, pods, services, now, Analysis.NONE);
  }

  public Observed(
      Rollout rollout, List<ReplicaSet> replicaSets, Set<String> services, Instant now) {
    this(rollout, replicaSets, List.of(), services, now, Analysis.NONE);
  }

  /** These runs and templates instead. */
  public Observed withAnalysis(Analysis value) {
    return new Observed(rollout, replicaSets, pods, services, now, value, roleMetadata);
  }

  /**
   * The pod metadata by role each ReplicaSet carries now, by ReplicaSet name, as recorded on it
   * when Ramp put it there; a ReplicaSet with none is absent.
   */
  public Observed withRoleMetadata(Map<String, PodTemplateMetadata> value) {
    return new Observed(rollout, replicaSets, pods, services, now, analysis, value);
  }

  /**
   * What the Rollout's analysis reads: the AnalysisRuns it owns, as read, and the templates its
   * analysis steps and background analysis name (nested ones included), found by name.
   */
  public record Analysis(List<AnalysisRun> runs, AnalysisTemplates.Lookup templates) {
    public static final Analysis NONE =
        new Analysis(List.of(), (name, clusterScope) -> java.util.Optional.empty());

    public Analysis {
      runs = List.copyOf(runs);
    }
  }

  /**
   * A ReplicaSet owned by the Rollout, as read.
   *
   * @param scaleDownDeadline when it is to be scaled down, if annotated (null otherwise)
   */
  public record ReplicaSet(
      String name,
      String hash,
      int replicas,
      int statusReplicas,
      int readyReplicas,
      int availableReplicas,
      int revision,
      Instant scaleDownDeadline) {

    public ReplicaSet(
        String name,
        String hash,
        int replicas,
        int statusReplicas,
        int readyReplicas,
        int availableReplicas,
        int revision) {
      this(name, hash, replicas, statusReplicas, readyReplicas, availableReplicas, revision, null);
    }
  }

  /** A pod of one of the Rollout's ReplicaSets, as read (only while a restart is pending). */
  public record Pod(String name, String hash, Instant created, boolean ready) {}
}
