package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

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
  @PreserveUnknownFields public JsonNode setHeaderRoute;
  @PreserveUnknownFields public JsonNode setMirrorRoute;
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
}
