package dev.ramp.engine.rollout;

/**
 * Post-promotion analysis: runs once the active Service selects the new pod template (recorded by
 * an earlier reconcile), while the previous ReplicaSet is still the stable one at full size — so
 * that a failure switches the active Service back to pods that are there. Promote full skips it.
 */
final class PostPromotionAnalysis implements SubStep {

  @Override
  public void apply(Reconcile r) {
    if (BlueGreen.spec(r).postPromotionAnalysis == null || Boolean.TRUE.equals(r.st.promoteFull)) {
      r.postPromotionDone = true;
      return;
    }
    if (r.aborted() || r.atStable || !r.hash.equals(r.bg().activeSelector)) {
      return;
    }
    r.postPromotionDone = PromotionAnalysis.POST.run(r);
  }
}
