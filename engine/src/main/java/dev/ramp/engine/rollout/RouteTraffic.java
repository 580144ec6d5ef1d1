package dev.ramp.engine.rollout;

import dev.ramp.engine.model.ConditionType;

/**
 * The traffic-routing sub-step, Argo's {@code reconcileTrafficRouting}: decides the canary's weight
 * and has every router move the traffic there ({@link TrafficRoutes}). Nothing moves while the
 * stable ReplicaSet cannot carry its share; managed routes are removed at the end, on abort, on
 * promote full and while the canary has no available pod. Runs after the steps were walked, before
 * the ReplicaSets are scaled — which then follow the traffic the routers hold.
 */
final class RouteTraffic implements SubStep {

  @Override
  public void apply(Reconcile r) {
    if (!r.routed()) {
      if (r.st.canary != null) {
        r.st.canary.trafficRouters = null;
      }
      Conditions.remove(r.st, ConditionType.TrafficRouting);
      return;
    }
    TrafficRoutes routes = new TrafficRoutes(r);
    new RouterRecords(r).forgetOthers();
    int max = r.maxWeight();
    String stableHash = r.st.stableRS;
    String canaryHash = r.hash;
    Observed.ReplicaSet current = r.current;
    boolean canaryEmpty = current == null || current.availableReplicas() == 0;
    boolean removeRoutes = true;
    int weight;
    if (r.atStable) {
      // Fully promoted: both Services' pods are the stable ones.
      weight = 0;
      canaryHash = stableHash;
    } else if (r.aborted()) {
      weight = abortWeight(r);
    } else if (canaryEmpty) {
      // Never weight to a canary without an available pod; a route set for an earlier canary
      // would send requests there too.
      weight = 0;
    } else if (Boolean.TRUE.equals(r.st.promoteFull)) {
      weight =
          Boolean.TRUE.equals(r.spec.strategy.canary.dynamicStableScale)
              ? max * current.availableReplicas() / Math.max(1, r.replicas())
              : new RouterRecords(r).weightTo(r.hash);
    } else {
      weight = stepWeight(r, max);
      removeRoutes = false;
    }
    Observed.ReplicaSet stable = r.find(stableHash);
    if (!canCarry(r, stable, max - weight, max)) {
      // Argo's rule: the traffic waits until stable has the pods for its share.
      return;
    }
    if (new RouterRecords(r).hold(canaryHash, stableHash, weight, removeRoutes)) {
      // Every router holds this already: nothing to call, so nothing to wait for either.
      Conditions.remove(r.st, ConditionType.TrafficRouting);
      return;
    }
    if (!routes.ready()) {
      return;
    }
    if (removeRoutes && !routes.removeRoutes()) {
      return;
    }
    routes.route(canaryHash, stableHash, weight, canaryEmpty);
  }

  /**
   * The weight while the steps run: the current step's setWeight once the replicas for it are
   * there, the previous one until then; the max weight past the last step.
   */
  private static int stepWeight(Reconcile r, int max) {
    int idx = r.st.currentStepIndex == null ? 0 : r.st.currentStepIndex;
    return RoutedReplicaSets.atDesired(r)
        ? RoutedReplicas.currentSetWeight(r.steps(), idx, false, max)
        : previousSetWeight(r, idx);
  }

  private static int previousSetWeight(Reconcile r, int idx) {
    for (int i = Math.min(idx, r.steps().size()) - 1; i >= 0; i--) {
      if (r.steps().get(i) instanceof Step.SetWeight w) {
        return w.weight();
      }
    }
    return 0;
  }

  /**
   * Argo's calculateDesiredWeightOnAbortOrStableRollback: 0, or with dynamicStableScale stepped
   * down as stable's pods come back — never up again while stable's availability flaps.
   */
  private static int abortWeight(Reconcile r) {
    Observed.ReplicaSet stable = r.find(r.st.stableRS);
    int n = r.replicas();
    if (!Boolean.TRUE.equals(r.spec.strategy.canary.dynamicStableScale)
        || stable == null
        || r.current == null
        || n == 0) {
      return 0;
    }
    int max = r.maxWeight();
    int desired = RoutedReplicas.desiredCanaryWeight(RoutedReplicaSets.input(r));
    int expected = Math.max(0, max - (max * stable.availableReplicas()) / n);
    var w = r.old.canary == null ? null : r.old.canary.weights;
    if (w == null || w.canary == null || w.canary.weight == null) {
      return Math.max(expected, desired);
    }
    int now = w.canary.weight;
    if (desired <= 0) {
      return Math.min(expected, now);
    }
    int stableWeight = (max * stable.availableReplicas()) / n;
    if (stableWeight < max - desired) {
      return now;
    }
    return Math.min(desired, now);
  }

  /** Argo's checkReplicasAvailable: stable has the available pods its share of traffic needs. */
  private static boolean canCarry(Reconcile r, Observed.ReplicaSet stable, int share, int max) {
    if (stable == null) {
      return false;
    }
    int needed = (share * r.replicas()) / max;
    return stable.availableReplicas() >= needed;
  }
}
