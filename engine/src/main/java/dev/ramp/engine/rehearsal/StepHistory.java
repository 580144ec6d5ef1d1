package dev.ramp.engine.rehearsal;

import dev.ramp.engine.model.CanaryStatus.StepPluginStatus;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.rehearsal.Rehearsal.StepRecord;
import dev.ramp.engine.rehearsal.Rehearsal.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The step history of the revision a rehearsal follows. Which steps were passed is the
 * controller's: a new revision starts at step 0, and its status's {@code currentStepIndex} says how
 * far it went, so a step passed between two looks of the follower is not lost. When each step
 * started and ended is the controller's record ({@code status.canary.currentStepStartedAt}), on its
 * clock.
 */
final class StepHistory {
  private final String fromHash;
  private final Instant since;
  private final List<StepRecord> records = new ArrayList<>();
  private Integer index;
  private String podHash;
  private Instant start;
  private boolean promoted;

  /**
   * @param fromHash the pod-template hash of the revision before the one followed, whose steps are
   *     not part of the history; null when the follower does not know it (the steps then count from
   *     where it first sees the revision)
   * @param since when the follower started looking: the start of steps passed before its first look
   */
  StepHistory(String fromHash, Instant since) {
    this.fromHash = fromHash;
    this.since = since;
  }

  /**
   * One version of the rollout. Step times are the controller's: a step begins at the status's
   * {@code currentStepStartedAt} (its clock, when it moved), and ends when the next one begins;
   * {@code now} stands in only for a status without one.
   */
  void observe(Rollout rollout, Instant now) {
    RolloutStatus status = rollout.getStatus();
    if (status == null || status.currentStepIndex == null) {
      return;
    }
    Instant at = stepStart(status, now);
    if (!Objects.equals(podHash, status.currentPodHash)) {
      // Another revision: what came before belongs to the old one.
      records.clear();
      podHash = status.currentPodHash;
      if (fromHash != null && !fromHash.equals(podHash)) {
        // The revision followed: it started at step 0, perhaps before this version was seen.
        index = 0;
        start = status.currentStepIndex == 0 ? at : since;
      } else {
        index = status.currentStepIndex;
        start = at;
      }
    }
    while (index < status.currentStepIndex) {
      close(rollout, at, promoted ? "promoted" : "completed");
      index++;
      start = at;
    }
  }

  /** When the controller says the current step began; {@code fallback} when it does not. */
  static Instant stepStart(RolloutStatus status, Instant fallback) {
    String at = status.canary == null ? null : status.canary.currentStepStartedAt;
    if (at == null) {
      return fallback;
    }
    try {
      return Instant.parse(at);
    } catch (java.time.format.DateTimeParseException e) {
      return fallback;
    }
  }

  /** The follower promoted the pause the rollout waits in. */
  void promoted() {
    promoted = true;
  }

  /** The rollout ended with {@code verdict}: the steps not yet closed end now. */
  void finish(Rollout rollout, Instant now, Verdict verdict) {
    observe(rollout, now);
    if (index == null) {
      return;
    }
    List<CanaryStep> steps = Rehearsal.steps(rollout);
    if (verdict == Verdict.HEALTHY) {
      while (index < steps.size()) {
        close(rollout, now, promoted ? "promoted" : "completed");
        index++;
        start = now;
      }
    } else if (index < steps.size()) {
      close(
          rollout,
          ended(rollout, now, verdict),
          verdict == Verdict.DEGRADED ? "aborted" : "timed out");
      index = steps.size();
    }
  }

  /** An aborted rollout's step ends when the controller aborted it. */
  private static Instant ended(Rollout rollout, Instant now, Verdict verdict) {
    RolloutStatus status = rollout.getStatus();
    if (verdict == Verdict.DEGRADED && status != null && status.abortedAt != null) {
      try {
        return Instant.parse(status.abortedAt);
      } catch (java.time.format.DateTimeParseException e) {
        return now;
      }
    }
    return now;
  }

  private void close(Rollout rollout, Instant end, String result) {
    // A time with whole seconds (abortedAt) can fall before a start with milliseconds.
    Instant now = end.isBefore(start) ? start : end;
    List<CanaryStep> steps = Rehearsal.steps(rollout);
    if (index >= steps.size()) {
      return;
    }
    CanaryStep step = steps.get(index);
    int calls = 0;
    String outcome = result;
    RolloutStatus status = rollout.getStatus();
    if (status != null && status.canary != null && status.canary.stepPluginStatuses != null) {
      for (StepPluginStatus s : status.canary.stepPluginStatuses) {
        if (Objects.equals(s.index, index) && "Run".equals(s.operation)) {
          calls += s.executions == null ? 0 : s.executions;
          if (Boolean.TRUE.equals(s.disabled)) {
            outcome = "skipped (plugin disabled)";
          }
        }
      }
    }
    records.add(
        new StepRecord(
            index,
            kind(step),
            dev.ramp.engine.model.StepText.describe(step),
            start,
            now,
            outcome,
            calls));
    promoted = false;
  }

  List<StepRecord> records() {
    return List.copyOf(records);
  }

  static String kind(CanaryStep step) {
    if (step.setWeight != null) return "setWeight";
    if (step.pause != null) return "pause";
    if (step.plugin != null) return "plugin";
    if (step.setCanaryScale != null) return "setCanaryScale";
    if (step.analysis != null) return "analysis";
    if (step.setHeaderRoute != null) return "setHeaderRoute";
    if (step.setMirrorRoute != null) return "setMirrorRoute";
    return "experiment";
  }
}
