package dev.ramp.engine.rollout;

import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks from the current step over every step already done and sets the weight to run at: the one
 * place that decides what each step kind does (a {@link Step.Visitor}, so a new kind cannot be left
 * out). At stable the weight is 100; aborted, 0. A canary at 100 % with every pod available becomes
 * the stable one.
 */
final class WalkSteps implements SubStep {

  @Override
  public void apply(Reconcile r) {
    if (r.atStable) {
      r.st.currentStepIndex = r.steps().size();
      r.weight = r.maxWeight();
    } else if (r.aborted()) {
      r.weight = 0;
    } else {
      r.weight = walk(r);
      if (r.aborted()) {
        // A plugin step failed: the rollout aborts in this same reconcile.
        r.weight = 0;
      } else if (r.weight == r.maxWeight()
          && Reconcile.fullyAvailable(r.current, r.replicas())
          && trafficAtMax(r)) {
        r.st.stableRS = r.hash;
        r.st.promoteFull = null;
        r.st.currentStepIndex = r.steps().size();
        r.atStable = true;
        r.event(
            Plan.Event.normal(
                Reason.RolloutCompleted.name(),
                "Rollout completed update to pod template " + r.hash));
      }
    }
    if (!r.pluginWaiting) {
      Conditions.remove(r.st, ConditionType.StepPluginAvailable);
    }
  }

  /**
   * With a router, the canary becomes stable only once every router sends it the max weight (or
   * cannot tell); promote full skips that, as in Argo: the switch of the stable hash moves it.
   */
  private static boolean trafficAtMax(Reconcile r) {
    return !r.routed()
        || Boolean.TRUE.equals(r.st.promoteFull)
        || new RouterRecords(r).at(r.maxWeight());
  }

  private static int walk(Reconcile r) {
    // A plugin left running by promote or promote full gets Terminate, once.
    new PluginSteps(r).terminateRunning(Boolean.TRUE.equals(r.st.promoteFull));
    List<Step> steps = r.steps();
    while (true) {
      int idx = r.st.currentStepIndex;
      if (Boolean.TRUE.equals(r.st.promoteFull) || idx >= steps.size()) {
        return r.maxWeight();
      }
      int weight = setWeightBefore(steps, idx);
      if (Boolean.TRUE.equals(r.spec.paused)) {
        return weight;
      }
      Step step = steps.get(idx);
      if (StepAnalysis.hasPause(r.st, Reason.InconclusiveAnalysisRun)
          && !(step instanceof Step.Analysis)) {
        // Paused by an Inconclusive background run; an analysis step keeps its own run in view.
        return weight;
      }
      Run run = new Run(r, idx);
      if (!step.accept(run)) {
        return run.weight == null ? weight : run.weight;
      }
      r.st.currentStepIndex = idx + 1;
      r.event(
          Plan.Event.normal(
              Reason.RolloutStepCompleted.name(),
              "Rollout step "
                  + (idx + 1)
                  + "/"
                  + steps.size()
                  + " completed ("
                  + describe(step)
                  + ")"));
    }
  }

  /** Runs one step as far as it goes now: true when it is done. */
  private static final class Run implements Step.Visitor<Boolean> {
    private final Reconcile r;
    private final int idx;

    /** The weight to run at while this step is not done; null for the last setWeight's. */
    Integer weight;

    Run(Reconcile r, int idx) {
      this.r = r;
      this.idx = idx;
    }

    @Override
    public Boolean setWeight(Step.SetWeight step) {
      if (r.routed()
          ? RoutedReplicaSets.atDesired(r) && new RouterRecords(r).at(routedWeight(step))
          : atDesired(r, step.weight())) {
        return true;
      }
      weight = step.weight();
      return false;
    }

    /**
     * The weight the routers get for a setWeight step whose replicas are there: its own, or 0 while
     * the canary has no available pod (a setCanaryScale of 0), as {@link RouteTraffic} decides it —
     * so such a step completes, as in Argo, instead of waiting for a weight that never comes.
     */
    private int routedWeight(Step.SetWeight step) {
      return r.current == null || r.current.availableReplicas() == 0 ? 0 : step.weight();
    }

