package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The Rollout's status, as Argo names it. Computed whole by the step machine each reconcile. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RolloutStatus {
  /** Healthy, Progressing, Paused or Degraded. */
  public String phase;

  public String message;
  public Integer currentStepIndex;
  public String currentStepHash;
  public String currentPodHash;
  public String stableRS;
  public Boolean abort;
  public String abortedAt;
  public Boolean promoteFull;

  /** Set when the controller itself paused the rollout (a pause step); cleared on promote. */
  public Boolean controllerPause;

  public List<PauseCondition> pauseConditions;
  public List<RolloutCondition> conditions;

  /** The spec generation this status was computed from. */
  public Long observedGeneration;

  @StatusReplicas public Integer replicas;
  public Integer updatedReplicas;
  public Integer readyReplicas;
  public Integer availableReplicas;

  /** The pod selector as a string, for the scale subresource (an HPA reads it). */
  @LabelSelector public String selector;

  @JsonProperty("HPAReplicas")
  public Integer hpaReplicas;

  public Integer collisionCount;
  public String restartedAt;

  /**
   * How many times the rollout was retried after an abort (a Ramp addition). Part of the step
   * plugins' idempotency keys, so a step run again after a retry is a new operation for them.
   */
  public Integer retries;

  public CanaryStatus canary;
  public BlueGreenStatus blueGreen;

  /** A deep copy through JSON, so the step machine can compute a new status beside the old. */
  public RolloutStatus copy() {
    return Json.copy(this, RolloutStatus.class);
  }

  public List<RolloutCondition> conditionsOrEmpty() {
    return conditions == null ? new ArrayList<>() : conditions;
  }

  public RolloutCondition condition(ConditionType type) {
    return condition(type.name());
  }

  public RolloutCondition condition(String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> Objects.equals(c.type, type)).findFirst().orElse(null);
  }

  /** One pause: why, and since when (RFC 3339). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class PauseCondition {
    public String reason;
    public String startTime;

    public PauseCondition() {}

    public PauseCondition(String reason, String startTime) {
      this.reason = reason;
      this.startTime = startTime;
    }
  }
}
