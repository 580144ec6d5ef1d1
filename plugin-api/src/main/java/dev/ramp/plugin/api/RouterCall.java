package dev.ramp.plugin.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One call of a traffic-router plugin.
 *
 * @param config this plugin's entry of {@code trafficRouting.plugins}
 */
public record RouterCall(PluginContext context, JsonNode rollout, JsonNode config) {

  public <T> T config(Class<T> type) {
    return Json.bind(config, type);
  }
}
