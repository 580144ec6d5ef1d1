package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code spec.strategy.canary.analysis}, Argo's {@code RolloutAnalysisBackground}: one run beside
 * the steps, from the step index {@code startingStep} (0 when unset) until the rollout completes,
 * aborts or is promoted full.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RolloutAnalysisBackground extends RolloutAnalysis {
  public Integer startingStep;
}
