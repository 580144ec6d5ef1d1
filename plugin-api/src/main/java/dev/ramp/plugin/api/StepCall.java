package dev.ramp.plugin.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One call of a step plugin.
 *
 * @param rollout the Rollout as JSON (metadata, spec, status)
 * @param config the step's {@code config} object ({@code {}} when absent)
 * @param state the state the last call of this step returned; a missing node on the first call
 */
public record StepCall(PluginContext context, JsonNode rollout, JsonNode config, JsonNode state) {

  /** The config bound to a type; a mismatch is an {@link InvalidConfigException}. */
  public <T> T config(Class<T> type) {
    return Json.bind(config, type);
  }

  /** True when no earlier call of this step returned a state. */
  public boolean firstCall() {
    return state == null || state.isMissingNode() || state.isNull();
  }
}
