package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/**
 * The Rollout's spec, field for field as Argo Rollouts names it.
 *
 * <p>{@code template} is kept as the JSON the user wrote (not a re-serialized PodTemplateSpec), so
 * that the pod-template hash never changes when Ramp's model or defaults change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RolloutSpec {
  @SpecReplicas public Integer replicas;
  public LabelSelector selector;

  @PreserveUnknownFields public JsonNode template;

  public Integer minReadySeconds;
  public Integer revisionHistoryLimit;
  public Integer progressDeadlineSeconds;
  public Boolean progressDeadlineAbort;
  public Boolean paused;

  /** Set by the restart action: pods older than this are replaced (Argo's field). */
  public String restartAt;

  public RolloutStrategy strategy;

  /** History limits of the Rollout's AnalysisRuns (Argo's {@code spec.analysis}). */
  public AnalysisRunStrategy analysis;

  /** Argo's workload reference; not supported by Ramp (InvalidSpec). */
  @PreserveUnknownFields public JsonNode workloadRef;
}
