package dev.ramp.engine.rollout;

import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginCallException;
import dev.ramp.engine.plugin.TrafficRouterClient;
import dev.ramp.plugin.api.RouterCall;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.RouteMatch;
import dev.ramp.plugin.api.TrafficRouting.Verification;
import dev.ramp.plugin.api.TrafficRouting.WeightCheck;
import dev.ramp.plugin.api.TrafficRouting.WeightDestination;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Traffic routers for the step machine's tests: each call recorded as one line ({@code "acme/mesh
 * SetWeight 20/100"}), availability, failures and verifications set by the test.
 */
final class FakeRouters implements TrafficRouterClient {
  final List<String> calls = new ArrayList<>();
  final List<RouterCall> received = new ArrayList<>();
  final Map<String, PluginAvailability> availability = new HashMap<>();

  /** Failures to throw, per "router operation", one per call, in order. */
  final Map<String, Deque<String>> failures = new HashMap<>();

  /** Answers to VerifyWeight, per router, one per call; VERIFIED once empty. */
  final Map<String, Deque<Verification>> verifications = new HashMap<>();

  FakeRouters ready(String... names) {
    for (String name : names) {
      availability.put(name, PluginAvailability.ready());
    }
    return this;
  }

  FakeRouters failOnce(String router, String op, String message) {
    failures.computeIfAbsent(router + " " + op, k -> new ArrayDeque<>()).add(message);
    return this;
  }

  FakeRouters verify(String router, Verification... answers) {
    verifications
        .computeIfAbsent(router, k -> new ArrayDeque<>())
        .addAll(java.util.Arrays.asList(answers));
    return this;
  }

  /** The calls recorded since the last take, then forgets them. */
  List<String> take() {
    List<String> out = List.copyOf(calls);
    calls.clear();
    return out;
  }

  @Override
  public PluginAvailability availability(String name) {
    return availability.getOrDefault(
        name, PluginAvailability.of(PluginAvailability.State.UNKNOWN, "no plugin named " + name));
  }

  private void record(String name, RouterCall call, String op, String detail) {
    Deque<String> fail = failures.get(name + " " + op);
    if (fail != null && !fail.isEmpty()) {
      throw new PluginCallException(PluginCallException.Reason.UNAVAILABLE, "", fail.poll());
    }
    received.add(call);
    calls.add(name + " " + op + (detail.isEmpty() ? "" : " " + detail));
  }

  @Override
  public String updateHash(
      String name,
      RouterCall call,
      String canaryHash,
      String stableHash,
      List<WeightDestination> additional) {
    record(name, call, "UpdateHash", canaryHash + " " + stableHash);
    return "";
  }

  @Override
  public String setWeight(String name, RouterCall call, DesiredWeight weight) {
    record(name, call, "SetWeight", weight.weight() + "/" + weight.maxWeight());
    return "";
  }

  @Override
  public String setHeaderRoute(String name, RouterCall call, HeaderRoute route) {
    record(name, call, "SetHeaderRoute", route.name() + (route.match().isEmpty() ? " -" : ""));
    return "";
  }

  @Override
  public String setMirrorRoute(
      String name, RouterCall call, String route, Integer percentage, List<RouteMatch> match) {
    record(
        name,
        call,
        "SetMirrorRoute",
        route + (match.isEmpty() ? " -" : " " + (percentage == null ? "unset" : percentage)));
    return "";
  }

  @Override
  public WeightCheck verifyWeight(String name, RouterCall call, DesiredWeight weight) {
    record(name, call, "VerifyWeight", String.valueOf(weight.weight()));
    Deque<Verification> answers = verifications.get(name);
    Verification v = answers == null || answers.isEmpty() ? Verification.VERIFIED : answers.poll();
    return new WeightCheck(v, v == Verification.NOT_VERIFIED ? "gateway lags" : "");
  }

  @Override
  public String removeManagedRoutes(String name, RouterCall call) {
    record(name, call, "RemoveManagedRoutes", "");
    return "";
  }
}
