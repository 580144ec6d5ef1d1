package dev.ramp.plugin.api;

import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.MirrorRoute;
import dev.ramp.plugin.api.TrafficRouting.WeightCheck;
import dev.ramp.plugin.api.TrafficRouting.WeightDestination;
import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * Moves traffic between a rollout's stable and canary services. Every call states a desired end
 * state and may be repeated (at-least-once delivery).
 */
public interface TrafficRouterPlugin extends ExtensionPoint {

  /** Called once after the plugin process started. */
  default void init() {}

  /** Point the routes' backends at the given revisions. */
  void updateHash(
      RouterCall call, String canaryHash, String stableHash, List<WeightDestination> additional);

  /** Route {@code weight.weight()} out of {@code weight.maxWeight()} to the canary. */
  void setWeight(RouterCall call, DesiredWeight weight);

  /** Add or (with no matches) remove a header route to the canary. */
  default void setHeaderRoute(RouterCall call, HeaderRoute route) {
    throw new PluginException(PluginException.Reason.UNIMPLEMENTED, "header routes unsupported");
  }

  /** Add or (with no matches) remove a mirror route to the canary. */
  default void setMirrorRoute(RouterCall call, MirrorRoute route) {
    throw new PluginException(PluginException.Reason.UNIMPLEMENTED, "mirror routes unsupported");
  }

  /**
   * Tell whether the data plane routes {@code weight}: VERIFIED only when it does, NOT_VERIFIED
   * while it has not caught up (the controller asks again), NOT_IMPLEMENTED when this router cannot
   * tell at all.
   */
  default WeightCheck verifyWeight(RouterCall call, DesiredWeight weight) {
    return WeightCheck.notImplemented("");
  }

  /** Remove every header and mirror route this plugin manages. */
  default void removeManagedRoutes(RouterCall call) {}
}
