package dev.ramp.engine.rollout;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStatus.RolloutAnalysisRunStatus;
import dev.ramp.engine.model.RolloutAnalysisBackground;

/**
 * Background analysis ({@code strategy.canary.analysis}), before the steps are walked: its run is
 * created once a canary runs beside an existing stable ReplicaSet and the step index reached {@code
 * startingStep}; Failed or Error aborts (the steps then do not move), Inconclusive pauses (a
 * promote leaves the pause and starts a new run). Nothing is due at stable, aborted or promoted
 * full: {@link CleanUpAnalysisRuns} then terminates the run.
 */
final class BackgroundAnalysis implements SubStep {

  @Override
  public void apply(Reconcile r) {
    RolloutAnalysisBackground bg = r.spec.strategy.canary.analysis;
    if (bg == null
        || r.atStable
        || r.aborted()
        || Boolean.TRUE.equals(r.st.promoteFull)
        || r.st.currentStepIndex < (bg.startingStep == null ? 0 : bg.startingStep)
        || r.find(r.st.stableRS) == null) {
      return;
    }
    Integer revision = r.currentRevision();
    if (revision == null) {
      return;
    }
    AnalysisRuns runs = new AnalysisRuns(r);
    CanaryStatus canary = StepAnalysis.canary(r.st);
    RolloutAnalysisRunStatus before = canary.currentBackgroundAnalysisRunStatus;
    int n = before == null ? -1 : runs.backgroundNumber(revision, before.name);
    if (n < 0) {
      before = null;
      n = 0;
    }
    String name = runs.backgroundName(revision, n);
    AnalysisRun run = runs.find(name);
    if (run != null
        && AnalysisRuns.INCONCLUSIVE.equals(AnalysisRuns.phase(run))
        && StepAnalysis.inconclusive(r, before, "background analysis run " + name)) {
      // Promoted past an Inconclusive run: background analysis goes on with a new one.
      if (stepIsPause(r)) {
        // The promote also left the pause step: that step sees its pause gone.
        r.st.controllerPause = true;
      }
      name = runs.backgroundName(revision, n + 1);
      run = runs.find(name);
    }
    r.backgroundRun = name;
    if (run == null) {
      try {
        runs.create(runs.build(bg, name, revision, AnalysisRuns.backgroundLabels()));
      } catch (AnalysisRuns.Unbuildable e) {
        r.invalidSpec = "spec.strategy.canary.analysis: " + e.getMessage();
        r.backgroundRun = null;
        return;
      }
      canary.currentBackgroundAnalysisRunStatus =
          new RolloutAnalysisRunStatus(name, AnalysisRuns.PENDING, null);
      return;
    }
    RolloutAnalysisRunStatus now = AnalysisRuns.entry(run);
    canary.currentBackgroundAnalysisRunStatus = now;
    if (AnalysisRuns.FAILED.equals(now.status) || AnalysisRuns.ERROR.equals(now.status)) {
      r.abort();
    }
  }

  private static boolean stepIsPause(Reconcile r) {
    int idx = r.st.currentStepIndex;
    return idx < r.steps().size() && r.steps().get(idx) instanceof Step.Pause;
  }
}
