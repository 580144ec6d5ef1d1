package dev.ramp.plugin.sdk.testkit;

import dev.ramp.plugin.v1.HeaderMatch;
import dev.ramp.plugin.v1.InitRequest;
import dev.ramp.plugin.v1.RouteMatch;
import dev.ramp.plugin.v1.RouterRequest;
import dev.ramp.plugin.v1.SetHeaderRouteRequest;
import dev.ramp.plugin.v1.SetMirrorRouteRequest;
import dev.ramp.plugin.v1.SetWeightRequest;
import dev.ramp.plugin.v1.StringMatch;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc.TrafficRouterPluginBlockingStub;
import dev.ramp.plugin.v1.UpdateHashRequest;
import dev.ramp.plugin.v1.VerifyWeightRequest;
import io.grpc.Status;
import java.util.function.Supplier;

/** The checks of a traffic router: every RPC gets a real answer, in the controller's order. */
final class RouterConformance {

  /**
   * The managed routes of the sample Rollout, as the controller sends them with every call: the
   * header and mirror routes the checks set, in precedence order.
   */
  static final java.util.List<String> MANAGED_ROUTES =
      java.util.List.of("ramp-testkit-header", "ramp-testkit-mirror");

  private final Session session;
  private final String config;

  RouterConformance(Session session, String config) {
    this.session = session;
    this.config = config;
  }

  void run() {
    Answer<?> init =
        Answer.of(
            () ->
                stub()
                    .init(InitRequest.newBuilder().setPluginName(session.configuredName).build()));
    if (init.code() == Status.Code.UNIMPLEMENTED) {
      session.fail(
          "trafficRouter: Init answers",
          "answered " + init.describe() + "; does the plugin serve TrafficRouterPlugin?");
    } else {
      session.answered("trafficRouter: Init answers", init);
    }
    check(
        "UpdateHash",
        () ->
            stub()
                .updateHash(
                    UpdateHashRequest.newBuilder()
                        .setRequest(request("UpdateHash"))
                        .setCanaryHash("6f9c7d5b8")
                        .setStableHash("5d8b6c4a7")
                        .build()));
    check(
        "SetWeight",
        () ->
            stub()
                .setWeight(
                    SetWeightRequest.newBuilder()
                        .setRequest(request("SetWeight"))
                        .setDesiredWeight(10)
                        .setMaxWeight(100)
                        .build()));
    check(
        "VerifyWeight",
        () ->
            stub()
                .verifyWeight(
                    VerifyWeightRequest.newBuilder()
                        .setRequest(request("VerifyWeight"))
                        .setDesiredWeight(10)
                        .setMaxWeight(100)
                        .build()));
    check(
        "SetHeaderRoute",
        () ->
            stub()
                .setHeaderRoute(
                    SetHeaderRouteRequest.newBuilder()
                        .setRequest(request("SetHeaderRoute"))
                        .setName("ramp-testkit-header")
                        .addMatch(
                            HeaderMatch.newBuilder()
                                .setHeaderName("x-canary")
                                .setHeaderValue(StringMatch.newBuilder().setExact("true")))
                        .build()));
    check(
        "SetMirrorRoute",
        () ->
            stub()
                .setMirrorRoute(
                    SetMirrorRouteRequest.newBuilder()
                        .setRequest(request("SetMirrorRoute"))
                        .setName("ramp-testkit-mirror")
                        .setPercentage(5)
                        .addMatch(
                            RouteMatch.newBuilder()
                                .setPath(StringMatch.newBuilder().setPrefix("/")))
                        .build()));
    check("RemoveManagedRoutes", () -> stub().removeManagedRoutes(request("RemoveManagedRoutes")));
  }

  private void check(String rpc, Supplier<?> call) {
    session.answered("trafficRouter: " + rpc + " answers", Answer.of(call));
  }

  private TrafficRouterPluginBlockingStub stub() {
    return session.withDeadline(TrafficRouterPluginGrpc.newBlockingStub(session.plugin.channel()));
  }

  private RouterRequest request(String operation) {
    return RouterRequest.newBuilder()
        .setContext(session.context(operation))
        .setRolloutJson(Session.ROLLOUT_JSON)
        .setConfigJson(config)
        .addAllManagedRoutes(MANAGED_ROUTES)
        .build();
  }
}
