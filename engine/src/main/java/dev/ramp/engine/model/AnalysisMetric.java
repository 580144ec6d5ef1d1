package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * One metric of a template or run, as Argo names its fields. The numbers may be strings so that
 * they can come from args, as in Argo. {@code provider} keeps every field, Argo providers that Ramp
 * does not build in included, so that the controller can say what to use instead.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AnalysisMetric {
  public String name;
  public String interval;
  public String initialDelay;
  public IntOrString count;
  public IntOrString failureLimit;
  public IntOrString inconclusiveLimit;
  public IntOrString consecutiveErrorLimit;
  public IntOrString consecutiveSuccessLimit;
  public String successCondition;
  public String failureCondition;

  /** Exactly one of web, prometheus, job or plugin. */
  @PreserveUnknownFields public JsonNode provider;
}
