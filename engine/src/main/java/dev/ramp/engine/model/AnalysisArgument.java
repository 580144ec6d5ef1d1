package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An arg of a template or run: a {@code value}, or {@code valueFrom} a Secret key, a ConfigMap key,
 * a field of the Rollout, or a pod-template hash ({@code Latest} or {@code Stable}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AnalysisArgument {
  public String name;
  public String value;
  public ValueFrom valueFrom;

  public AnalysisArgument() {}

  public AnalysisArgument(String name, String value) {
    this.name = name;
    this.value = value;
  }

  /** Where the value comes from; exactly one field is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class ValueFrom {
    public KeyRef secretKeyRef;
    public KeyRef configMapKeyRef;
    public FieldRef fieldRef;

    /** {@code Latest} or {@code Stable}. */
    public String podTemplateHashValue;
  }

  /** A key of a Secret or ConfigMap in the run's namespace. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class KeyRef {
    public String name;
    public String key;
  }

  /** A field of the Rollout, such as {@code metadata.labels['app']}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class FieldRef {
    public String fieldPath;
  }
}
