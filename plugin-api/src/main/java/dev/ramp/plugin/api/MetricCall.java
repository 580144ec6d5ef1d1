package dev.ramp.plugin.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One call of a metric-provider plugin.
 *
 * @param analysisRun the AnalysisRun as JSON
 * @param metric the metric (one entry of {@code spec.metrics}) as JSON
 * @param config this plugin's provider config ({@code provider.plugin.<name>})
 */
public record MetricCall(
    PluginContext context, JsonNode analysisRun, JsonNode metric, JsonNode config) {

  public <T> T config(Class<T> type) {
    return Json.bind(config, type);
  }
}
