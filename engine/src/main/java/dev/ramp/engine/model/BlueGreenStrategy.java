package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code spec.strategy.blueGreen}, Argo's field names. Fields Ramp does not drive are kept so that
 * validation can name them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class BlueGreenStrategy {
  /** The Service that receives production traffic (required). */
  public String activeService;

  /** The Service that selects the new pods before they are promoted. */
  public String previewService;

  /** The size of the new ReplicaSet before promotion; full size when unset. */
  public Integer previewReplicaCount;

  /** Promote on its own once ready (default true); false pauses with BlueGreenPause. */
  public Boolean autoPromotionEnabled;

  /** Promote on its own this long after the BlueGreenPause (ignored with auto-promotion off). */
  public Integer autoPromotionSeconds;

  /** How long the old ReplicaSet stays up after the new one became stable (default 30). */
  public Integer scaleDownDelaySeconds;

  /** How many old ReplicaSets may wait for their scale-down deadline at once. */
  public Integer scaleDownDelayRevisionLimit;

  /** How long the new ReplicaSet stays up after an abort (default 30; 0 keeps it). */
  public Integer abortScaleDownDelaySeconds;

  public RolloutAnalysis prePromotionAnalysis;
  public RolloutAnalysis postPromotionAnalysis;

  /** Put on the pods of the ReplicaSet the active Service selects, for as long as it does. */
  public PodTemplateMetadata activeMetadata;

  /** Put on the pods of the new ReplicaSet while the active Service does not select it. */
  public PodTemplateMetadata previewMetadata;

  /** The new ReplicaSet's pods avoid the nodes of the stable one. */
  public AntiAffinity antiAffinity;

  // An Argo field Ramp does not support: kept so that validation can name it.
  public IntOrString maxUnavailable;

  /**
   * Fields blue-green does not have (a canary's {@code steps}, {@code canaryService}, a typo):
   * kept, with the schema preserving unknown fields here, so validation names them instead of the
   * API server pruning them silently.
   */
  @JsonIgnore public final Map<String, JsonNode> otherFields = new TreeMap<>();

  @JsonAnySetter
  void other(String name, JsonNode value) {
    otherFields.put(name, value);
  }

  @JsonAnyGetter
  Map<String, JsonNode> other() {
    return otherFields;
  }
}
