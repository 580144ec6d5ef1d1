package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;

/** {@code spec.strategy.canary}. Unsupported Argo fields are kept so they can be reported. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CanaryStrategy {
  public String canaryService;
  public String stableService;
  public TrafficRouting trafficRouting;

  /** Background analysis (Argo's RolloutAnalysisBackground). */
  public RolloutAnalysisBackground analysis;

  public IntOrString maxSurge;
  public IntOrString maxUnavailable;
  public Integer scaleDownDelaySeconds;
  public Integer abortScaleDownDelaySeconds;
  public Boolean dynamicStableScale;
  public List<CanaryStep> steps;

  /** Put on the pods of the new ReplicaSet while it is not stable. */
  public PodTemplateMetadata canaryMetadata;

  /** Put on the pods of the stable ReplicaSet. */
  public PodTemplateMetadata stableMetadata;

  /** The new ReplicaSet's pods avoid the nodes of the stable one. */
  public AntiAffinity antiAffinity;

  // Argo fields Ramp does not support: kept so that validation can name them.
  @PreserveUnknownFields public JsonNode pingPong;
  public Integer minPodsPerReplicaSet;
  public Integer scaleDownDelayRevisionLimit;
}
