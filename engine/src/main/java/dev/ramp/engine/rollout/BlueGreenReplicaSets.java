package dev.ramp.engine.rollout;

import dev.ramp.engine.model.BlueGreenStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The ReplicaSets of a blue-green rollout, as Argo scales them: the new one at its preview size
 * until promoted, else full size; the stable one at full size (it serves, or may serve again after
 * an abort); an old one that was active gets a scale-down deadline ({@code scaleDownDelaySeconds},
 * default 30, at most {@code scaleDownDelayRevisionLimit} of them) annotated on it and is scaled
 * down when it passes; any other old one, and none a Service still selects, is scaled down at once.
 * Aborted, the new ReplicaSet is scaled down {@code abortScaleDownDelaySeconds} (default 30; 0
 * keeps it) after the active Service went back to stable.
 */
final class BlueGreenReplicaSets implements SubStep {
  static final int DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;
  static final int DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS = 30;

  @Override
  public void apply(Reconcile r) {
    int n = r.replicas();
    Observed.ReplicaSet current = r.current;
    Observed.ReplicaSet stable = r.stable();
    int want = r.aborted() ? aborted(r, current) : BlueGreen.newSize(r);
    r.target = new ReplicaMath.Split(want, stable == null ? 0 : n);
    int maxRevision =
        r.observed.replicaSets().stream().mapToInt(Observed.ReplicaSet::revision).max().orElse(0);
    if (current == null) {
      if (!r.aborted()) {
        r.create = ScaleReplicaSets.newReplicaSet(r, want, maxRevision + 1);
      }
    } else {
      scale(r, current, want);
      int revision = r.currentRevision();
      if (revision != current.revision()) {
        r.revisions.put(current.name(), revision);
      }
      if (!r.aborted() && current.scaleDownDeadline() != null) {
        // Current again (a rollback to it): its deadline no longer applies.
        r.deadlines.put(current.name(), "");
      }
    }
    if (stable != null) {
      scale(r, stable, n);
      if (stable.scaleDownDeadline() != null) {
        r.deadlines.put(stable.name(), "");
      }
    }
    for (Observed.ReplicaSet rs : r.observed.replicaSets()) {
      if (rs != current && rs != stable) {
        r.others.add(rs);
      }
    }
    scaleDownOthers(r);
  }

  /** The new ReplicaSet of an aborted rollout: kept until its deadline, or for good with 0. */
  private static int aborted(Reconcile r, Observed.ReplicaSet current) {
    if (current == null) {
      return 0;
    }
    Integer delay = BlueGreen.spec(r).abortScaleDownDelaySeconds;
    if (delay != null && delay == 0) {
      return current.replicas();
    }
    Instant deadline = current.scaleDownDeadline();
    if (deadline != null) {
      if (r.now.isBefore(deadline)) {
        r.requeueWithin(Duration.between(r.now, deadline));
        return current.replicas();
      }
      return 0;
    }
    if (current.replicas() == 0) {
      return 0;
    }
    if (r.st.stableRS.equals(r.bg().activeSelector)) {
      int seconds = delay == null ? DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS : delay;
      r.deadlines.put(current.name(), Reconcile.time(r.now.plusSeconds(seconds)));
      r.requeueWithin(Duration.ofSeconds(seconds));
    }
    return current.replicas();
  }

  private static void scaleDownOthers(Reconcile r) {
    BlueGreenStrategy b = BlueGreen.spec(r);
    int delay =
        b.scaleDownDelaySeconds == null
            ? DEFAULT_SCALE_DOWN_DELAY_SECONDS
            : b.scaleDownDelaySeconds;
    int limit =
        b.scaleDownDelayRevisionLimit == null ? Integer.MAX_VALUE : b.scaleDownDelayRevisionLimit;
    List<Observed.ReplicaSet> others =
        r.others.stream()
            .sorted(Comparator.comparingInt(Observed.ReplicaSet::revision).reversed())
            .toList();
    int delayed = 0;
    for (Observed.ReplicaSet rs : others) {
      if (rs.replicas() == 0) {
        continue;
      }
      if (rs.hash().equals(r.bg().activeSelector) || rs.hash().equals(r.bg().previewSelector)) {
        // A Service still selects it (Argo's isReplicaSetReferenced).
        continue;
      }
      // At stable every old ReplicaSet still up was active before; before, only an annotated one.
      boolean wasActive = r.atStable || rs.scaleDownDeadline() != null;
      if (wasActive && delay > 0) {
        Instant deadline = rs.scaleDownDeadline();
        if (deadline == null) {
          if (delayed < limit) {
            delayed++;
            r.deadlines.put(rs.name(), Reconcile.time(r.now.plusSeconds(delay)));
            r.requeueWithin(Duration.ofSeconds(delay));
            continue;
          }
        } else {
          delayed++;
          if (delayed <= limit && r.now.isBefore(deadline)) {
            r.requeueWithin(Duration.between(r.now, deadline));
            continue;
          }
        }
      }
      scale(r, rs, 0);
    }
  }

  private static void scale(Reconcile r, Observed.ReplicaSet rs, int replicas) {
    if (rs.replicas() != replicas) {
      r.scales.put(rs.name(), replicas);
    }
  }
}
