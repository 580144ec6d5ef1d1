package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ramp.engine.model.CanaryStatus.RolloutAnalysisRunStatus;

/** {@code status.blueGreen}, as Argo names it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class BlueGreenStatus {
  /** The pod-template hash the preview Service selects. */
  public String previewSelector;

  /** The pod-template hash the active Service selects. */
  public String activeSelector;

  /** The preview was promoted: the new ReplicaSet goes from previewReplicaCount to full size. */
  public Boolean scaleUpPreviewCheckPoint;

  public RolloutAnalysisRunStatus prePromotionAnalysisRunStatus;
  public RolloutAnalysisRunStatus postPromotionAnalysisRunStatus;
}
