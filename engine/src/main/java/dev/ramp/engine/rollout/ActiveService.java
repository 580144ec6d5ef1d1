package dev.ramp.engine.rollout;

import dev.ramp.engine.model.BlueGreenStatus;
import java.util.Objects;

/**
 * The active Service. Aborted: back on the stable pod template at once. Otherwise it switches to
 * the new pod template only when the new ReplicaSet is at full size with every pod available, and
 * either fast-tracked or promoted (pre-promotion analysis passed, the pause over) — never while the
 * spec is paused. Once it selects the new template and post-promotion analysis passed (or there is
 * none), the new ReplicaSet becomes stable. Only the {@code rollouts-pod-template-hash} key of the
 * selector is written; {@code status.blueGreen.activeSelector} records it.
 */
final class ActiveService implements SubStep {

  @Override
  public void apply(Reconcile r) {
    String service = BlueGreen.spec(r).activeService;
    BlueGreenStatus bg = r.bg();
    String was = bg.activeSelector;
    String target = was;
    if (r.aborted()) {
      if (r.find(r.st.stableRS) != null) {
        target = r.st.stableRS;
      }
    } else if (!Boolean.TRUE.equals(r.spec.paused)
        && Reconcile.fullyAvailable(r.current, r.replicas())
        && (BlueGreen.fastTracked(r) || (r.prePromotionDone && r.pauseCompleted))) {
      target = r.hash;
    }
    if (target == null) {
      return;
    }
    r.selectors.put(service, target);
    bg.activeSelector = target;
    if (!target.equals(was)) {
      r.event(
          Plan.Event.normal(
              Reason.ActiveServiceSwitched.name(),
              "Active Service "
                  + service
                  + " switched to pod template "
                  + target
                  + (r.aborted() ? " (stable, aborted)" : "")));
      if (!r.aborted()) {
        BlueGreenPause.remove(r.st);
        r.st.controllerPause = null;
      }
    }
    promoteStable(r, target);
  }

  /** The new template is active and post-promotion analysis passed: it becomes stable. */
  private static void promoteStable(Reconcile r, String target) {
    if (r.aborted() || r.atStable || !Objects.equals(r.hash, target) || !r.postPromotionDone) {
      return;
    }
    r.st.stableRS = r.hash;
    r.st.promoteFull = null;
    r.st.pauseConditions = null;
    r.st.controllerPause = null;
    r.bg().scaleUpPreviewCheckPoint = null;
    r.atStable = true;
    r.event(
        Plan.Event.normal(
            Reason.RolloutCompleted.name(), "Rollout completed update to pod template " + r.hash));
  }
}
