package dev.ramp.engine.rollout;

/**
 * The pods of the Rollout's ReplicaSets as observed: the counts the status reports and the progress
 * deadline compares with the status read.
 */
record ReplicaCounts(int replicas, int ready, int available, int updated) {

  static ReplicaCounts of(Observed observed, Observed.ReplicaSet current) {
    int replicas = 0;
    int ready = 0;
    int available = 0;
    for (Observed.ReplicaSet rs : observed.replicaSets()) {
      replicas += rs.statusReplicas();
      ready += rs.readyReplicas();
      available += rs.availableReplicas();
    }
    return new ReplicaCounts(
        replicas, ready, available, current == null ? 0 : current.statusReplicas());
  }
}
