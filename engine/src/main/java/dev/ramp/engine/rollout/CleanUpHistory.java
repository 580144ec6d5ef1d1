package dev.ramp.engine.rollout;

import java.util.Comparator;

/**
 * Deletes old ReplicaSets, scaled to zero, past {@code revisionHistoryLimit} (10), oldest first.
 */
final class CleanUpHistory implements SubStep {
  static final int DEFAULT_LIMIT = 10;

  @Override
  public void apply(Reconcile r) {
    int limit = r.spec.revisionHistoryLimit == null ? DEFAULT_LIMIT : r.spec.revisionHistoryLimit;
    r.others.stream()
        .filter(rs -> rs.replicas() == 0 && rs.statusReplicas() == 0)
        .sorted(Comparator.comparingInt(Observed.ReplicaSet::revision).reversed())
        .skip(limit)
        .map(Observed.ReplicaSet::name)
        .forEach(r.deletes::add);
  }
}
