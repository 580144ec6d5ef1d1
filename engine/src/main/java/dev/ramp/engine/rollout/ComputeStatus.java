package dev.ramp.engine.rollout;

import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Phase;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.model.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The status, computed whole from what the sub-steps before decided: replica counts, weights, the
 * conditions (Argo's Progressing with its deadline, Available, Paused, Completed, Healthy), the
 * phase and its message, and the Events of a phase change. The only sub-step that reads the
 * previous status to describe a change.
 */
final class ComputeStatus implements SubStep {

  @Override
  public void apply(Reconcile r) {
    counts(r);
    weights(r);
    if (r.steps().isEmpty()) {
      r.st.currentStepIndex = null;
    }
    stepStart(r);
    boolean paused = paused(r);
    boolean healthy = healthy(r);
    boolean exceeded = progressing(r, paused, healthy);
    otherConditions(r, paused, healthy);
    phase(r, paused, healthy, exceeded);
    phaseEvents(r);
  }

  private static void counts(Reconcile r) {
    ReplicaCounts counts = r.counts();
    RolloutStatus st = r.st;
    st.replicas = counts.replicas();
    st.hpaReplicas = counts.replicas();
    st.readyReplicas = counts.ready();
    st.availableReplicas = counts.available();
    st.updatedReplicas = counts.updated();
    st.selector = Labels.describe(r.spec.selector);
  }

  private static void weights(Reconcile r) {
    var canary = r.spec.strategy.canary;
    if (r.blueGreen()) {
      // Blue-green moves no weights; its Services are in status.blueGreen.
      r.st.canary = null;
      return;
    }
    RolloutStatus st = r.st;
    st.canary = st.canary == null ? new CanaryStatus() : st.canary;
    if (r.routed()) {
      // What the routers hold, when they agree; otherwise the last weights they all held.
      CanaryStatus.TrafficWeights held = new RouterRecords(r).agreed();
      if (held != null) {
        CanaryStatus.TrafficWeights was = r.old.canary == null ? null : r.old.canary.weights;
        st.canary.weights = held;
        if (was == null
            || !Json.canonical(Json.tree(was.canary)).equals(Json.canonical(Json.tree(held.canary)))
            || !Json.canonical(Json.tree(was.stable))
                .equals(Json.canonical(Json.tree(held.stable)))) {
          r.event(
              Plan.Event.normal(
                  Reason.TrafficWeightUpdated.name(),
                  "Traffic weight updated to canary "
                      + held.canary.weight
                      + ", stable "
                      + held.stable.weight
                      + " (of "
                      + r.maxWeight()
                      + ")"));
        }
      }
      return;
    }
    st.canary.weights = new CanaryStatus.TrafficWeights();
    st.canary.weights.canary =
        new CanaryStatus.WeightDestination(r.weight, canary.canaryService, st.currentPodHash);
    st.canary.weights.stable =
        new CanaryStatus.WeightDestination(100 - r.weight, canary.stableService, st.stableRS);
  }

  private static boolean paused(Reconcile r) {
    return Boolean.TRUE.equals(r.spec.paused)
        || (r.st.pauseConditions != null && !r.st.pauseConditions.isEmpty());
  }

  private static boolean healthy(Reconcile r) {
    if (r.blueGreen()) {
      // As in Argo: healthy once the active Service selects the stable pods, all available; an
      // old ReplicaSet waiting for its scale-down deadline does not count.
      return r.atStable
          && Reconcile.fullyAvailable(r.current, r.replicas())
          && r.hash.equals(r.bg().activeSelector);
    }
    return r.atStable
        && Reconcile.fullyAvailable(r.current, r.replicas())
        && r.others.stream().allMatch(rs -> rs.replicas() == 0 && rs.statusReplicas() == 0);
  }

  /** A new step (or revision) began in this reconcile: its start is now. */
  private static void stepStart(Reconcile r) {
    if (r.st.canary == null) {
      return; // blue-green: no steps
    }
    if (r.st.currentStepIndex == null) {
      // No steps: nothing begins, and nothing changes from one reconcile to the next.
      r.st.canary.currentStepStartedAt = null;
      return;
    }
    boolean same =
        Objects.equals(r.old.currentStepIndex, r.st.currentStepIndex)
            && Objects.equals(r.old.currentPodHash, r.st.currentPodHash)
            && r.st.canary.currentStepStartedAt != null;
    if (!same) {
      r.st.canary.currentStepStartedAt =
          r.now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString();
    }
  }

  /** Anything moved since the last status: progress, for the deadline. */
  private static boolean moved(Reconcile r, boolean paused) {
    RolloutStatus old = r.old;
    RolloutStatus st = r.st;
    return !Objects.equals(old.currentPodHash, st.currentPodHash)
        || !Objects.equals(old.currentStepIndex, st.currentStepIndex)
        || !Objects.equals(old.updatedReplicas, st.updatedReplicas)
        || !Objects.equals(old.availableReplicas, st.availableReplicas)
        || !Objects.equals(old.readyReplicas, st.readyReplicas)
        || !Objects.equals(old.replicas, st.replicas)
        || Phase.Paused.is(old.phase) != paused
        || r.pluginProgressed;
  }

  /** The Progressing condition; true when the progress deadline is exceeded. */
  private static boolean progressing(Reconcile r, boolean paused, boolean healthy) {
    boolean moved = moved(r, paused);
    Instant last = ProgressDeadline.lastProgress(r.st);
    Instant lastMove = last == null || moved ? r.now : last;
    String rsName = rsName(r);
    boolean exceeded = false;
    if (r.abortedByDeadline) {
      // Aborted by the deadline in this reconcile: the condition says why.
      exceeded = true;
    } else if (r.aborted()) {
      set(r, Conditions.FALSE, Reason.RolloutAborted, abortedMessage(r));
    } else if (paused) {
      set(r, Conditions.UNKNOWN, Reason.RolloutPaused, "Rollout is paused");
    } else if (r.analysisWaiting) {
      // Waiting on an analysis step's run is a wait like a pause: its run's changes bring the
      // rollout back, and the deadline counts again from the step after it.
      set(
          r,
          Conditions.TRUE,
          Reason.ReplicaSetUpdated,
          "ReplicaSet \"" + rsName + "\" is progressing.");
    } else if (healthy) {
      set(
          r,
          Conditions.TRUE,
          Reason.NewReplicaSetAvailable,
          "ReplicaSet \"" + rsName + "\" has successfully progressed.");
    } else {
      Instant deadline = lastMove.plusSeconds(ProgressDeadline.seconds(r));
      exceeded = !r.now.isBefore(deadline);
      if (!exceeded) {
        set(
            r,
            Conditions.TRUE,
            Reason.ReplicaSetUpdated,
            "ReplicaSet \"" + rsName + "\" is progressing.");
        r.requeueWithin(Duration.between(r.now, deadline));
      }
    }
    if (exceeded) {
      set(r, Conditions.FALSE, Reason.ProgressDeadlineExceeded, timedOut(r));
      // lastUpdateTime stays the time of the last progress, so the state is stable.
      r.st.condition(ConditionType.Progressing).lastUpdateTime = Reconcile.time(lastMove);
    } else if (moved) {
      r.st.condition(ConditionType.Progressing).lastUpdateTime = Reconcile.time(r.now);
    }
    return exceeded;
  }

  private static void set(Reconcile r, String status, Reason reason, String message) {
    Conditions.set(r.st, ConditionType.Progressing, status, reason, message, r.now);
  }

  private static String rsName(Reconcile r) {
    return r.rollout.getMetadata().getName() + "-" + r.st.currentPodHash;
  }

  private static String abortedMessage(Reconcile r) {
    if (r.abortedByDeadline) {
      return "ProgressDeadlineExceeded: " + timedOut(r);
    }
    String was = r.old.message;
    if (Boolean.TRUE.equals(r.old.abort)
        && was != null
        && was.startsWith("RolloutAborted: ProgressDeadlineExceeded: ")) {
      return was.substring("RolloutAborted: ".length()); // the deadline's cause, kept
    }
    return "Rollout aborted update to pod template " + r.st.currentPodHash;
  }

  private static void otherConditions(Reconcile r, boolean paused, boolean healthy) {
    RolloutStatus st = r.st;
    int minAvailable = r.replicas() - r.valid.limits().maxUnavailable();
    boolean available = st.availableReplicas >= minAvailable;
    Conditions.set(
        st,
        ConditionType.Available,
        available,
        Reason.AvailableReason,
        "Rollout has minimum availability",
        Reason.MinimumReplicasUnavailable,
        "Rollout does not have minimum availability",
        r.now);
    Conditions.set(
        st,
        ConditionType.Paused,
        paused,
        Reason.RolloutPaused,
        "Rollout is paused",
        Reason.RolloutResumed,
        "Rollout is resumed",
        r.now);
    Conditions.set(
        st,
        ConditionType.Completed,
        healthy,
        Reason.RolloutCompleted,
        "Rollout completed update to pod template " + st.stableRS,
        Reason.RolloutNotCompleted,
        "Rollout not completed, started update to pod template " + st.currentPodHash,
        r.now);
    Conditions.set(
        st,
        ConditionType.Healthy,
        healthy,
        Reason.RolloutHealthy,
        "Rollout is healthy",
        Reason.RolloutNotHealthy,
        "Rollout is not healthy",
        r.now);
  }

  private static void phase(Reconcile r, boolean paused, boolean healthy, boolean exceeded) {
    RolloutStatus st = r.st;
    if (r.invalidSpec != null) {
      invalidSpecFoundOnTheWay(r);
    } else if (r.aborted()) {
      st.phase = Phase.Degraded.name();
      String failed = new PluginSteps(r).failedStep();
      if (failed == null) {
        failed = failedAnalysis(r);
      }
      st.message = "RolloutAborted: " + (failed != null ? failed : abortedMessage(r));
      if (st.abortedAt == null) {
        // The controller's first sight of this abort (set by a user, a step or the deadline).
        st.abortedAt = Reconcile.time(r.now);
        r.event(Plan.Event.warning(Reason.RolloutAborted.name(), st.message));
      }
      st.pauseConditions = null;
      st.controllerPause = null;
    } else if (exceeded) {
      st.phase = Phase.Degraded.name();
      st.message = "ProgressDeadlineExceeded: " + timedOut(r);
    } else if (paused) {
      st.phase = Phase.Paused.name();
      st.message =
          Boolean.TRUE.equals(r.spec.paused)
              ? Reason.PausedBySpec.name()
              : StepAnalysis.hasPause(st, Reason.InconclusiveAnalysisRun)
                  ? Reason.InconclusiveAnalysisRun.name()
                  : r.blueGreen() ? Reason.BlueGreenPause.name() : Reason.CanaryPauseStep.name();
    } else if (healthy) {
      st.phase = Phase.Healthy.name();
      st.message = null;
    } else {
      st.phase = Phase.Progressing.name();
      st.message =
          r.hold != null
              ? r.hold
              : "more replicas need to be updated ("
                  + (r.current == null ? 0 : r.current.availableReplicas())
                  + " of "
                  + r.target.canary()
                  + (r.blueGreen() ? " new" : " canary")
                  + " available)";
    }
  }

  /**
   * The deadline's message, and what the held step waited for when one did (a refused plugin, a
   * router that never answered): the cause, not only the time.
   */
  private static String timedOut(Reconcile r) {
    return "ReplicaSet \""
        + rsName(r)
        + "\" has timed out progressing"
        + (r.hold == null ? "." : "; " + r.hold);
  }

  /** The analysis run that failed or errored, and why; null when none did. */
  private static String failedAnalysis(Reconcile r) {
    CanaryStatus c = r.st.canary;
    var bg = r.st.blueGreen;
    java.util.List<CanaryStatus.RolloutAnalysisRunStatus> entries = new java.util.ArrayList<>();
    if (c != null) {
      entries.add(c.currentStepAnalysisRunStatus);
      entries.add(c.currentBackgroundAnalysisRunStatus);
    }
    if (bg != null) {
      entries.add(bg.prePromotionAnalysisRunStatus);
      entries.add(bg.postPromotionAnalysisRunStatus);
    }
    for (CanaryStatus.RolloutAnalysisRunStatus e : entries) {
      if (e != null
          && (AnalysisRuns.FAILED.equals(e.status) || AnalysisRuns.ERROR.equals(e.status))) {
        return "AnalysisRun "
            + e.name
            + " "
            + e.status
            + (e.message == null ? "" : ": " + e.message);
      }
    }
    return null;
  }

  /** A spec fault met on the way (an unknown plugin): InvalidSpec, the rollout holds. */
  private static void invalidSpecFoundOnTheWay(Reconcile r) {
    RolloutCondition kept = r.old.condition(ConditionType.InvalidSpec);
    if (kept != null) {
      // Removed when the spec validated; put back so its timestamps stay.
      r.st.conditions.add(Json.copy(kept, RolloutCondition.class));
    }
    ValidateSpec.invalid(r, r.invalidSpec);
  }

  private static void phaseEvents(Reconcile r) {
    RolloutStatus old = r.old;
    RolloutStatus st = r.st;
    if (!Objects.equals(old.phase, st.phase)) {
      String message =
          "Phase "
              + (old.phase == null ? "(none)" : old.phase)
              + " -> "
              + st.phase
              + (st.message == null ? "" : ": " + st.message);
      r.event(
          Phase.Degraded.is(st.phase)
              ? Plan.Event.warning(Reason.PhaseChanged.name(), message)
              : Plan.Event.normal(Reason.PhaseChanged.name(), message));
    } else if (Phase.Degraded.is(st.phase) && !Objects.equals(old.message, st.message)) {
      r.event(Plan.Event.warning(Reason.RolloutDegraded.name(), st.message));
    }
  }
}
