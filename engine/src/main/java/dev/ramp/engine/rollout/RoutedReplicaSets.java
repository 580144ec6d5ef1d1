package dev.ramp.engine.rollout;

import dev.ramp.engine.model.CanaryStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The ReplicaSets of a canary with a traffic router, as Argo scales them: the canary and stable at
 * the counts of {@link RoutedReplicas} at once (the router, not the pod count, decides the traffic
 * each gets, so surge limits do not apply); a ReplicaSet the routers still send traffic to is never
 * scaled below what that traffic needs; the old stable after a promotion, and the canary after an
 * abort, stay up until a scale-down deadline annotated on them; and no old ReplicaSet is scaled
 * down while a router has not verified its weight.
 */
final class RoutedReplicaSets {
  static final int DEFAULT_SCALE_DOWN_DELAY_SECONDS = 30;
  static final int DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS = 30;

  private RoutedReplicaSets() {}

  /** What the replica math reads from this reconcile. */
  static RoutedReplicas.Input input(Reconcile r) {
    CanaryStrategy c = r.spec.strategy.canary;
    Observed.ReplicaSet stable = r.find(r.st.stableRS);
    // What the routers may still route (verified or not): the floors of dynamicStableScale.
    RouterRecords routes = new RouterRecords(r);
    boolean fullyPromoted =
        Boolean.TRUE.equals(r.st.promoteFull)
            || r.atStable
            || r.st.stableRS == null
            || r.st.stableRS.equals(r.hash);
    int idx = r.st.currentStepIndex == null ? 0 : r.st.currentStepIndex;
    return new RoutedReplicas.Input(
        r.replicas(),
        r.maxWeight(),
        r.steps(),
        idx,
        r.aborted(),
        fullyPromoted,
        Boolean.TRUE.equals(c.dynamicStableScale),
        c.minPodsPerReplicaSet,
        c.abortScaleDownDelaySeconds != null && c.abortScaleDownDelaySeconds == 0,
        c.abortScaleDownDelaySeconds != null,
        routes.routedTo(r.hash),
        r.st.stableRS == null ? null : routes.routedTo(r.st.stableRS),
        stable == null ? -1 : stable.availableReplicas(),
        r.current == null ? -1 : r.current.availableReplicas());
  }

  /** The canary and stable counts for the current step. */
  static RoutedReplicas.Counts target(Reconcile r) {
    return RoutedReplicas.of(input(r));
  }

  /**
   * The canary has its pods available and (without dynamicStableScale) stable has all of its
   * created: Argo's AtDesiredReplicaCountsForCanary with a router.
   */
  static boolean atDesired(Reconcile r) {
    RoutedReplicas.Counts t = target(r);
    Observed.ReplicaSet current = r.current;
    int canaryAvailable = current == null ? 0 : current.availableReplicas();
    if (canaryAvailable < t.canary()) {
      return false;
    }
    if (Boolean.TRUE.equals(r.spec.strategy.canary.dynamicStableScale)) {
      return true;
    }
    Observed.ReplicaSet stable = r.find(r.st.stableRS);
    return stable != null
        && stable.replicas() >= t.stable()
        && stable.statusReplicas() >= t.stable();
  }

  static void apply(Reconcile r) {
    int n = r.replicas();
    int max = r.maxWeight();
    CanaryStrategy c = r.spec.strategy.canary;
    RouterRecords routes = new RouterRecords(r);
    Observed.ReplicaSet current = r.current;
    Observed.ReplicaSet stable = r.stable();
    RoutedReplicas.Counts t = r.atStable ? new RoutedReplicas.Counts(n, 0) : target(r);
    int canary = t.canary();
    if (!r.atStable) {
      canary = Math.max(canary, RoutedReplicas.replicasFor(n, routes.weightTo(r.hash), max));
    }
    if (r.aborted() && current != null && stable != null && !r.atStable) {
      canary = abortedCanary(r, c, current, stable, canary);
    }
    r.target = new ReplicaMath.Split(canary, t.stable());
    int maxRevision =
        r.observed.replicaSets().stream().mapToInt(Observed.ReplicaSet::revision).max().orElse(0);
    if (current == null) {
      r.create = ScaleReplicaSets.newReplicaSet(r, canary, maxRevision + 1);
    } else {
      scale(r, current, canary);
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
      int stableCount =
          Math.max(t.stable(), RoutedReplicas.replicasFor(n, routes.weightTo(stable.hash()), max));
      scale(r, stable, stableCount);
      if (stable.scaleDownDeadline() != null) {
        r.deadlines.put(stable.name(), "");
      }
    }
    for (Observed.ReplicaSet rs : r.observed.replicaSets()) {
      if (rs != current && rs != stable) {
        r.others.add(rs);
      }
    }
    scaleDownOthers(r, c, routes);
  }

