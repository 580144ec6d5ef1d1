package dev.ramp.engine.rollout;

import dev.ramp.engine.model.BlueGreenStrategy;
import java.util.List;

/**
 * The blue-green pipeline, Argo's {@code rolloutBlueGreen} as a list: the preview Service follows
 * the new pod template at once; pre-promotion analysis runs once the new ReplicaSet is available at
 * its preview size; the {@code BlueGreenPause} follows (auto-promotion off, or {@code
 * autoPromotionSeconds}); the active Service switches when the new ReplicaSet is fully available
 * and promoted; post-promotion analysis runs after the switch; the new ReplicaSet becomes stable
 * when it passes, and only then does the old one get its scale-down deadline. Abort (a user's, a
 * failed run, the progress deadline) switches the active Service back to stable in the same
 * reconcile.
 */
final class BlueGreen implements Strategy {
  static final BlueGreen INSTANCE = new BlueGreen();

  // Sub-steps keep no state between reconciles: one list serves every rollout.
  private final List<SubStep> subSteps =
      List.of(
          new ValidateSpec(),
          new RevisionAndHash(),
          new DecideAbort(),
          new PreviewService(),
          new PrePromotionAnalysis(),
          new BlueGreenPause(),
          new PostPromotionAnalysis(),
          new ActiveService(),
          new BlueGreenReplicaSets(),
          new CleanUpAnalysisRuns(),
          new CleanUpHistory(),
          new RoleMetadata(),
          new RestartPods(),
          new ComputeStatus());

  private BlueGreen() {}

  @Override
  public List<SubStep> subSteps() {
    return subSteps;
  }

  static BlueGreenStrategy spec(Reconcile r) {
    return r.spec.strategy.blueGreen;
  }

  /**
   * Nothing to preview or pause for (Argo's fast track): the new template is stable (the first
   * deploy, a rollback to stable), promoted full, already active, or the active Service selects no
   * pod template yet.
   */
  static boolean fastTracked(Reconcile r) {
    String active = r.bg().activeSelector;
    return r.atStable
        || Boolean.TRUE.equals(r.st.promoteFull)
        || active == null
        || active.equals(r.hash);
  }

  /** The promotion passed its pre-promotion analysis and its pause: the preview scales up. */
  static boolean checkpoint(Reconcile r) {
    return Boolean.TRUE.equals(r.bg().scaleUpPreviewCheckPoint);
  }

  /** The size of the new ReplicaSet now: the preview's until promoted, else full size. */
  static int newSize(Reconcile r) {
    Integer preview = spec(r).previewReplicaCount;
    if (preview == null || fastTracked(r) || checkpoint(r)) {
      return r.replicas();
    }
    return Math.min(preview, r.replicas());
  }

  /** Argo's ReadyForPause: the new ReplicaSet is at its size now, every pod available. */
  static boolean readyForPause(Reconcile r) {
    int n = newSize(r);
    return r.current != null && r.current.replicas() == n && r.current.availableReplicas() >= n;
  }

  /** The BlueGreenPause is part of this rollout: auto-promotion off or delayed. */
  static boolean needsPause(BlueGreenStrategy b) {
    return Boolean.FALSE.equals(b.autoPromotionEnabled)
        || (b.autoPromotionSeconds != null && b.autoPromotionSeconds > 0);
  }
}
