package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStatus.TrafficRouterStatus;
import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.model.TrafficRouting;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginCallException;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.RouterCall;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.Verification;
import dev.ramp.plugin.api.TrafficRouting.WeightCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The Rollout's traffic routers, called in the order {@code trafficRouting.plugins} lists them,
 * each told only what changed since its record in {@code status.canary.trafficRouters[]}: calls
 * happen once per change, not once per reconcile (Argo re-sends every reconcile). A router that
 * fails holds the rollout with a condition naming it and its message, and is tried again after a
 * backoff that doubles; one that is disabled or cannot take calls holds it too — a rollout never
 * pretends the traffic moved.
 */
final class TrafficRoutes {
  /**
   * How soon an unverified weight is checked again at most (Argo's verify retry interval); the
   * first checks come sooner — 1 s, 2 s, 4 s, 8 s — since a data plane usually catches up in a
   * moment, and a rollout (and its analysis) should not wait 10 s for it.
   */
  static final Duration VERIFY_RETRY = Duration.ofSeconds(10);

  /** The wait before the next check after {@code checks} NOT_VERIFIED answers in a row. */
  static Duration verifyWait(Integer checks) {
    int n = checks == null ? 1 : Math.max(1, checks);
    if (n > 4) {
      return VERIFY_RETRY;
    }
    Duration wait = Duration.ofSeconds(1L << (n - 1));
    return wait.compareTo(VERIFY_RETRY) < 0 ? wait : VERIFY_RETRY;
  }

  static final String VERIFIED = "Verified";
  static final String NOT_VERIFIED = "NotVerified";
  static final String NOT_IMPLEMENTED = "NotImplemented";
  private static final String ERROR = "Error";
  private static final String FIELD = "spec.strategy.canary.trafficRouting.plugins";

  private final Reconcile r;
  private final TrafficRouting spec;
  private final RouterRecords records;

  TrafficRoutes(Reconcile r) {
    this.r = r;
    this.spec = r.spec.strategy.canary.trafficRouting;
    this.records = new RouterRecords(r);
  }

  List<String> names() {
    return records.names();
  }

  private TrafficRouterStatus find(String name) {
    return records.find(name);
  }

  private TrafficRouterStatus record(String name) {
    return records.record(name);
  }

  /**
   * Every router can be called now. Otherwise the rollout holds: an unknown router is an
   * InvalidSpec; a disabled or unavailable one, or one whose failed call waits for its backoff, a
   * False TrafficRouting condition.
   */
  boolean ready() {
    for (String name : names()) {
      PluginAvailability a = r.routers.availability(name);
      switch (a.state()) {
        case READY:
          break;
        case UNKNOWN:
          r.invalidSpec =
              FIELD
                  + ": \""
                  + name
                  + "\" is not a configured traffic-router plugin; add it to trafficRouterPlugins"
                  + " in the plugin ConfigMap or fix the name";
          return false;
        case DISABLED:
          hold(
              Reason.TrafficRouterDisabled,
              "Traffic router "
                  + name
                  + " is disabled in the plugin ConfigMap: the rollout holds until it is enabled,"
                  + " since the traffic cannot move without it");
          return false;
        default:
          hold(
              Reason.TrafficRouterUnavailable,
              "Traffic router " + name + " cannot take calls: " + a.reason());
          return false;
      }
      TrafficRouterStatus rec = find(name);
      Instant due = retryAt(rec);
      if (due != null) {
        r.requeueWithin(Duration.between(r.now, due));
        r.hold = failure(name, rec) + "; retrying after " + rec.backoff;
        return false;
      }
    }
    return true;
  }

  /** Every router can take a call now: ready, and none waiting out a failed call's backoff. */
  boolean callable() {
    for (String name : names()) {
      if (!r.routers.availability(name).isReady()) {
        return false;
      }
      if (retryAt(find(name)) != null) {
        return false;
      }
    }
    return true;
  }

