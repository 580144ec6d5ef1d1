package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import java.util.List;
import java.util.Map;

/**
 * One canary step as it travels on the wire: Argo's one-of object, exactly one field set ({@code
 * {setWeight: 20}}, {@code {pause: {duration: 30s}}}, {@code {plugin: {name, config}}}). The step
 * machine works on the typed view {@code dev.ramp.engine.rollout} derives from it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CanaryStep {
  public Integer setWeight;
  public PauseStep pause;
  public SetCanaryScaleStep setCanaryScale;
  public RolloutAnalysis analysis;

  /** Read by the step parser; its schema is {@link HeaderRouteSchema}. */
  @SchemaFrom(type = HeaderRouteSchema.class)
  public JsonNode setHeaderRoute;

  /** Read by the step parser; its schema is {@link MirrorRouteSchema}. */
  @SchemaFrom(type = MirrorRouteSchema.class)
  public JsonNode setMirrorRoute;

  public PluginStep plugin;

  /** Argo's experiment step: not supported yet (InvalidSpec). */
  @PreserveUnknownFields public JsonNode experiment;

  public static CanaryStep setWeight(int weight) {
    CanaryStep s = new CanaryStep();
    s.setWeight = weight;
    return s;
  }

  public static CanaryStep pause(String duration) {
    CanaryStep s = new CanaryStep();
    s.pause = new PauseStep();
    if (duration != null) {
      s.pause.duration = new io.fabric8.kubernetes.api.model.IntOrString(duration);
    }
    return s;
  }

  /** {@code pause: {duration: N}} or, with null, {@code pause: {}}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class PauseStep {
    /** "30s", "5m", "1h" or a plain integer of seconds, as in Argo. */
    public io.fabric8.kubernetes.api.model.IntOrString duration;
  }

  /** Argo's setCanaryScale. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class SetCanaryScaleStep {
    public Integer weight;
    public Integer replicas;
    public Boolean matchTrafficWeight;
  }

  /** {@code plugin: {name: org/name, config: {...}}}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class PluginStep {
    public String name;
    @PreserveUnknownFields public JsonNode config;
  }

  /** The schema of {@code setHeaderRoute} (Argo's SetHeaderRoute), for the CRD only. */
  public static class HeaderRouteSchema {
    public String name;
    public List<HeaderMatchSchema> match;
  }

  /** One header match of {@code setHeaderRoute}. */
  public static class HeaderMatchSchema {
    public String headerName;
    public StringMatchSchema headerValue;
  }

  /** The schema of {@code setMirrorRoute} (Argo's SetMirrorRoute), for the CRD only. */
  public static class MirrorRouteSchema {
    public String name;
    public Integer percentage;
    public List<RouteMatchSchema> match;
  }

  /** One match of {@code setMirrorRoute}. */
  public static class RouteMatchSchema {
    public StringMatchSchema method;
    public StringMatchSchema path;
    public Map<String, StringMatchSchema> headers;
  }

  /** Argo's StringMatch: one of exact, prefix, regex. */
  public static class StringMatchSchema {
    public String exact;
    public String prefix;
    public String regex;
  }
}
