package dev.ramp.engine.rollout;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.List;

/**
 * The replica math of Argo's basic canary (no traffic router): how many pods canary and stable
 * should run for a weight, and how far each may move now without exceeding {@code maxSurge} or
 * dropping below {@code replicas - maxUnavailable} available pods.
 */
final class ReplicaMath {
  private ReplicaMath() {}

  /** Canary and stable replica counts that approximate {@code weight}. */
  record Split(int canary, int stable) {}

  /** A ReplicaSet's state as the math sees it. */
  record Current(int replicas, int available) {
    int availableCounted() {
      return Math.min(replicas, available);
    }
  }

  /** Resolved {@code maxSurge} (rounded up) and {@code maxUnavailable} (rounded down). */
  record Limits(int maxSurge, int maxUnavailable) {
    static Limits of(IntOrString surge, IntOrString unavailable, int replicas, String field) {
      int s = resolve(surge, replicas, true, field + ".maxSurge");
      int u = resolve(unavailable, replicas, false, field + ".maxUnavailable");
      if (s == 0 && u == 0) {
        // As Kubernetes does: both zero would deadlock, so one pod may be unavailable.
        u = 1;
      }
      return new Limits(s, u);
    }
  }

  /** Validates a maxSurge/maxUnavailable value; an int, or a percentage like "25%". */
  static int resolve(IntOrString value, int replicas, boolean roundUp, String field) {
    if (value == null) {
      value = new IntOrString("25%");
    }
    if (value.getIntVal() != null) {
      if (value.getIntVal() < 0) {
        throw new InvalidSpecException(field + ": " + value.getIntVal() + " is negative");
      }
      return value.getIntVal();
    }
    String text = value.getStrVal() == null ? "" : value.getStrVal().trim();
    if (!text.matches("\\d+%")) {
      throw new InvalidSpecException(
          field + ": \"" + text + "\" is neither an integer nor a percentage such as 25%");
    }
    int pct = Integer.parseInt(text.substring(0, text.length() - 1));
    if (pct > 100) {
      throw new InvalidSpecException(field + ": " + text + " is above 100%");
    }
    long scaled = (long) pct * replicas;
    return (int) (roundUp ? (scaled + 99) / 100 : scaled / 100);
  }

  /**
   * Argo's approximateWeightedCanaryStableReplicaCounts: among ceil/floor of the weighted count,
   * with or without one surge pod, the split whose actual weight is nearest; zero canary pods only
   * for weight 0 or 100, or a single replica without surge.
   */
  static Split split(int replicas, int weight, int maxSurge) {
    if (replicas == 0) {
      return new Split(0, 0);
    }
    int ceil = (int) Math.ceil(replicas * weight / 100.0);
    int floor = (int) Math.floor(replicas * weight / 100.0);
    boolean zeroAllowed = weight == 100 || weight == 0 || (replicas == 1 && maxSurge == 0);
    List<int[]> options = new ArrayList<>();
    if (ceil < replicas || zeroAllowed) {
      options.add(new int[] {ceil, replicas});
    }
    if (!tied(weight, replicas) && (floor != 0 || zeroAllowed)) {
      options.add(new int[] {floor, replicas});
    }
    if (maxSurge > 0) {
      options.add(new int[] {ceil, replicas + 1});
      if (!tied(weight, replicas + 1) && (floor != 0 || zeroAllowed)) {
        options.add(new int[] {floor, replicas + 1});
      }
    }
    if (options.isEmpty()) {
      return new Split(0, replicas);
    }
    int[] best = options.get(0);
    double bestDelta = delta(weight, best);
    for (int[] o : options.subList(1, options.size())) {
      double d = delta(weight, o);
      if (d < bestDelta) {
        best = o;
        bestDelta = d;
      }
    }
    return new Split(best[0], best[1] - best[0]);
  }

  private static boolean tied(int weight, int total) {
    double v = total * (weight / 100.0);
    return v - Math.floor(v) == 0.5;
  }

  private static double delta(int weight, int[] option) {
    return Math.abs(option[0] * 100.0 / option[1] - weight);
  }

  /** The counts to set now on canary, stable, and each other ReplicaSet. */
  record Scales(int canary, int stable, List<Integer> others) {}

  /**
   * One move towards {@code target}: scale-ups first (canary before stable) within {@code replicas
   * + maxSurge} pods in total, then scale-downs (others first; then the side moving away from its
   * target — stable while the canary grows, the canary while it shrinks) as far as unavailable pods
   * and the {@code replicas - maxUnavailable} floor of available pods allow.
   */
  static Scales step(
      int replicas,
      Limits limits,
      Split target,
      Current canary,
      Current stable,
      List<Current> others) {
    int c = canary.replicas();
    int s = stable.replicas();
    int total = c + s;
    for (Current o : others) {
      total += o.replicas();
    }
    int room = replicas + limits.maxSurge() - total;
    if (room > 0 && c < target.canary()) {
      int up = Math.min(room, target.canary() - c);
      c += up;
      room -= up;
    }
    if (room > 0 && s < target.stable()) {
      s += Math.min(room, target.stable() - s);
    }

    int available = canary.availableCounted() + stable.availableCounted();
    for (Current o : others) {
      available += o.availableCounted();
    }
    int spare = Math.max(0, available - (replicas - limits.maxUnavailable()));
    List<Integer> otherScales = new ArrayList<>();
    for (Current o : others) {
      int[] r = down(o.replicas(), 0, o.availableCounted(), spare);
      otherScales.add(r[0]);
      spare = r[1];
    }
    boolean canaryGrowing = canary.replicas() < target.canary();
    if (canaryGrowing) {
      int[] r = down(s, target.stable(), stable.availableCounted(), spare);
      s = r[0];
      spare = r[1];
      r = down(c, target.canary(), canary.availableCounted(), spare);
      c = r[0];
    } else {
      int[] r = down(c, target.canary(), canary.availableCounted(), spare);
      c = r[0];
      spare = r[1];
      r = down(s, target.stable(), stable.availableCounted(), spare);
      s = r[0];
    }
    return new Scales(c, s, otherScales);
  }

  /**
   * Scales one set from {@code current} towards {@code target}: unavailable pods go freely,
   * available ones only while {@code spare} lasts. Returns the new count and the spare left.
   */
  private static int[] down(int current, int target, int available, int spare) {
    if (current <= target) {
      return new int[] {current, spare};
    }
    int excess = current - target;
    int unavailable = current - Math.min(available, current);
    int free = Math.min(excess, unavailable);
    int paid = Math.min(excess - free, spare);
    return new int[] {current - free - paid, spare - paid};
  }
}