  /** When a router whose last call failed may be called again; null when it may be now. */
  private Instant retryAt(TrafficRouterStatus rec) {
    if (rec == null || !ERROR.equals(rec.phase) || rec.backoff == null || rec.updatedAt == null) {
      return null;
    }
    Instant due = Instant.parse(rec.updatedAt).plus(Durations.parse(rec.backoff, "backoff"));
    return r.now.isBefore(due) ? due : null;
  }

  /** Sets (or, with no matches, removes) the managed route of step {@code idx} on each router. */
  boolean setRoute(int idx, Step step) {
    String route;
    boolean remove;
    String op;
    java.util.function.BiFunction<String, RouterCall, String> send;
    if (step instanceof Step.SetHeaderRoute h) {
      route = h.name();
      remove = h.match().isEmpty();
      op = "SetHeaderRoute";
      send =
          (name, call) -> r.routers.setHeaderRoute(name, call, new HeaderRoute(route, h.match()));
    } else {
      Step.SetMirrorRoute m = (Step.SetMirrorRoute) step;
      route = m.name();
      remove = m.match().isEmpty();
      op = "SetMirrorRoute";
      send = (name, call) -> r.routers.setMirrorRoute(name, call, route, m.percentage(), m.match());
    }
    // The typed step's text: stable across controller restarts (an enum's hashCode is not).
    String digest = Integer.toHexString(step.toString().hashCode());
    for (String name : names()) {
      TrafficRouterStatus rec = record(name);
      if (done(rec, route, idx, digest, remove)) {
        continue;
      }
      // Recorded before the call: one that fails may still have reached the data plane, and
      // RemoveManagedRoutes must then remove it too.
      List<CanaryStatus.AppliedRoute> routes =
          rec.routes == null ? new ArrayList<>() : new ArrayList<>(rec.routes);
      routes.removeIf(a -> route.equals(a.name));
      CanaryStatus.AppliedRoute applied =
          new CanaryStatus.AppliedRoute(route, idx, digest, Boolean.TRUE);
      routes.add(applied);
      rec.routes = routes;
      if (!attempt(name, op, route + "@" + idx, call -> send.apply(name, call))) {
        return false;
      }
      applied.pending = null;
      if (remove) {
        routes.remove(applied);
      }
      rec.routes = routes.isEmpty() ? null : routes;
    }
    return true;
  }

  /** This router already holds what step {@code idx} asks of {@code route}. */
  private static boolean done(
      TrafficRouterStatus rec, String route, int idx, String digest, boolean remove) {
    List<CanaryStatus.AppliedRoute> routes = rec.routes == null ? List.of() : rec.routes;
    if (remove) {
      return routes.stream().noneMatch(a -> route.equals(a.name));
    }
    return routes.stream()
        .anyMatch(
            a ->
                route.equals(a.name)
                    && Objects.equals(a.step, idx)
                    && digest.equals(a.digest)
                    && a.pending == null);
  }

  /** RemoveManagedRoutes on each router that holds managed routes; false when one failed. */
  boolean removeRoutes() {
    for (String name : names()) {
      TrafficRouterStatus rec = find(name);
      if (rec == null || rec.routes == null || rec.routes.isEmpty()) {
        continue;
      }
      if (!attempt(
          name, "RemoveManagedRoutes", "all", call -> r.routers.removeManagedRoutes(name, call))) {
        return false;
      }
      rec.routes = null;
    }
    return true;
  }

