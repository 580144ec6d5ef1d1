package dev.ramp.engine.cli;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Phase;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutSpec;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.model.StepText;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The text of {@code ramp get rollout}: the rollout, its current step, its revisions and their
 * ReplicaSets ({@link ReplicaSetTree}), its AnalysisRuns ({@link AnalysisRunTable}), step plugin
 * statuses and conditions ({@link StatusTables}); and the one-line columns of {@code ramp list} and
 * {@code ramp status}. Pure: the same arguments give the same text, so `ramp demo` and tests render
 * it too.
 */
final class RolloutView {

  private final Ansi ansi;
  private final Instant now;
  private final StringBuilder out = new StringBuilder();

  private RolloutView(boolean colour, Instant now) {
    this.ansi = new Ansi(colour);
    this.now = now;
  }

  /**
   * Renders a Rollout and its ReplicaSets (those it owns; any order) as lines of text.
   *
   * @param colour whether to use ANSI colours (on a terminal, without NO_COLOR)
   * @param now the time ages and remaining pauses are measured against
   */
  static String render(Rollout rollout, List<ReplicaSet> replicaSets, boolean colour, Instant now) {
    return render(rollout, replicaSets, List.of(), colour, now);
  }

  /**
   * Renders a Rollout, its ReplicaSets and its AnalysisRuns (those it controls; any order), the
   * runs under the tree with the last measurement of each metric ({@link AnalysisRunTable}).
   */
  static String render(
      Rollout rollout,
      List<ReplicaSet> replicaSets,
      List<AnalysisRun> runs,
      boolean colour,
      Instant now) {
    RolloutView view = new RolloutView(colour, now);
    view.rollout(rollout, replicaSets, runs);
    return view.out.toString();
  }

  /** The current step as "N of M" (from 1; "all M done" past the last), or "-" without steps. */
  static String stepColumn(Rollout r) {
    List<CanaryStep> steps = CanarySteps.of(r);
    if (steps.isEmpty()) {
      return "-";
    }
    int index = CanarySteps.currentIndex(r);
    return index >= steps.size()
        ? "all " + steps.size() + " done"
        : StepText.number(index, steps.size());
  }

  /** The canary's traffic weight: what the router was told, else what the steps set. */
  static int canaryWeight(Rollout r) {
    RolloutStatus st = r.getStatus() == null ? new RolloutStatus() : r.getStatus();
    if (st.canary != null && st.canary.weights != null && st.canary.weights.canary != null) {
      return orZero(st.canary.weights.canary.weight);
    }
    List<CanaryStep> steps = CanarySteps.of(r);
    if (steps.isEmpty()) {
      return Phase.Healthy.is(st.phase) ? 100 : 0;
    }
    return CanarySteps.setWeight(steps, st.currentStepIndex == null ? 0 : st.currentStepIndex);
  }

  /** The controller has not observed the Rollout's latest generation: no verdict is current. */
  static boolean stale(Rollout r) {
    Long generation = r.getMetadata().getGeneration();
    Long seen = r.getStatus() == null ? null : r.getStatus().observedGeneration;
    return generation != null && (seen == null || seen < generation);
  }

  /** The current step's manifest text, or null when there is none (done, or no steps). */
  static String currentStep(Rollout r) {
    List<CanaryStep> steps = CanarySteps.of(r);
    int index = CanarySteps.currentIndex(r);
    return index < steps.size() ? StepText.describe(steps.get(index)) : null;
  }

  /** The phase; or, while the status is for an older spec, that its verdict is not this one's. */
  private void statusField(Rollout r, RolloutStatus st) {
    String phase = st.phase == null ? "Unknown" : st.phase;
    if (!stale(r)) {
      field("Status", ansi.paint(phaseColour(phase), phase));
      return;
    }
    field(
        "Status",
        ansi.paint(
            Ansi.YELLOW,
            "waiting for the controller (generation "
                + r.getMetadata().getGeneration()
                + " not seen yet; the status below is for generation "
                + (st.observedGeneration == null ? "none" : st.observedGeneration)
                + ", "
                + phase
                + ")"));
  }

