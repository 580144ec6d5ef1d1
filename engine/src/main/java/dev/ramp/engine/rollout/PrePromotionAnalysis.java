package dev.ramp.engine.rollout;

/**
 * Pre-promotion analysis: its run is created once the new ReplicaSet is available at its preview
 * size, and it must pass before the pause and the switch. Not run when fast-tracked (the first
 * deploy, promote full, already active), nor again after the preview was promoted (its Successful
 * run is read).
 */
final class PrePromotionAnalysis implements SubStep {

  @Override
  public void apply(Reconcile r) {
    if (BlueGreen.spec(r).prePromotionAnalysis == null || BlueGreen.fastTracked(r)) {
      r.prePromotionDone = true;
      return;
    }
    if (r.aborted()) {
      return;
    }
    if (!BlueGreen.checkpoint(r) && !BlueGreen.readyForPause(r)) {
      int available = r.current == null ? 0 : r.current.availableReplicas();
      r.hold =
          "waiting for the preview ReplicaSet ("
              + available
              + " of "
              + BlueGreen.newSize(r)
              + " available) before pre-promotion analysis";
      return;
    }
    r.prePromotionDone = PromotionAnalysis.PRE.run(r);
  }
}
