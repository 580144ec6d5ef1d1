package dev.ramp.engine.rollout;

/**
 * An aborted canary: once the replicas are back — the canary scaled to zero and nothing left to
 * move in this plan (stable came back first, {@link ScaleReplicaSets} sees to that) — every plugin
 * step that ran gets {@code Abort}, in reverse order of the runs, once. Until then a ReplicaSet
 * event brings the rollout back here.
 */
final class AbortPluginSteps implements SubStep {

  @Override
  public void apply(Reconcile r) {
    if (!r.aborted() || r.atStable) {
      return;
    }
    boolean replicasBack =
        r.create == null && r.scales.isEmpty() && (r.current == null || r.current.replicas() == 0);
    if (replicasBack) {
      new PluginSteps(r).abortAll();
    }
  }
}
