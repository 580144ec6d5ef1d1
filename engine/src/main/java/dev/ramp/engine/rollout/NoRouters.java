package dev.ramp.engine.rollout;

import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginCallException;
import dev.ramp.engine.plugin.TrafficRouterClient;
import dev.ramp.plugin.api.RouterCall;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.RouteMatch;
import dev.ramp.plugin.api.TrafficRouting.WeightCheck;
import dev.ramp.plugin.api.TrafficRouting.WeightDestination;
import java.util.List;

/** The routers of a controller without a plugin host: none is known. */
final class NoRouters implements TrafficRouterClient {
  static final NoRouters INSTANCE = new NoRouters();
  private static final String WHY = "this controller runs without a plugin host";

  private NoRouters() {}

  @Override
  public PluginAvailability availability(String pluginName) {
    return PluginAvailability.of(PluginAvailability.State.UNKNOWN, WHY);
  }

  private static PluginCallException none() {
    return new PluginCallException(PluginCallException.Reason.NOT_READY, "", WHY);
  }

  @Override
  public String updateHash(
      String pluginName,
      RouterCall call,
      String canaryHash,
      String stableHash,
      List<WeightDestination> additional) {
    throw none();
  }

  @Override
  public String setWeight(String pluginName, RouterCall call, DesiredWeight weight) {
    throw none();
  }

  @Override
  public String setHeaderRoute(String pluginName, RouterCall call, HeaderRoute route) {
    throw none();
  }

  @Override
  public String setMirrorRoute(
      String pluginName, RouterCall call, String name, Integer percentage, List<RouteMatch> match) {
    throw none();
  }

  @Override
  public WeightCheck verifyWeight(String pluginName, RouterCall call, DesiredWeight weight) {
    throw none();
  }

  @Override
  public String removeManagedRoutes(String pluginName, RouterCall call) {
    throw none();
  }
}
