package dev.ramp.engine.rollout;

import java.util.List;

/**
 * The replica math of a canary with a traffic router, as Argo's {@code
 * CalculateReplicaCountsForTrafficRoutedCanary}: the canary runs {@code ceil(weight × replicas /
 * maxWeight)} pods (or what {@code setCanaryScale} says), raised to {@code minPodsPerReplicaSet};
 * stable stays at full size unless {@code dynamicStableScale}, when it follows its share of the
 * traffic — never below what the routers still send it.
 */
final class RoutedReplicas {
  private RoutedReplicas() {}

  /**
   * What the math reads.
   *
   * @param stepIndex {@code status.currentStepIndex}
   * @param fullyPromoted promoted (promote full), or the canary is the stable one
   * @param abortKeepsCanary {@code abortScaleDownDelaySeconds: 0}: the canary stays up on abort
   * @param abortDelaySet {@code abortScaleDownDelaySeconds} is set explicitly
   * @param routedToCanary the canary weight the routers last set, null before any
   * @param routedToStable the stable weight the routers last set, null before any
   * @param stableAvailable available pods of the stable ReplicaSet, -1 when there is none
   * @param canaryAvailable available pods of the canary ReplicaSet, -1 when there is none
   */
  record Input(
      int replicas,
      int maxWeight,
      List<Step> steps,
      int stepIndex,
      boolean aborted,
      boolean fullyPromoted,
      boolean dynamicStableScale,
      Integer minPodsPerReplicaSet,
      boolean abortKeepsCanary,
      boolean abortDelaySet,
      Integer routedToCanary,
      Integer routedToStable,
      int stableAvailable,
      int canaryAvailable) {}

  record Counts(int canary, int stable) {}

  static Counts of(Input in) {
    int n = in.replicas();
    int max = in.maxWeight();
    Integer fixed = null;
    int weight;
    if (in.fullyPromoted()) {
      weight = max;
    } else {
      Step.SetCanaryScale scale = canaryScale(in);
      if (scale != null && scale.replicas() != null) {
        fixed = scale.replicas();
        weight = 0;
      } else if (scale != null && scale.weight() != null) {
        weight = scale.weight();
      } else {
        weight = desiredCanaryWeight(in);
      }
    }
    int canary = fixed != null ? fixed : atLeastMin(in, replicasFor(n, weight, max));
    if (!in.dynamicStableScale()) {
      return new Counts(canary, n);
    }
    // Stable keeps the higher of its desired and its actual share: it grows before traffic comes
    // back to it and shrinks only after traffic left it.
    int stable = replicasFor(n, max - weight, max);
    if (in.routedToStable() != null) {
      stable = Math.max(stable, replicasFor(n, in.routedToStable(), max));
      if (in.aborted() && in.routedToCanary() != null) {
        // Aborting: the canary shrinks only after traffic left it.
        canary = Math.max(canary, replicasFor(n, in.routedToCanary(), max));
      }
    }
    return new Counts(atLeastMin(in, canary), atLeastMin(in, stable));
  }

  /** Argo's trafficWeightToReplicas: the pods that carry {@code weight} out of {@code max}. */
  static int replicasFor(int replicas, int weight, int max) {
    return (int) Math.ceil((double) weight * replicas / max);
  }

  private static int atLeastMin(Input in, int count) {
    if (count == 0 || in.minPodsPerReplicaSet() == null) {
      return count;
    }
    // Capped at the Rollout's replicas, as Argo does (a larger minimum would never settle).
    return Math.max(count, Math.min(in.minPodsPerReplicaSet(), in.replicas()));
  }

  /**
   * The setCanaryScale in force: the last one at or before the current step, unless it says
   * matchTrafficWeight; none once the steps are done, nor on abort unless the canary is kept up.
   */
  static Step.SetCanaryScale canaryScale(Input in) {
    if (in.aborted() && !in.abortKeepsCanary()) {
      return null;
    }
    if (in.stepIndex() >= in.steps().size()) {
      return null;
    }
    for (int i = in.stepIndex(); i >= 0; i--) {
      if (in.steps().get(i) instanceof Step.SetCanaryScale scale) {
        return scale.matchTrafficWeight() ? null : scale;
      }
    }
    return null;
  }

  /**
   * The canary's weight for its replicas: the current setWeight; on abort 0, or — with
   * dynamicStableScale — stepped down through the setWeight steps in reverse as stable comes up.
   */
  static int desiredCanaryWeight(Input in) {
    int n = in.replicas();
    if (in.aborted()
        && in.dynamicStableScale()
        && in.stableAvailable() >= 0
        && in.canaryAvailable() >= 0) {
      int expected = n - in.stableAvailable();
      int canaryPods = in.abortDelaySet() ? expected : Math.max(expected, in.canaryAvailable());
      for (int i = in.steps().size() - 1; i >= 0; i--) {
        if (in.steps().get(i) instanceof Step.SetWeight w
            && replicasFor(n, w.weight(), in.maxWeight()) < canaryPods) {
          return w.weight();
        }
      }
      return 0;
    }
    return currentSetWeight(in.steps(), in.stepIndex(), in.aborted(), in.maxWeight());
  }

  /** Argo's GetCurrentSetWeight: 0 aborted, max past the steps, else the last setWeight so far. */
  static int currentSetWeight(List<Step> steps, int stepIndex, boolean aborted, int max) {
    if (aborted) {
      return 0;
    }
    if (stepIndex >= steps.size()) {
      return max;
    }
    for (int i = stepIndex; i >= 0; i--) {
      if (steps.get(i) instanceof Step.SetWeight w) {
        return w.weight();
      }
    }
    return 0;
  }
}
