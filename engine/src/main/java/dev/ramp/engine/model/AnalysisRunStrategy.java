package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code spec.analysis}, as Argo has it: how many completed AnalysisRuns of the Rollout are kept,
 * successful ones and unsuccessful ones (Failed, Error, Inconclusive); 5 each when unset.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AnalysisRunStrategy {
  public Integer successfulRunHistoryLimit;
  public Integer unsuccessfulRunHistoryLimit;
}
