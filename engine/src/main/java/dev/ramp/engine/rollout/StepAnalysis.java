package dev.ramp.engine.rollout;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStatus.RolloutAnalysisRunStatus;
import dev.ramp.engine.model.RolloutStatus;
import java.util.ArrayList;

/**
 * An {@code analysis} step, run by {@link WalkSteps} like any other step: the first visit creates
 * the step's run (owned by the Rollout, named deterministically, so a restarted controller adopts
 * it), later visits read its phase. Successful: the step is done. Failed or Error: the rollout
 * aborts, the message naming the metric, its last value and its condition. Inconclusive: the
 * rollout pauses with {@code InconclusiveAnalysisRun}; a promote leaves the pause and the step is
 * done (the next analysis makes a new run).
 *
 * <p>It lives in the walk, not in a sub-step before it, because the walk moves over several steps
 * in one reconcile: an analysis step reached after a finished {@code setWeight} gets its run in the
 * same reconcile, and a Successful run moves on to the next step at once.
 */
final class StepAnalysis {
  private final Reconcile r;

  StepAnalysis(Reconcile r) {
    this.r = r;
  }

  /** Runs analysis step {@code idx} as far as it goes now; true when the step is done. */
  boolean run(int idx, Step.Analysis step) {
    Integer revision = r.currentRevision();
    if (revision == null) {
      r.hold = r.stepLabel(idx) + ": waiting for the canary ReplicaSet";
      return false;
    }
    AnalysisRuns runs = new AnalysisRuns(r);
    String name = runs.stepName(revision, idx);
    r.stepRun = name;
    CanaryStatus canary = canary(r.st);
    RolloutAnalysisRunStatus before = canary.currentStepAnalysisRunStatus;
    if (before != null && !name.equals(before.name)) {
      before = null;
    }
    AnalysisRun run = runs.find(name);
    if (run == null) {
      try {
        runs.create(runs.build(step.spec(), name, revision, AnalysisRuns.stepLabels(idx)));
      } catch (AnalysisRuns.Unbuildable e) {
        r.invalidSpec = "spec.strategy.canary.steps[" + idx + "].analysis: " + e.getMessage();
        r.stepRun = null;
        return false;
      }
      canary.currentStepAnalysisRunStatus =
          new RolloutAnalysisRunStatus(name, AnalysisRuns.PENDING, null);
      waiting(idx, name);
      return false;
    }
    RolloutAnalysisRunStatus now = AnalysisRuns.entry(run);
    canary.currentStepAnalysisRunStatus = now;
    boolean failed =
        AnalysisRuns.FAILED.equals(now.status) || AnalysisRuns.ERROR.equals(now.status);
    if (!failed
        && !AnalysisRuns.INCONCLUSIVE.equals(now.status)
        && hasPause(r.st, Reason.InconclusiveAnalysisRun)) {
      // Paused by an Inconclusive background run: the step waits for the promote.
      return false;
    }
    switch (now.status) {
      case AnalysisRuns.SUCCESSFUL:
        return true;
      case AnalysisRuns.FAILED:
      case AnalysisRuns.ERROR:
        r.abort();
        return false;
      case AnalysisRuns.INCONCLUSIVE:
        return inconclusive(r, before, r.stepLabel(idx) + ": AnalysisRun " + name);
      default:
        waiting(idx, name);
        return false;
    }
  }

  private void waiting(int idx, String name) {
    r.analysisWaiting = true;
    r.hold = r.stepLabel(idx) + ": waiting for AnalysisRun " + name;
  }

  /**
   * An Inconclusive run: pauses the rollout the first time it is seen; once the pause was left (a
   * promote removed it), the run counts as passed. True when it counts as passed.
   */
  static boolean inconclusive(Reconcile r, RolloutAnalysisRunStatus before, String what) {
    if (hasPause(r.st, Reason.InconclusiveAnalysisRun)) {
      return false;
    }
    if (before != null && AnalysisRuns.INCONCLUSIVE.equals(before.status)) {
      // Paused for this run before, and the pause is gone: promoted.
      r.st.controllerPause = null;
      return true;
    }
    if (r.st.pauseConditions == null) {
      r.st.pauseConditions = new ArrayList<>();
    }
    r.st.pauseConditions.add(
        new RolloutStatus.PauseCondition(
            Reason.InconclusiveAnalysisRun.name(), Reconcile.time(r.now)));
    r.st.controllerPause = true;
    r.event(
        Plan.Event.normal(
            Reason.RolloutPaused.name(),
            "Rollout paused: " + what + " is Inconclusive; promote to go on"));
    return false;
  }

  static boolean hasPause(RolloutStatus st, Reason reason) {
    return st.pauseConditions != null
        && st.pauseConditions.stream().anyMatch(pc -> reason.name().equals(pc.reason));
  }

  static CanaryStatus canary(RolloutStatus st) {
    if (st.canary == null) {
      st.canary = new CanaryStatus();
    }
    return st.canary;
  }
}
