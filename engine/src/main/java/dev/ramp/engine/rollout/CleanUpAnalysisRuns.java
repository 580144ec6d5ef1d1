package dev.ramp.engine.rollout;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.BlueGreenStatus;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStatus.RolloutAnalysisRunStatus;
import dev.ramp.engine.model.RolloutLabels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

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

  /**
   * One status entry naming a current run: the canary's step and background runs, blue-green's pre-
   * and post-promotion runs. {@code inUse}: the pipeline still reads it this reconcile.
   */
  private record Slot(
      String kind,
      RolloutAnalysisRunStatus was,
      Supplier<RolloutAnalysisRunStatus> get,
      Consumer<RolloutAnalysisRunStatus> set,
      boolean inUse) {}

  private static List<Slot> slots(Reconcile r) {
    if (r.blueGreen()) {
      BlueGreenStatus bg = r.bg();
      BlueGreenStatus old = r.old.blueGreen;
      List<Slot> out = new ArrayList<>();
      for (PromotionAnalysis p : PromotionAnalysis.values()) {
        RolloutAnalysisRunStatus now = p.entry(bg);
        out.add(
            new Slot(
                p.type(),
                old == null ? null : p.entry(old),
                () -> p.entry(bg),
                e -> p.entry(bg, e),
                // A run of this pod template (an older one's entry is left behind).
                now != null
                    && now.name.startsWith(
                        r.rollout.getMetadata().getName() + "-" + r.hash + "-")));
      }
      return out;
    }
    CanaryStatus canary = StepAnalysis.canary(r.st);
    CanaryStatus old = r.old.canary;
    return List.of(
        new Slot(
            "Step",
            old == null ? null : old.currentStepAnalysisRunStatus,
            () -> canary.currentStepAnalysisRunStatus,
            e -> canary.currentStepAnalysisRunStatus = e,
            r.stepRun != null),
        new Slot(
            "Background",
            old == null ? null : old.currentBackgroundAnalysisRunStatus,
            () -> canary.currentBackgroundAnalysisRunStatus,
            e -> canary.currentBackgroundAnalysisRunStatus = e,
            r.backgroundRun != null));
  }

  @Override
  public void apply(Reconcile r) {
    List<Slot> slots = slots(r);
    boolean ending = r.atStable || r.aborted() || Boolean.TRUE.equals(r.st.promoteFull);
    for (Slot slot : slots) {
      if (r.atStable) {
        slot.set().accept(null);
      } else if (r.aborted()) {
        // Kept while aborted: they say which run aborted the rollout, and why.
        slot.set().accept(refreshed(r, slot.get().get()));
      } else if (!slot.inUse()) {
        slot.set().accept(null);
      }
      events(r, slot.kind(), slot.was(), slot.get().get());
    }
    Set<String> current = new HashSet<>();
    if (!ending) {
      slots.forEach(slot -> addName(current, slot.get().get()));
    }
    for (AnalysisRun run : r.observed.analysis().runs()) {
      String name = run.getMetadata().getName();
      if (!current.contains(name)
          && !AnalysisRuns.completed(run)
          && !Boolean.TRUE.equals(run.getSpec() == null ? null : run.getSpec().terminate)) {
        r.runTerminates.add(name);
      }
    }
    Set<String> kept = new HashSet<>();
    for (Slot slot : slots) {
      addName(kept, slot.get().get());
      addName(kept, slot.was());
    }
    deleteHistory(r, kept);
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

  private static void deleteHistory(Reconcile r, Set<String> kept) {
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
