package dev.ramp.engine.rollout;

/**
 * The canary and stable Services follow the pod-template hashes once their pods are available: the
 * canary Service selects the new pods (stable's, at stable or aborted), the stable Service the
 * stable pods.
 */
final class SelectServices implements SubStep {

  @Override
  public void apply(Reconcile r) {
    var canary = r.spec.strategy.canary;
    // Aborted with a router: the canary Service follows stable only once the routers send the
    // canary nothing (with dynamicStableScale that is after the weight stepped down), so that
    // the weight still on the canary is not served by stable's pods.
    boolean canaryStillRouted =
        r.aborted() && !r.atStable && r.routed() && new RouterRecords(r).weightTo(r.hash) > 0;
    boolean back = (r.aborted() || r.atStable) && !canaryStillRouted;
    String canaryTarget = back ? r.st.stableRS : r.hash;
    Observed.ReplicaSet canaryTargetRs = back ? r.find(r.st.stableRS) : r.current;
    if (canary.canaryService != null
        && canaryTargetRs != null
        && canaryTargetRs.availableReplicas() > 0) {
      r.selectors.put(canary.canaryService, canaryTarget);
    }
    Observed.ReplicaSet stableRs = r.find(r.st.stableRS);
    if (canary.stableService != null && stableRs != null && stableRs.availableReplicas() > 0) {
      r.selectors.put(canary.stableService, r.st.stableRS);
    }
  }
}
