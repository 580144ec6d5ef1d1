package dev.ramp.engine.rollout;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStatus.RolloutAnalysisRunStatus;
import dev.ramp.engine.model.RolloutLabels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * After the steps: the status entries of the current runs, Events when their phase changes, and the
 * runs that are no longer current. A run still going that is not current (an earlier step's, an
 * older pod template's or retry's) is terminated; so are the current ones when the rollout
 * completes, aborts or is promoted full. Completed runs past {@code spec.analysis}'s history limits
 * (5 successful, 5 unsuccessful) are deleted, newest kept, as Argo's {@code
 * FilterAnalysisRunsToDelete}; a run named by the status read or written is never deleted, so a
 * restarted controller never finds its current run gone.
 */
final class CleanUpAnalysisRuns implements SubStep {
  static final int DEFAULT_HISTORY_LIMIT = 5;

  @Override
  public void apply(Reconcile r) {
    CanaryStatus canary = StepAnalysis.canary(r.st);
    boolean ending = r.atStable || r.aborted() || Boolean.TRUE.equals(r.st.promoteFull);
    if (r.atStable) {
      canary.currentStepAnalysisRunStatus = null;
      canary.currentBackgroundAnalysisRunStatus = null;
    } else if (r.aborted()) {
      // Kept while aborted: they say which run aborted the rollout, and why.
      canary.currentStepAnalysisRunStatus = refreshed(r, canary.currentStepAnalysisRunStatus);
      canary.currentBackgroundAnalysisRunStatus =
          refreshed(r, canary.currentBackgroundAnalysisRunStatus);
    } else {
      if (r.stepRun == null) {
        canary.currentStepAnalysisRunStatus = null;
      }
      if (r.backgroundRun == null) {
        canary.currentBackgroundAnalysisRunStatus = null;
      }
    }
    CanaryStatus old = r.old.canary;
    events(
        r,
        "Step",
        old == null ? null : old.currentStepAnalysisRunStatus,
        canary.currentStepAnalysisRunStatus);
    events(
        r,
        "Background",
        old == null ? null : old.currentBackgroundAnalysisRunStatus,
        canary.currentBackgroundAnalysisRunStatus);
    Set<String> current = new HashSet<>();
    if (!ending) {
      addName(current, canary.currentStepAnalysisRunStatus);
      addName(current, canary.currentBackgroundAnalysisRunStatus);
    }
    for (AnalysisRun run : r.observed.analysis().runs()) {
      String name = run.getMetadata().getName();
      if (!current.contains(name)
          && !AnalysisRuns.completed(run)
          && !Boolean.TRUE.equals(run.getSpec() == null ? null : run.getSpec().terminate)) {
        r.runTerminates.add(name);
      }
    }
    deleteHistory(r, canary);
  }

  private static RolloutAnalysisRunStatus refreshed(Reconcile r, RolloutAnalysisRunStatus entry) {
    if (entry == null) {
      return null;
    }
    AnalysisRun run = new AnalysisRuns(r).find(entry.name);
    if (run == null || Objects.equals(AnalysisRuns.phase(run), entry.status)) {
      return entry;
    }
    return AnalysisRuns.entry(run);
  }

  private static void addName(Set<String> names, RolloutAnalysisRunStatus entry) {
    if (entry != null) {
      names.add(entry.name);
    }
  }

  /** Argo's Events on a run's phase change: {@code AnalysisRun<Phase>}. */
  private static void events(
      Reconcile r, String kind, RolloutAnalysisRunStatus was, RolloutAnalysisRunStatus is) {
    if (is == null
        || (was != null
            && Objects.equals(was.name, is.name)
            && Objects.equals(was.status, is.status))) {
      return;
    }
    String message =
        kind
            + " Analysis Run '"
            + is.name
            + "' Status New: '"
            + is.status
            + "'"
            + (was != null && Objects.equals(was.name, is.name)
                ? " Previous: '" + was.status + "'"
                : "")
            + (is.message == null ? "" : ": " + is.message);
    String reason = "AnalysisRun" + is.status;
    boolean bad =
        AnalysisRuns.FAILED.equals(is.status)
            || AnalysisRuns.ERROR.equals(is.status)
            || AnalysisRuns.INCONCLUSIVE.equals(is.status);
    r.event(bad ? Plan.Event.warning(reason, message) : Plan.Event.normal(reason, message));
  }

  private static void deleteHistory(Reconcile r, CanaryStatus canary) {
    Set<String> kept = new HashSet<>();
    addName(kept, canary.currentStepAnalysisRunStatus);
    addName(kept, canary.currentBackgroundAnalysisRunStatus);
    if (r.old.canary != null) {
      addName(kept, r.old.canary.currentStepAnalysisRunStatus);
      addName(kept, r.old.canary.currentBackgroundAnalysisRunStatus);
    }
    Set<String> hashes = new HashSet<>();
    r.observed.replicaSets().forEach(rs -> hashes.add(rs.hash()));
    hashes.add(r.hash);
    var limits = r.spec.analysis;
    int okLimit = limit(limits == null ? null : limits.successfulRunHistoryLimit);
    int badLimit = limit(limits == null ? null : limits.unsuccessfulRunHistoryLimit);
    List<AnalysisRun> done = new ArrayList<>();
    for (AnalysisRun run : r.observed.analysis().runs()) {
      if (!kept.contains(run.getMetadata().getName()) && AnalysisRuns.completed(run)) {
        done.add(run);
      }
    }
    // Newest first (RFC 3339 times in UTC sort as text), then by name for equal times.
    done.sort(
        Comparator.comparing(
                (AnalysisRun run) -> Reconcile.nz(run.getMetadata().getCreationTimestamp()))
            .thenComparing(run -> run.getMetadata().getName())
            .reversed());
    int ok = 0;
    int bad = 0;
    for (AnalysisRun run : done) {
      String hash =
          run.getMetadata().getLabels() == null
              ? null
              : run.getMetadata().getLabels().get(RolloutLabels.POD_TEMPLATE_HASH);
      boolean keep;
      if (hash == null || !hashes.contains(hash)) {
        // Its ReplicaSet is gone (Argo deletes these at once).
        keep = false;
      } else if (AnalysisRuns.SUCCESSFUL.equals(AnalysisRuns.phase(run))) {
        keep = ++ok <= okLimit;
      } else {
        keep = ++bad <= badLimit;
      }
      if (!keep) {
        r.runDeletes.add(run.getMetadata().getName());
      }
    }
  }

  private static int limit(Integer value) {
    return value == null ? DEFAULT_HISTORY_LIMIT : value;
  }
}
