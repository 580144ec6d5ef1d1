package dev.ramp.engine.plugin;

import dev.ramp.plugin.api.RouterCall;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.RouteMatch;
import dev.ramp.plugin.api.TrafficRouting.WeightCheck;
import dev.ramp.plugin.api.TrafficRouting.WeightDestination;
import java.util.List;

/**
 * The controller's view of traffic-router plugins. The plugin host implements it; the controller
 * and its unit tests see only this, never gRPC or processes.
 *
 * <p>Every call states a desired end state and may be repeated. A call that produces no result
 * throws {@link PluginCallException} saying why; the caller retries with backoff. The {@code
 * String} results are the plugin's message (may be empty).
 */
public interface TrafficRouterClient {

  /** Whether the named plugin can be called now, and if not, why. */
  PluginAvailability availability(String pluginName);

  String updateHash(
      String pluginName,
      RouterCall call,
      String canaryHash,
      String stableHash,
      List<WeightDestination> additional);

  String setWeight(String pluginName, RouterCall call, DesiredWeight weight);

  String setHeaderRoute(String pluginName, RouterCall call, HeaderRoute route);

  /**
   * Adds (or, with no matches, removes) a mirror route; a null {@code percentage} is sent unset
   * (the plugin reads it as 100).
   */
  String setMirrorRoute(
      String pluginName, RouterCall call, String name, Integer percentage, List<RouteMatch> match);

  WeightCheck verifyWeight(String pluginName, RouterCall call, DesiredWeight weight);

  String removeManagedRoutes(String pluginName, RouterCall call);
}
