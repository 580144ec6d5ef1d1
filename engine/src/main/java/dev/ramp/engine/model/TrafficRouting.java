package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.Map;

/**
 * {@code spec.strategy.canary.trafficRouting}. Ramp routes traffic through plugins only; Argo's
 * built-in routers are modelled so that a manifest using them is reported, not pruned.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class TrafficRouting {
  /** Router plugin name ({@code org/name}) to its opaque configuration. */
  @PreserveUnknownFields public Map<String, JsonNode> plugins;

  @PreserveUnknownFields public JsonNode managedRoutes;

  // Built-in routers of Argo, unsupported by Ramp.
  @PreserveUnknownFields public JsonNode istio;
  @PreserveUnknownFields public JsonNode nginx;
  @PreserveUnknownFields public JsonNode alb;
  @PreserveUnknownFields public JsonNode smi;
  @PreserveUnknownFields public JsonNode ambassador;
  @PreserveUnknownFields public JsonNode appMesh;
  @PreserveUnknownFields public JsonNode traefik;
  @PreserveUnknownFields public JsonNode apisix;
}
