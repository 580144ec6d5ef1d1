package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;
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

  /**
   * The header and mirror routes steps may set, by name; the order is their precedence (the first
   * wins), as in Argo Rollouts.
   */
  public List<ManagedRoute> managedRoutes;

  /** The whole that {@code setWeight} and the routers' weights are out of; 100 when unset. */
  public Integer maxTrafficWeight;

  // Built-in routers of Argo, unsupported by Ramp.
  @PreserveUnknownFields public JsonNode istio;
  @PreserveUnknownFields public JsonNode nginx;
  @PreserveUnknownFields public JsonNode alb;
  @PreserveUnknownFields public JsonNode smi;
  @PreserveUnknownFields public JsonNode ambassador;
  @PreserveUnknownFields public JsonNode appMesh;
  @PreserveUnknownFields public JsonNode traefik;
  @PreserveUnknownFields public JsonNode apisix;

  /** One entry of {@code managedRoutes}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class ManagedRoute {
    public String name;

    public ManagedRoute() {}

    public ManagedRoute(String name) {
      this.name = name;
    }
  }
}