  private void rollout(Rollout r, List<ReplicaSet> replicaSets, List<AnalysisRun> runs) {
    RolloutSpec spec = r.getSpec() == null ? new RolloutSpec() : r.getSpec();
    RolloutStatus st = r.getStatus() == null ? new RolloutStatus() : r.getStatus();
    field("Name", ansi.paint(Ansi.BOLD, r.getMetadata().getName()));
    field("Namespace", r.getMetadata().getNamespace());
    statusField(r, st);
    if (st.message != null && !st.message.isEmpty()) {
      field("Message", st.message);
    }
    if (st.observedGeneration != null
        && r.getMetadata().getGeneration() != null
        && st.observedGeneration < r.getMetadata().getGeneration()) {
      field(
          "Generation",
          ansi.paint(
              Ansi.YELLOW,
              r.getMetadata().getGeneration()
                  + " (the controller has seen "
                  + st.observedGeneration
                  + ")"));
    }
    boolean canary = spec.strategy != null && spec.strategy.canary != null;
    boolean blueGreen = !canary && spec.strategy != null && spec.strategy.blueGreen != null;
    field(
        "Strategy",
        canary ? "Canary" : blueGreen ? "BlueGreen" : spec.strategy == null ? "none" : "unknown");
    if (canary) {
      steps(spec, st);
    }
    if (blueGreen && st.blueGreen != null) {
      // Which pod template each Service selects; the tree below marks the ReplicaSets.
      field(
          "Services",
          "active "
              + spec.strategy.blueGreen.activeService
              + " -> "
              + (st.blueGreen.activeSelector == null ? "-" : st.blueGreen.activeSelector)
              + (spec.strategy.blueGreen.previewService == null
                  ? ""
                  : ", preview "
                      + spec.strategy.blueGreen.previewService
                      + " -> "
                      + (st.blueGreen.previewSelector == null
                          ? "-"
                          : st.blueGreen.previewSelector)));
    }
    if (Boolean.TRUE.equals(spec.paused)) {
      field("Paused", ansi.paint(Ansi.YELLOW, "by spec.paused (ramp resume to continue)"));
    }
    replicas(spec, st);
    out.append('\n');
    ReplicaSetTree.of(r, st, replicaSets, now).appendTo(out, "", ansi);
    AnalysisRunTable.section(out, runs, now, ansi);
    StatusTables.stepPlugins(out, st, ansi);
    StatusTables.conditions(out, st, ansi);
  }

  private void replicas(RolloutSpec spec, RolloutStatus st) {
    field(
        "Replicas",
        "desired "
            + (spec.replicas == null ? 1 : spec.replicas)
            + ", current "
            + orZero(st.replicas)
            + ", updated "
            + orZero(st.updatedReplicas)
            + ", ready "
            + orZero(st.readyReplicas)
            + ", available "
            + orZero(st.availableReplicas));
  }

  private void steps(RolloutSpec spec, RolloutStatus st) {
    List<CanaryStep> steps =
        spec.strategy.canary.steps == null ? List.of() : spec.strategy.canary.steps;
    int index = st.currentStepIndex == null ? 0 : st.currentStepIndex;
    if (steps.isEmpty()) {
      field("Step", "no steps");
    } else if (index >= steps.size()) {
      field("Step", steps.size() + " of " + steps.size() + " done");
    } else {
      CanaryStep step = steps.get(index);
      field(
          "Step",
          StepText.number(index, steps.size())
              + " ("
              + ansi.paint(Ansi.BOLD, StepText.describe(step))
              + ")");
      String pause = pause(step, st);
      if (pause != null) {
        field("Pause", ansi.paint(Ansi.YELLOW, pause));
      }
    }
    CanaryStatus.TrafficWeights weights = st.canary == null ? null : st.canary.weights;
    if (weights != null && weights.canary != null) {
      var routing =
          spec.strategy == null || spec.strategy.canary == null
              ? null
              : spec.strategy.canary.trafficRouting;
      int max =
          routing == null || routing.maxTrafficWeight == null ? 100 : routing.maxTrafficWeight;
      int canaryWeight = orZero(weights.canary.weight);
      int stableWeight =
          weights.stable != null ? orZero(weights.stable.weight) : max - canaryWeight;
      String unit = max == 100 ? "%" : " of " + max;
      String verified =
          Boolean.FALSE.equals(weights.verified)
              ? ansi.paint(Ansi.YELLOW, " (not verified yet)")
              : Boolean.TRUE.equals(weights.verified) ? " (verified)" : "";
      field(
          "Weight", "canary " + canaryWeight + unit + ", stable " + stableWeight + unit + verified);
    } else if (!steps.isEmpty()) {
      field(
          "SetWeight",
          CanarySteps.setWeight(steps, index) + "% (no traffic router: by replica counts)");
    }
  }

  /** Why and since when the rollout is paused, and for a timed pause what is left. */
  private String pause(CanaryStep step, RolloutStatus st) {
    if (st.pauseConditions == null || st.pauseConditions.isEmpty()) {
      return null;
    }
    RolloutStatus.PauseCondition c = st.pauseConditions.get(0);
    StringBuilder text = new StringBuilder(c.reason == null ? "paused" : c.reason);
    Instant since = TimeText.instant(c.startTime);
    if (since != null) {
      text.append(", for ").append(TimeText.age(since, now));
      if (step.pause != null && step.pause.duration != null) {
        Duration length = TimeText.duration(step.pause.duration.getValue());
        if (length != null) {
          Duration left = Duration.between(now, since.plus(length));
          text.append(", ")
              .append(left.isNegative() ? "0s" : TimeText.compact(left))
              .append(" left");
        }
      }
    }
    if (step.pause != null && step.pause.duration == null) {
      text.append(" (ramp promote to continue)");
    }
    return text.toString();
  }

  private void field(String name, String value) {
    out.append(String.format("%-11s", name + ":")).append(value).append('\n');
  }

  private static String phaseColour(String phase) {
    for (Phase p : Phase.values()) {
      if (p.is(phase)) {
        return switch (p) {
          case Healthy -> Ansi.GREEN;
          case Degraded -> Ansi.RED;
          case Paused -> Ansi.YELLOW;
          case Progressing -> Ansi.BLUE;
        };
      }
    }
    return null;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }
}
