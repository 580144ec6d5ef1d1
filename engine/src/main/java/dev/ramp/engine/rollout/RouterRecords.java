package dev.ramp.engine.rollout;

import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStatus.TrafficRouterStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the traffic routers were told and answered, as {@code status.canary.trafficRouters[]}
 * records it: the one place that reads those records (where traffic goes, whether it is verified)
 * for the steps, the replicas and the status.
 */
final class RouterRecords {
  private final Reconcile r;
  private final List<String> names;

  RouterRecords(Reconcile r) {
    this.r = r;
    var plugins = r.spec.strategy.canary.trafficRouting.plugins;
    this.names = plugins == null ? List.of() : List.copyOf(plugins.keySet());
  }

  List<String> names() {
    return names;
  }

  /**
   * Every router routes {@code weight} to the current canary, and none has said it does not yet (a
   * router that cannot tell counts as routing it).
   */
  boolean at(int weight) {
    for (String name : names()) {
      TrafficRouterStatus rec = find(name);
      if (rec == null
          || !Objects.equals(rec.canaryHash, r.hash)
          || !Objects.equals(rec.weight, weight)
          || !(TrafficRoutes.VERIFIED.equals(rec.verification)
              || TrafficRoutes.NOT_IMPLEMENTED.equals(rec.verification))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every router already holds this split, verified (or unable to tell), with no managed route left
   * when they are to go, and none is in error: there is nothing to call.
   */
  boolean hold(String canaryHash, String stableHash, int weight, boolean noRoutes) {
    for (String name : names) {
      TrafficRouterStatus rec = find(name);
      if (rec == null
          || rec.phase != null
          || !Objects.equals(rec.canaryHash, canaryHash)
          || !Objects.equals(rec.stableHash, stableHash)
          || !Objects.equals(rec.weight, weight)
          || !(TrafficRoutes.VERIFIED.equals(rec.verification)
              || TrafficRoutes.NOT_IMPLEMENTED.equals(rec.verification))
          || (noRoutes && rec.routes != null && !rec.routes.isEmpty())) {
        return false;
      }
    }
    return true;
  }

  /** Some router has not verified the weight it was last told (or was not asked yet). */
  boolean unverified() {
    for (String name : names()) {
      TrafficRouterStatus rec = find(name);
      if (rec == null
          || rec.weight == null
          || !(TrafficRoutes.VERIFIED.equals(rec.verification)
              || TrafficRoutes.NOT_IMPLEMENTED.equals(rec.verification))) {
        return true;
      }
    }
    return false;
  }

  /** The largest weight any router may still send to pods of {@code hash}. */
  int weightTo(String hash) {
    int most = 0;
    for (String name : names()) {
      TrafficRouterStatus rec = find(name);
      if (rec == null || rec.weight == null || hash == null) {
        continue;
      }
      most = Math.max(most, weightTo(rec, hash, rec.weight));
      if (!settled(rec) && rec.verifiedWeight != null) {
        // Not verified yet: the data plane may still route the weight it verified before.
        most = Math.max(most, weightTo(rec, hash, rec.verifiedWeight));
      }
    }
    return most;
  }

  private int weightTo(TrafficRouterStatus rec, String hash, int canaryWeight) {
    int most = 0;
    if (hash.equals(rec.canaryHash)) {
      most = canaryWeight;
    }
    if (hash.equals(rec.stableHash)) {
      most = Math.max(most, r.maxWeight() - canaryWeight);
    }
    return most;
  }

  private static boolean settled(TrafficRouterStatus rec) {
    return TrafficRoutes.VERIFIED.equals(rec.verification)
        || TrafficRoutes.NOT_IMPLEMENTED.equals(rec.verification);
  }

  /**
   * Some router may still send requests to pods of {@code hash}: by weight, or through a managed
   * route to the canary it was last pointed at.
   */
  boolean referenced(String hash) {
    if (weightTo(hash) > 0) {
      return true;
    }
    for (String name : names()) {
      TrafficRouterStatus rec = find(name);
      if (rec != null
          && hash != null
          && hash.equals(rec.canaryHash)
          && rec.routes != null
          && !rec.routes.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** The weight some router may still route to {@code hash}; null before any was told one. */
  Integer routedTo(String hash) {
    return records().stream().anyMatch(e -> e.weight != null) ? weightTo(hash) : null;
  }

  /**
   * The weights every router agrees on, for {@code status.canary.weights}; null while they differ
   * (one failed half way) or none was told anything.
   */
  CanaryStatus.TrafficWeights agreed() {
    TrafficRouterStatus first = null;
    Boolean verified = Boolean.TRUE;
    boolean anyTells = false;
    for (String name : names()) {
      TrafficRouterStatus rec = find(name);
      if (rec == null || rec.weight == null) {
        return null;
      }
      if (first == null) {
        first = rec;
      } else if (!Objects.equals(first.canaryHash, rec.canaryHash)
          || !Objects.equals(first.stableHash, rec.stableHash)
          || !Objects.equals(first.weight, rec.weight)) {
        return null;
      }
      if (TrafficRoutes.NOT_VERIFIED.equals(rec.verification) || rec.verification == null) {
        verified = Boolean.FALSE;
      }
      anyTells |= !TrafficRoutes.NOT_IMPLEMENTED.equals(rec.verification);
    }
    if (first == null) {
      return null;
    }
    var canary = r.spec.strategy.canary;
    CanaryStatus.TrafficWeights w = new CanaryStatus.TrafficWeights();
    w.canary =
        new CanaryStatus.WeightDestination(first.weight, canary.canaryService, first.canaryHash);
    w.stable =
        new CanaryStatus.WeightDestination(
            r.maxWeight() - first.weight, canary.stableService, first.stableHash);
    w.verified = anyTells ? verified : null;
    return w;
  }

  List<TrafficRouterStatus> records() {
    return r.st.canary == null || r.st.canary.trafficRouters == null
        ? List.of()
        : r.st.canary.trafficRouters;
  }

  TrafficRouterStatus find(String name) {
    return records().stream().filter(e -> name.equals(e.name)).findFirst().orElse(null);
  }

  TrafficRouterStatus record(String name) {
    TrafficRouterStatus rec = find(name);
    if (rec != null) {
      return rec;
    }
    if (r.st.canary == null) {
      r.st.canary = new CanaryStatus();
    }
    if (r.st.canary.trafficRouters == null) {
      r.st.canary.trafficRouters = new ArrayList<>();
    }
    rec = new TrafficRouterStatus();
    rec.name = name;
    r.st.canary.trafficRouters.add(rec);
    return rec;
  }

  /** Drops the records of routers the Rollout no longer lists. */
  void forgetOthers() {
    if (r.st.canary != null && r.st.canary.trafficRouters != null) {
      r.st.canary.trafficRouters.removeIf(e -> !names.contains(e.name));
      if (r.st.canary.trafficRouters.isEmpty()) {
        r.st.canary.trafficRouters = null;
      }
    }
  }
}