  /**
   * Moves the traffic to {@code weight} (out of the max weight) between the two hashes, in Argo's
   * order: SetWeight first when the canary has no available pods but had weight (before its
   * backends change), UpdateHash, SetWeight, VerifyWeight. False when a router failed (the rollout
   * holds); true otherwise, even while a weight is not verified yet.
   */
  boolean route(String canaryHash, String stableHash, int weight, boolean canaryEmpty) {
    DesiredWeight desired = new DesiredWeight(weight, r.maxWeight(), List.of());
    List<String> lagging = new ArrayList<>();
    for (String name : names()) {
      TrafficRouterStatus rec = record(name);
      boolean hashes =
          !Objects.equals(rec.canaryHash, canaryHash)
              || !Objects.equals(rec.stableHash, stableHash);
      if (hashes && canaryEmpty && rec.weight != null && rec.weight > 0) {
        if (!setWeight(name, rec, desired)) {
          return false;
        }
      }
      if (hashes && !updateHash(name, rec, canaryHash, stableHash)) {
        return false;
      }
      if (!Objects.equals(rec.weight, weight) && !setWeight(name, rec, desired)) {
        return false;
      }
      if (!verify(name, rec, desired, lagging)) {
        return false;
      }
    }
    if (!lagging.isEmpty()) {
      String message =
          "Weight "
              + weight
              + " of "
              + r.maxWeight()
              + " to the canary is not verified yet by traffic router "
              + String.join(", ", lagging)
              + "; checking again within "
              + Durations.format(VERIFY_RETRY);
      condition(Reason.WeightNotVerified, message, false);
    } else {
      Conditions.remove(r.st, ConditionType.TrafficRouting);
    }
    return true;
  }

  private boolean updateHash(
      String name, TrafficRouterStatus rec, String canaryHash, String stableHash) {
    if (!attempt(
        name,
        "UpdateHash",
        canaryHash + "/" + stableHash,
        call -> r.routers.updateHash(name, call, canaryHash, stableHash, List.of()))) {
      return false;
    }
    rec.canaryHash = canaryHash;
    rec.stableHash = stableHash;
    // The weight is stated again for the new backends.
    rec.weight = null;
    rec.verification = null;
    rec.verifyChecks = null;
    return true;
  }

  /** VerifyWeight until the router says VERIFIED or NOT_IMPLEMENTED; false when it failed. */
  private boolean verify(
      String name, TrafficRouterStatus rec, DesiredWeight desired, List<String> lagging) {
    if (rec.verification != null && !NOT_VERIFIED.equals(rec.verification)) {
      return true;
    }
    if (NOT_VERIFIED.equals(rec.verification) && rec.updatedAt != null) {
      // Asked again when its wait is over, however often the rollout is reconciled meanwhile.
      Instant due = Instant.parse(rec.updatedAt).plus(verifyWait(rec.verifyChecks));
      if (r.now.isBefore(due)) {
        lagging.add(name + (rec.message == null ? "" : " (" + rec.message + ")"));
        r.requeueWithin(Duration.between(r.now, due));
        return true;
      }
    }
    WeightCheck[] check = new WeightCheck[1];
    if (!attempt(
        name,
        "VerifyWeight",
        String.valueOf(desired.weight()),
        call -> {
          check[0] = r.routers.verifyWeight(name, call, desired);
          return check[0].message();
        })) {
      return false;
    }
    rec.verification = name(check[0].verification());
    rec.message = null;
    if (check[0].verification() != Verification.NOT_VERIFIED) {
      rec.verifiedWeight = rec.weight;
      rec.verifyChecks = null;
    } else {
      rec.verifyChecks = (rec.verifyChecks == null ? 0 : rec.verifyChecks) + 1;
      rec.message = check[0].message().isEmpty() ? null : check[0].message();
      lagging.add(name + (rec.message == null ? "" : " (" + rec.message + ")"));
      r.requeueWithin(verifyWait(rec.verifyChecks));
    }
    return true;
  }

  private boolean setWeight(String name, TrafficRouterStatus rec, DesiredWeight desired) {
    if (!attempt(
        name,
        "SetWeight",
        desired.weight() + "/" + desired.maxWeight(),
        call -> r.routers.setWeight(name, call, desired))) {
      return false;
    }
    rec.weight = desired.weight();
    rec.verification = null;
    rec.verifyChecks = null;
    return true;
  }

  private static String name(Verification v) {
    return switch (v) {
      case VERIFIED -> VERIFIED;
      case NOT_VERIFIED -> NOT_VERIFIED;
      case NOT_IMPLEMENTED -> NOT_IMPLEMENTED;
    };
  }

