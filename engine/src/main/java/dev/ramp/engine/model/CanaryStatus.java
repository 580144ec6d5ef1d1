package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/** {@code status.canary}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CanaryStatus {
  public TrafficWeights weights;

  /** The AnalysisRun of the current analysis step. */
  public RolloutAnalysisRunStatus currentStepAnalysisRunStatus;

  /** The background AnalysisRun. */
  public RolloutAnalysisRunStatus currentBackgroundAnalysisRunStatus;

  public List<StepPluginStatus> stepPluginStatuses;

  /** An AnalysisRun the Rollout waits on, as Argo's {@code RolloutAnalysisRunStatus}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class RolloutAnalysisRunStatus {
    public String name;
    public String status;
    public String message;

    public RolloutAnalysisRunStatus() {}

    public RolloutAnalysisRunStatus(String name, String status, String message) {
      this.name = name;
      this.status = status;
      this.message = message;
    }
  }

  /** Where traffic goes: canary and stable, by pod-template hash. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class TrafficWeights {
    public WeightDestination canary;
    public WeightDestination stable;
  }

  /** One destination's weight. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class WeightDestination {
    public Integer weight;
    public String serviceName;
    public String podTemplateHash;

    public WeightDestination() {}

    public WeightDestination(Integer weight, String serviceName, String podTemplateHash) {
      this.weight = weight;
      this.serviceName = serviceName;
      this.podTemplateHash = podTemplateHash;
    }
  }

  /** The record of one step plugin's calls, as Argo names its fields. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class StepPluginStatus {
    public Integer index;
    public String name;
    public String operation;
    public String phase;
    public String message;
    public String startedAt;
    public String updatedAt;
    public String finishedAt;
    public String backoff;
    public Integer executions;
    public Boolean disabled;

    /** The plugin's opaque state, handed back on its next call. */
    @PreserveUnknownFields public JsonNode status;
  }
}