    @Override
    public Boolean pause(Step.Pause step) {
      RolloutStatus st = r.st;
      RolloutStatus.PauseCondition pc = pauseCondition(st);
      if (pc == null && !Boolean.TRUE.equals(st.controllerPause)) {
        st.pauseConditions =
            new ArrayList<>(
                List.of(
                    new RolloutStatus.PauseCondition(
                        Reason.CanaryPauseStep.name(), Reconcile.time(r.now))));
        st.controllerPause = true;
        r.event(
            Plan.Event.normal(
                Reason.RolloutPaused.name(),
                "Rollout paused at step "
                    + idx
                    + (step.duration() == null
                        ? " until promoted"
                        : " for " + Durations.format(step.duration()))));
        if (step.duration() != null) {
          r.requeueWithin(step.duration());
        }
        return false;
      }
      if (pc != null) {
        if (step.duration() == null) {
          return false;
        }
        Instant end = Instant.parse(pc.startTime).plus(step.duration());
        if (r.now.isBefore(end)) {
          r.requeueWithin(Duration.between(r.now, end));
          return false;
        }
      }
      // The pause is over: its time passed, or it was promoted (its condition removed).
      st.pauseConditions = null;
      st.controllerPause = null;
      return true;
    }

    @Override
    public Boolean plugin(Step.Plugin step) {
      return new PluginSteps(r).run(idx, step);
    }

    @Override
    public Boolean setCanaryScale(Step.SetCanaryScale step) {
      // Done once the canary has the pods it asks for (validation allows it only with a router).
      if (RoutedReplicaSets.atDesired(r)) {
        return true;
      }
      r.hold = "step " + idx + " (setCanaryScale): scaling the canary";
      return false;
    }

    @Override
    public Boolean analysis(Step.Analysis step) {
      return new StepAnalysis(r).run(idx, step);
    }

    @Override
    public Boolean setHeaderRoute(Step.SetHeaderRoute step) {
      return route(step);
    }

    @Override
    public Boolean setMirrorRoute(Step.SetMirrorRoute step) {
      return route(step);
    }

    /**
     * A managed route is set (or removed) on every router, once the canary has an available pod:
     * Argo sets it at once and, while the canary has no pod, removes it again at its next
     * reconcile.
     */
    private Boolean route(Step step) {
      boolean removes =
          step instanceof Step.SetHeaderRoute h
              ? h.match().isEmpty()
              : ((Step.SetMirrorRoute) step).match().isEmpty();
      if (!removes && (r.current == null || r.current.availableReplicas() == 0)) {
        r.hold = "step " + idx + " (" + step.kind() + "): waiting for an available canary pod";
        return false;
      }
      TrafficRoutes routes = new TrafficRoutes(r);
      if (!routes.callable()) {
        r.hold = "step " + idx + " (" + step.kind() + "): waiting for the traffic routers";
        return false;
      }
      return routes.setRoute(idx, step);
    }
  }

  /** The canary and stable ReplicaSets are at the split for {@code weight}, others at zero. */
  private static boolean atDesired(Reconcile r, int weight) {
    ReplicaMath.Split split = ReplicaMath.split(r.replicas(), weight, r.valid.limits().maxSurge());
    Observed.ReplicaSet current = r.current;
    Observed.ReplicaSet stable = r.find(r.st.stableRS);
    if (!at(current, split.canary()) || !at(stable, split.stable())) {
      return false;
    }
    return r.observed.replicaSets().stream()
        .filter(rs -> rs != current && rs != stable)
        .allMatch(rs -> rs.replicas() == 0);
  }

  private static boolean at(Observed.ReplicaSet rs, int want) {
    if (rs == null) {
      return want == 0;
    }
    return rs.replicas() == want && rs.availableReplicas() >= want;
  }

  private static RolloutStatus.PauseCondition pauseCondition(RolloutStatus st) {
    if (st.pauseConditions == null) {
      return null;
    }
    return st.pauseConditions.stream()
        .filter(pc -> Reason.CanaryPauseStep.name().equals(pc.reason))
        .findFirst()
        .orElse(null);
  }

  private static int setWeightBefore(List<Step> steps, int idx) {
    for (int i = Math.min(idx, steps.size() - 1); i >= 0; i--) {
      if (steps.get(i) instanceof Step.SetWeight sw) {
        return sw.weight();
      }
    }
    return 0;
  }

  static String describe(Step step) {
    if (step instanceof Step.SetWeight sw) {
      return "setWeight: " + sw.weight();
    }
    if (step instanceof Step.Pause p) {
      return p.duration() == null ? "pause" : "pause: " + Durations.format(p.duration());
    }
    if (step instanceof Step.SetHeaderRoute h) {
      return "setHeaderRoute: " + h.name() + (h.match().isEmpty() ? " removed" : "");
    }
    if (step instanceof Step.SetMirrorRoute m) {
      return "setMirrorRoute: " + m.name() + (m.match().isEmpty() ? " removed" : "");
    }
    return step.kind();
  }
}