  /** Calls one router, recording a failure; false when the call failed. */
  private boolean attempt(
      String name, String op, String detail, Function<RouterCall, String> call) {
    TrafficRouterStatus rec = record(name);
    try {
      call.apply(routerCall(name, op, rec, detail));
    } catch (PluginCallException e) {
      failed(name, rec, op, e.getMessage());
      return false;
    }
    if (!"VerifyWeight".equals(op)) {
      // VerifyWeight changes nothing: it needs no new key.
      rec.calls = (rec.calls == null ? 0 : rec.calls) + 1;
    }
    if (ERROR.equals(rec.phase)) {
      rec.phase = null;
      rec.operation = null;
      rec.message = null;
      rec.backoff = null;
      rec.failures = null;
    }
    rec.updatedAt = Reconcile.time(r.now);
    return true;
  }

  /** A failed call: ERROR with a doubling backoff, a condition and an Event naming the router. */
  private void failed(String name, TrafficRouterStatus rec, String op, String message) {
    Duration wait =
        r.pluginSettings.errorBackoffAfter(ERROR.equals(rec.phase) ? rec.backoff : null);
    rec.phase = ERROR;
    rec.operation = op;
    rec.message = message;
    rec.backoff = Durations.format(wait);
    rec.updatedAt = Reconcile.time(r.now);
    rec.failures = (rec.failures == null ? 0 : rec.failures) + 1;
    r.requeueWithin(wait);
    String text = failure(name, rec);
    r.hold = text + "; retrying after " + rec.backoff;
    condition(Reason.TrafficRoutingError, text, true);
  }

  private static String failure(String name, TrafficRouterStatus rec) {
    return "Traffic router " + name + ": " + rec.operation + " failed: " + rec.message;
  }

  private void hold(Reason reason, String message) {
    r.hold = message;
    condition(reason, message, true);
    r.requeueWithin(r.pluginSettings.unavailableRetry());
  }

  /** A False TrafficRouting condition, with an Event when its message is new. */
  private void condition(Reason reason, String message, boolean warning) {
    RolloutCondition was = r.old.condition(ConditionType.TrafficRouting);
    Conditions.set(r.st, ConditionType.TrafficRouting, Conditions.FALSE, reason, message, r.now);
    if (was == null || !Objects.equals(was.message, message)) {
      r.event(
          warning
              ? Plan.Event.warning(reason.name(), message)
              : Plan.Event.normal(reason.name(), message));
    }
  }

  private RouterCall routerCall(String name, String op, TrafficRouterStatus rec, String detail) {
    var meta = r.rollout.getMetadata();
    int attempt = (rec.failures == null ? 0 : rec.failures) + 1;
    String podHash = Reconcile.nz(r.st.currentPodHash);
    PluginContext ctx =
        new PluginContext(
            Reconcile.nz(meta.getUid()),
            Reconcile.nz(meta.getNamespace()),
            Reconcile.nz(meta.getName()),
            podHash,
            r.st.currentStepIndex == null ? -1 : r.st.currentStepIndex,
            Reconcile.nz(r.st.currentStepHash),
            op,
            attempt,
            // The router's call count makes a new call's key new (a retry after an abort sends
            // what it sent before); a call repeated after a crash or a failure keeps its key.
            Reconcile.nz(meta.getUid())
                + "/"
                + podHash
                + "/"
                + (rec.calls == null ? 0 : rec.calls)
                + "/"
                + op
                + "/"
                + detail,
            name);
    JsonNode config = spec.plugins.get(name);
    if (config == null || config.isNull()) {
      config = JsonNodeFactory.instance.objectNode();
    }
    return new RouterCall(ctx, Json.tree(r.rollout), config, managedRoutes());
  }

  private List<String> managedRoutes() {
    if (spec.managedRoutes == null) {
      return List.of();
    }
    return spec.managedRoutes.stream().map(m -> m.name).filter(Objects::nonNull).toList();
  }
}
