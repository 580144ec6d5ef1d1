package dev.ramp.engine.rollout;

import dev.ramp.engine.model.Rollout;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Everything a reconcile decides from: the Rollout (never older than the controller's own last
 * write), the ReplicaSets it owns, their pods while a restart is pending, the names of the Services
 * that exist, and the time on the controller's clock.
 */
public record Observed(
    Rollout rollout,
    List<ReplicaSet> replicaSets,
    List<Pod> pods,
    Set<String> services,
    Instant now) {

  public Observed {
    replicaSets = List.copyOf(replicaSets);
    pods = List.copyOf(pods);
    services = Set.copyOf(services);
  }

  public Observed(
      Rollout rollout, List<ReplicaSet> replicaSets, Set<String> services, Instant now) {
    this(rollout, replicaSets, List.of(), services, now);
  }

  /** A ReplicaSet owned by the Rollout, as read. */
  public record ReplicaSet(
      String name,
      String hash,
      int replicas,
      int statusReplicas,
      int readyReplicas,
      int availableReplicas,
      int revision) {}

  /** A pod of one of the Rollout's ReplicaSets, as read (only while a restart is pending). */
  public record Pod(String name, String hash, Instant created, boolean ready) {}
}
