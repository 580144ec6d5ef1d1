package dev.ramp.plugin.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One call of a traffic-router plugin.
 *
 * @param config this plugin's entry of {@code trafficRouting.plugins}
 * @param managedRoutes the names of {@code trafficRouting.managedRoutes}, in order (the first has
 *     the highest precedence)
 */
public record RouterCall(
    PluginContext context, JsonNode rollout, JsonNode config, List<String> managedRoutes) {

  public RouterCall {
    managedRoutes = managedRoutes == null ? List.of() : List.copyOf(managedRoutes);
  }

  public RouterCall(PluginContext context, JsonNode rollout, JsonNode config) {
    this(context, rollout, config, List.of());
  }

  public <T> T config(Class<T> type) {
    return Json.bind(config, type);
  }
}
