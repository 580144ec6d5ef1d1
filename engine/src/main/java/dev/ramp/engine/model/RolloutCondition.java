package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A status condition: InvalidSpec, Available, Progressing, Paused, Completed or Healthy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RolloutCondition {
  public String type;
  public String status;
  public String reason;
  public String message;
  public String lastUpdateTime;
  public String lastTransitionTime;

  public RolloutCondition() {}

  public RolloutCondition(String type, String status, String reason, String message) {
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.message = message;
  }
}