  /**
   * The canary of an aborted rollout: kept up with {@code abortScaleDownDelaySeconds: 0}; else
   * (unless dynamicStableScale shrinks it with its traffic) kept until a deadline annotated once
   * stable is back at full size.
   */
  private static int abortedCanary(
      Reconcile r,
      CanaryStrategy c,
      Observed.ReplicaSet current,
      Observed.ReplicaSet stable,
      int canary) {
    Integer delay = c.abortScaleDownDelaySeconds;
    if (delay != null && delay == 0) {
      return Math.max(canary, current.replicas());
    }
    if (Boolean.TRUE.equals(c.dynamicStableScale) && delay == null) {
      return canary;
    }
    Instant deadline = current.scaleDownDeadline();
    if (deadline != null) {
      if (r.now.isBefore(deadline)) {
        r.requeueWithin(Duration.between(r.now, deadline));
        return Math.max(canary, current.replicas());
      }
      return canary;
    }
    if (current.replicas() <= canary) {
      return canary;
    }
    int seconds = delay == null ? DEFAULT_ABORT_SCALE_DOWN_DELAY_SECONDS : delay;
    if (stable.availableReplicas() >= r.replicas()) {
      // Only once stable can take all the traffic: the deadline scales the canary down for good.
      r.deadlines.put(current.name(), Reconcile.time(r.now.plusSeconds(seconds)));
      r.requeueWithin(Duration.ofSeconds(seconds));
    }
    return current.replicas();
  }

  /**
   * Old ReplicaSets, newest first: kept while a router sends them traffic or has not verified its
   * weight; the previous stable kept until its deadline ({@code scaleDownDelaySeconds}, at most
   * {@code scaleDownDelayRevisionLimit} of them); any other scaled down at once — within the pods
   * that may be unavailable.
   */
  private static void scaleDownOthers(Reconcile r, CanaryStrategy c, RouterRecords routes) {
    List<Observed.ReplicaSet> others =
        r.others.stream()
            .sorted(Comparator.comparingInt(Observed.ReplicaSet::revision).reversed())
            .toList();
    boolean unverified = routes.unverified();
    int available = 0;
    for (Observed.ReplicaSet rs : r.observed.replicaSets()) {
      available += Math.min(rs.replicas(), rs.availableReplicas());
    }
    int maxScaleDown = available - (r.replicas() - r.valid.limits().maxUnavailable());
    boolean dynamic = Boolean.TRUE.equals(c.dynamicStableScale);
    int delay =
        c.scaleDownDelaySeconds == null
            ? DEFAULT_SCALE_DOWN_DELAY_SECONDS
            : c.scaleDownDelaySeconds;
    int limit =
        c.scaleDownDelayRevisionLimit == null ? Integer.MAX_VALUE : c.scaleDownDelayRevisionLimit;
    int delayed = 0;
    for (Observed.ReplicaSet rs : others) {
      if (rs.replicas() == 0) {
        continue;
      }
      if (routes.referenced(rs.hash()) || unverified) {
        // Still referenced by a router, or the traffic's place is not verified yet.
        continue;
      }
      int want = 0;
      boolean previousStable = r.atStable || rs.scaleDownDeadline() != null;
      if (previousStable && !dynamic && delay > 0) {
        Instant deadline = rs.scaleDownDeadline();
        if (deadline == null) {
          if (delayed < limit) {
            delayed++;
            r.deadlines.put(rs.name(), Reconcile.time(r.now.plusSeconds(delay)));
            r.requeueWithin(Duration.ofSeconds(delay));
            want = rs.replicas();
          }
        } else {
          delayed++;
          if (delayed <= limit && r.now.isBefore(deadline)) {
            r.requeueWithin(Duration.between(r.now, deadline));
            want = rs.replicas();
          }
        }
      }
      if (want == rs.replicas()) {
        continue;
      }
      // Unavailable pods go freely; available ones within what may be unavailable.
      int excess = rs.replicas() - want;
      int free = Math.min(excess, rs.replicas() - Math.min(rs.replicas(), rs.availableReplicas()));
      int paid = Math.max(0, Math.min(excess - free, maxScaleDown));
      if (free + paid > 0) {
        scale(r, rs, rs.replicas() - free - paid);
        maxScaleDown -= paid;
      }
    }
  }

  private static void scale(Reconcile r, Observed.ReplicaSet rs, int replicas) {
    if (rs.replicas() != replicas) {
      r.scales.put(rs.name(), replicas);
    }
  }
}
