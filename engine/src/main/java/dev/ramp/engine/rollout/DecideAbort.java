package dev.ramp.engine.rollout;

/**
 * Decides abort once, before anything moves: at stable there is nothing to abort (the steering
 * fields are cleared); a user's abort stands; a progress deadline passed without progress aborts
 * now when {@code progressDeadlineAbort} is set, so the replicas go back in this same reconcile. A
 * step that fails later in the pipeline (a plugin's FAILED) aborts too; the sub-steps after it
 * apply either.
 */
final class DecideAbort implements SubStep {

  @Override
  public void apply(Reconcile r) {
    if (r.atStable) {
      r.clearSteering();
      return;
    }
    if (r.aborted()) {
      return;
    }
    if (Boolean.TRUE.equals(r.spec.progressDeadlineAbort)
        && ProgressDeadline.passedWithoutProgress(r)) {
      r.abort();
      r.abortedByDeadline = true;
      // The steps do not run once aborted: what the rollout waited for is the last status's.
      if (dev.ramp.engine.model.Phase.Progressing.is(r.old.phase)) {
        r.hold = r.old.message;
      }
    }
  }
}
