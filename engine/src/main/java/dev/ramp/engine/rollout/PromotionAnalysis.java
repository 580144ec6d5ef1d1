package dev.ramp.engine.rollout;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.BlueGreenStatus;
import dev.ramp.engine.model.CanaryStatus.RolloutAnalysisRunStatus;
import dev.ramp.engine.model.RolloutAnalysis;
import java.util.Map;

/**
 * A blue-green promotion analysis (pre or post), run like an analysis step: the first visit creates
 * the run (owned by the Rollout, named {@code <rollout>-<hash>-<revision>-pre|post}, with {@code
 * .<retries>} after a retry, so a restarted controller adopts it), later visits read its phase.
 * Successful: done. Failed or Error: abort. Inconclusive: pause; a promote counts it as passed.
 */
enum PromotionAnalysis {
  PRE("pre", "PrePromotion", "prePromotionAnalysis"),
  POST("post", "PostPromotion", "postPromotionAnalysis");

  private final String suffix;
  private final String type;
  private final String field;

  PromotionAnalysis(String suffix, String type, String field) {
    this.suffix = suffix;
    this.type = type;
    this.field = field;
  }

  RolloutAnalysis spec(Reconcile r) {
    return this == PRE
        ? BlueGreen.spec(r).prePromotionAnalysis
        : BlueGreen.spec(r).postPromotionAnalysis;
  }

  RolloutAnalysisRunStatus entry(BlueGreenStatus bg) {
    return this == PRE ? bg.prePromotionAnalysisRunStatus : bg.postPromotionAnalysisRunStatus;
  }

  void entry(BlueGreenStatus bg, RolloutAnalysisRunStatus e) {
    if (this == PRE) {
      bg.prePromotionAnalysisRunStatus = e;
    } else {
      bg.postPromotionAnalysisRunStatus = e;
    }
  }

  /** The label value Argo gives these runs ({@code rollout-type}). */
  String type() {
    return type;
  }

  /** Runs the analysis as far as it goes now; true when it is done. */
  boolean run(Reconcile r) {
    Integer revision = r.currentRevision();
    if (revision == null) {
      r.hold = field + ": waiting for the new ReplicaSet";
      return false;
    }
    AnalysisRuns runs = new AnalysisRuns(r);
    String name = runs.promotionName(revision, suffix);
    BlueGreenStatus bg = r.bg();
    RolloutAnalysisRunStatus before = entry(bg);
    if (before != null && !name.equals(before.name)) {
      before = null;
    }
    AnalysisRun run = runs.find(name);
    if (run == null) {
      try {
        runs.create(runs.build(spec(r), name, revision, Map.of(AnalysisRuns.TYPE_LABEL, type)));
      } catch (AnalysisRuns.Unbuildable e) {
        r.invalidSpec = BlueGreenCheck.BLUE_GREEN + "." + field + ": " + e.getMessage();
        return false;
      }
      entry(bg, new RolloutAnalysisRunStatus(name, AnalysisRuns.PENDING, null));
      waiting(r, name);
      return false;
    }
    RolloutAnalysisRunStatus now = AnalysisRuns.entry(run);
    entry(bg, now);
    switch (now.status) {
      case AnalysisRuns.SUCCESSFUL:
        return true;
      case AnalysisRuns.FAILED:
      case AnalysisRuns.ERROR:
        r.abort();
        return false;
      case AnalysisRuns.INCONCLUSIVE:
        return StepAnalysis.inconclusive(r, before, field + " run " + name);
      default:
        waiting(r, name);
        return false;
    }
  }

  private void waiting(Reconcile r, String name) {
    r.analysisWaiting = true;
    r.hold = field + ": waiting for AnalysisRun " + name;
  }
}
