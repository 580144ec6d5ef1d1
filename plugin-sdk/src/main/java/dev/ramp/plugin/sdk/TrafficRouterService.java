package dev.ramp.plugin.sdk;

import dev.ramp.plugin.api.TrafficRouterPlugin;
import dev.ramp.plugin.v1.InitRequest;
import dev.ramp.plugin.v1.InitResponse;
import dev.ramp.plugin.v1.RouterRequest;
import dev.ramp.plugin.v1.RouterResponse;
import dev.ramp.plugin.v1.SetHeaderRouteRequest;
import dev.ramp.plugin.v1.SetMirrorRouteRequest;
import dev.ramp.plugin.v1.SetWeightRequest;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc;
import dev.ramp.plugin.v1.UpdateHashRequest;
import dev.ramp.plugin.v1.VerifyWeightRequest;
import dev.ramp.plugin.v1.VerifyWeightResponse;
import io.grpc.stub.StreamObserver;

/** Serves a {@link TrafficRouterPlugin} as {@code ramp.plugin.v1.TrafficRouterPlugin}. */
final class TrafficRouterService extends TrafficRouterPluginGrpc.TrafficRouterPluginImplBase {

  private static final RouterResponse DONE = RouterResponse.getDefaultInstance();

  private final TrafficRouterPlugin plugin;

  TrafficRouterService(TrafficRouterPlugin plugin) {
    this.plugin = plugin;
  }

  @Override
  public void init(InitRequest request, StreamObserver<InitResponse> observer) {
    Calls.unary(
        "Init",
        observer,
        () -> {
          plugin.init();
          return InitResponse.getDefaultInstance();
        });
  }

  @Override
  public void updateHash(UpdateHashRequest request, StreamObserver<RouterResponse> observer) {
    Calls.unary(
        "UpdateHash",
        observer,
        () -> {
          plugin.updateHash(
              Conversions.routerCall(request.getRequest()),
              request.getCanaryHash(),
              request.getStableHash(),
              Conversions.destinations(request.getAdditionalDestinationsList()));
          return DONE;
        });
  }

  @Override
  public void setWeight(SetWeightRequest request, StreamObserver<RouterResponse> observer) {
    Calls.unary(
        "SetWeight",
        observer,
        () -> {
          plugin.setWeight(
              Conversions.routerCall(request.getRequest()),
              Conversions.desiredWeight(
                  request.getDesiredWeight(),
                  request.getMaxWeight(),
                  request.getAdditionalDestinationsList()));
          return DONE;
        });
  }

  @Override
  public void setHeaderRoute(
      SetHeaderRouteRequest request, StreamObserver<RouterResponse> observer) {
    Calls.unary(
        "SetHeaderRoute",
        observer,
        () -> {
          plugin.setHeaderRoute(
              Conversions.routerCall(request.getRequest()),
              Conversions.headerRoute(request.getName(), request.getMatchList()));
          return DONE;
        });
  }

  @Override
  public void setMirrorRoute(
      SetMirrorRouteRequest request, StreamObserver<RouterResponse> observer) {
    Calls.unary(
        "SetMirrorRoute",
        observer,
        () -> {
          plugin.setMirrorRoute(
              Conversions.routerCall(request.getRequest()),
              Conversions.mirrorRoute(
                  request.getName(),
                  // Unset means 100, as in Argo Rollouts.
                  request.getPercentagePresenceCase()
                          == SetMirrorRouteRequest.PercentagePresenceCase.PERCENTAGE
                      ? request.getPercentage()
                      : 100,
                  request.getMatchList()));
          return DONE;
        });
  }

  @Override
  public void verifyWeight(
      VerifyWeightRequest request, StreamObserver<VerifyWeightResponse> observer) {
    Calls.unary(
        "VerifyWeight",
        observer,
        () -> {
          var check =
              plugin.verifyWeight(
                  Conversions.routerCall(request.getRequest()),
                  Conversions.desiredWeight(
                      request.getDesiredWeight(),
                      request.getMaxWeight(),
                      request.getAdditionalDestinationsList()));
          if (check == null) {
            throw new dev.ramp.plugin.api.PluginException(
                dev.ramp.plugin.api.PluginException.Reason.INTERNAL, "verifyWeight returned null");
          }
          return VerifyWeightResponse.newBuilder()
              .setVerification(Conversions.verification(check.verification()))
              .setMessage(check.message())
              .build();
        });
  }

  @Override
  public void removeManagedRoutes(RouterRequest request, StreamObserver<RouterResponse> observer) {
    Calls.unary(
        "RemoveManagedRoutes",
        observer,
        () -> {
          plugin.removeManagedRoutes(Conversions.routerCall(request));
          return DONE;
        });
  }
}
