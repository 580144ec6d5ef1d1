package dev.ramp.engine.rollout;

import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.model.RolloutStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * Argo's progress deadline: {@code progressDeadlineSeconds} (default 600) without progress — no new
 * template, step, replica count or plugin answer — while neither paused nor healthy. The clock
 * counts from the Progressing condition's {@code lastUpdateTime}, the time of the last progress.
 */
final class ProgressDeadline {
  static final int DEFAULT_SECONDS = 600;

  private ProgressDeadline() {}

  static int seconds(Reconcile r) {
    return r.spec.progressDeadlineSeconds == null
        ? DEFAULT_SECONDS
        : r.spec.progressDeadlineSeconds;
  }

  /** The time of the last progress recorded in the status read; null when none is. */
  static Instant lastProgress(RolloutStatus read) {
    RolloutCondition p = read.condition(ConditionType.Progressing);
    return p == null || p.lastUpdateTime == null ? null : Instant.parse(p.lastUpdateTime);
  }

  /**
   * At the start of a reconcile: the deadline has passed, and nothing observed moved since the last
   * status (a reconcile that is itself making progress restarts the clock).
   */
  static boolean passedWithoutProgress(Reconcile r) {
    // Paused now, or paused when last written: leaving a pause (a promote, a resume) is progress,
    // and the time spent paused does not count.
    boolean paused =
        Boolean.TRUE.equals(r.spec.paused)
            || (r.old.pauseConditions != null && !r.old.pauseConditions.isEmpty())
            || dev.ramp.engine.model.Phase.Paused.is(r.old.phase);
    Instant last = lastProgress(r.old);
    if (paused || last == null || replicasMoved(r)) {
      return false;
    }
    return !r.now.isBefore(last.plusSeconds(seconds(r)));
  }

  /** The template or the replica counts differ from the status read. */
  static boolean replicasMoved(Reconcile r) {
    ReplicaCounts now = r.counts();
    return !Objects.equals(r.old.currentPodHash, r.st.currentPodHash)
        || !Objects.equals(r.old.replicas, now.replicas())
        || !Objects.equals(r.old.readyReplicas, now.ready())
        || !Objects.equals(r.old.availableReplicas, now.available())
        || !Objects.equals(r.old.updatedReplicas, now.updated());
  }
}
