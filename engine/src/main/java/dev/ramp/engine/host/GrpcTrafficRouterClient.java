package dev.ramp.engine.host;

import dev.ramp.engine.host.config.PluginKind;
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
import dev.ramp.plugin.v1.RouterRequest;
import dev.ramp.plugin.v1.SetHeaderRouteRequest;
import dev.ramp.plugin.v1.SetMirrorRouteRequest;
import dev.ramp.plugin.v1.SetWeightRequest;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc.TrafficRouterPluginBlockingStub;
import dev.ramp.plugin.v1.UpdateHashRequest;
import dev.ramp.plugin.v1.VerifyWeightRequest;
import dev.ramp.plugin.v1.VerifyWeightResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Traffic-router calls over gRPC; each idempotent per the contract, so retried once. */
final class GrpcTrafficRouterClient implements TrafficRouterClient {

  private final PluginCalls calls;
  private final Function<String, PluginAvailability> availability;

  GrpcTrafficRouterClient(PluginCalls calls, Function<String, PluginAvailability> availability) {
    this.calls = calls;
    this.availability = availability;
  }

  @Override
  public PluginAvailability availability(String pluginName) {
    return availability.apply(pluginName);
  }

  private <T> T call(
      String plugin, String method, Function<TrafficRouterPluginBlockingStub, T> rpc) {
    return calls.call(
        PluginKind.TRAFFIC_ROUTER,
        plugin,
        method,
        true,
        (channel, deadline) ->
            rpc.apply(
                TrafficRouterPluginGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)));
  }

  private static RouterRequest request(String plugin, RouterCall call, String method) {
    return RouterRequest.newBuilder()
        .setContext(ProtoMapping.context(call.context(), plugin, method))
        .setRolloutJson(ProtoMapping.json(call.rollout()))
        .setConfigJson(ProtoMapping.config(call.config()))
        .addAllManagedRoutes(call.managedRoutes())
        .build();
  }

  @Override
  public String updateHash(
      String plugin,
      RouterCall call,
      String canaryHash,
      String stableHash,
      List<WeightDestination> additional) {
    UpdateHashRequest request =
        UpdateHashRequest.newBuilder()
            .setRequest(request(plugin, call, "UpdateHash"))
            .setCanaryHash(canaryHash == null ? "" : canaryHash)
            .setStableHash(stableHash == null ? "" : stableHash)
            .addAllAdditionalDestinations(ProtoMapping.destinations(additional))
            .build();
    return call(plugin, "UpdateHash", s -> s.updateHash(request)).getMessage();
  }

  @Override
  public String setWeight(String plugin, RouterCall call, DesiredWeight weight) {
    SetWeightRequest request =
        SetWeightRequest.newBuilder()
            .setRequest(request(plugin, call, "SetWeight"))
            .setDesiredWeight(weight.weight())
            .setMaxWeight(weight.maxWeight())
            .addAllAdditionalDestinations(ProtoMapping.destinations(weight.additional()))
            .build();
    return call(plugin, "SetWeight", s -> s.setWeight(request)).getMessage();
  }

  @Override
  public String setHeaderRoute(String plugin, RouterCall call, HeaderRoute route) {
    SetHeaderRouteRequest request =
        SetHeaderRouteRequest.newBuilder()
            .setRequest(request(plugin, call, "SetHeaderRoute"))
            .setName(route.name())
            .addAllMatch(ProtoMapping.headerMatches(route.match()))
            .build();
    return call(plugin, "SetHeaderRoute", s -> s.setHeaderRoute(request)).getMessage();
  }

  @Override
  public String setMirrorRoute(
      String plugin, RouterCall call, String name, Integer percentage, List<RouteMatch> match) {
    SetMirrorRouteRequest.Builder b =
        SetMirrorRouteRequest.newBuilder()
            .setRequest(request(plugin, call, "SetMirrorRoute"))
            .setName(name)
            .addAllMatch(ProtoMapping.routeMatches(match));
    if (percentage != null) {
      b.setPercentage(percentage);
    }
    SetMirrorRouteRequest request = b.build();
    return call(plugin, "SetMirrorRoute", s -> s.setMirrorRoute(request)).getMessage();
  }

  @Override
  public WeightCheck verifyWeight(String plugin, RouterCall call, DesiredWeight weight) {
    VerifyWeightRequest request =
        VerifyWeightRequest.newBuilder()
            .setRequest(request(plugin, call, "VerifyWeight"))
            .setDesiredWeight(weight.weight())
            .setMaxWeight(weight.maxWeight())
            .addAllAdditionalDestinations(ProtoMapping.destinations(weight.additional()))
            .build();
    VerifyWeightResponse reply = call(plugin, "VerifyWeight", s -> s.verifyWeight(request));
    Verification verification =
        switch (reply.getVerification()) {
          case WEIGHT_VERIFICATION_VERIFIED -> Verification.VERIFIED;
          case WEIGHT_VERIFICATION_NOT_VERIFIED -> Verification.NOT_VERIFIED;
          case WEIGHT_VERIFICATION_NOT_IMPLEMENTED -> Verification.NOT_IMPLEMENTED;
          default ->
              throw new PluginCallException(
                  PluginCallException.Reason.BAD_RESULT,
                  "",
                  "plugin returned no verification (traffic-router plugin "
                      + plugin
                      + ", VerifyWeight)");
        };
    return new WeightCheck(verification, reply.getMessage());
  }

  @Override
  public String removeManagedRoutes(String plugin, RouterCall call) {
    RouterRequest request = request(plugin, call, "RemoveManagedRoutes");
    return call(plugin, "RemoveManagedRoutes", s -> s.removeManagedRoutes(request)).getMessage();
  }
}
