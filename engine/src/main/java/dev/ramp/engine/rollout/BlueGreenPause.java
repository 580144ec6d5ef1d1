package dev.ramp.engine.rollout;

import dev.ramp.engine.model.BlueGreenStrategy;
import dev.ramp.engine.model.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;

/**
 * Argo's {@code BlueGreenPause}: once the new ReplicaSet is available at its preview size and
 * pre-promotion analysis passed, the rollout pauses when auto-promotion is off (until {@code ramp
 * promote}) or {@code autoPromotionSeconds} is set (until that time passed). The pause is over when
 * a promote removed its condition (the controller's own pause flag still set), or its time passed.
 * Then, with {@code previewReplicaCount}, {@code scaleUpPreviewCheckPoint} records the promotion so
 * the preview scales to full size.
 */
final class BlueGreenPause implements SubStep {

  @Override
  public void apply(Reconcile r) {
    if (r.aborted()) {
      return;
    }
    BlueGreenStrategy b = BlueGreen.spec(r);
    boolean ready = BlueGreen.readyForPause(r);
    if (BlueGreen.fastTracked(r) || BlueGreen.checkpoint(r) || !BlueGreen.needsPause(b)) {
      remove(r.st);
      r.pauseCompleted = true;
    } else if (ready && !Boolean.TRUE.equals(r.spec.paused) && r.prePromotionDone) {
      pause(r, b);
    }
    if (b.previewReplicaCount != null
        && !BlueGreen.checkpoint(r)
        && !BlueGreen.fastTracked(r)
        && ready
        && r.prePromotionDone
        && r.pauseCompleted) {
      r.bg().scaleUpPreviewCheckPoint = true;
      r.st.controllerPause = null;
    }
  }

  private static void pause(Reconcile r, BlueGreenStrategy b) {
    RolloutStatus.PauseCondition cond = condition(r.st);
    boolean timed = !Boolean.FALSE.equals(b.autoPromotionEnabled);
    if (cond != null) {
      if (timed) {
        Instant end = Instant.parse(cond.startTime).plusSeconds(b.autoPromotionSeconds);
        if (r.now.isBefore(end)) {
          r.requeueWithin(Duration.between(r.now, end));
          return;
        }
        remove(r.st);
        r.pauseCompleted = true;
        r.event(
            Plan.Event.normal(
                Reason.RolloutResumed.name(),
                "Promoted after autoPromotionSeconds (" + b.autoPromotionSeconds + "s)"));
      }
      return;
    }
    if (Boolean.TRUE.equals(r.st.controllerPause)) {
      // Paused before, and the condition is gone: a promote.
      r.pauseCompleted = true;
      return;
    }
    if (r.st.pauseConditions == null) {
      r.st.pauseConditions = new ArrayList<>();
    }
    r.st.pauseConditions.add(
        new RolloutStatus.PauseCondition(
            Reason.BlueGreenPause.name(), Reconcile.preciseTime(r.now)));
    r.st.controllerPause = true;
    r.event(
        Plan.Event.normal(
            Reason.RolloutPaused.name(),
            timed
                ? "Rollout paused before promotion for " + b.autoPromotionSeconds + "s"
                : "Rollout paused before promotion until promoted"));
    if (timed) {
      r.requeueWithin(Duration.ofSeconds(b.autoPromotionSeconds));
    }
  }

  static RolloutStatus.PauseCondition condition(RolloutStatus st) {
    if (st.pauseConditions == null) {
      return null;
    }
    return st.pauseConditions.stream()
        .filter(pc -> Reason.BlueGreenPause.name().equals(pc.reason))
        .findFirst()
        .orElse(null);
  }

  static void remove(RolloutStatus st) {
    if (st.pauseConditions != null) {
      st.pauseConditions.removeIf(pc -> Reason.BlueGreenPause.name().equals(pc.reason));
      if (st.pauseConditions.isEmpty()) {
        st.pauseConditions = null;
      }
    }
  }
}
