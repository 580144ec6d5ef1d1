package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Labels and annotations a Rollout puts on the pods of a ReplicaSet for as long as it has a role
 * (Argo's {@code PodTemplateMetadata}): {@code activeMetadata}/{@code previewMetadata} in
 * blue-green, {@code stableMetadata}/{@code canaryMetadata} in a canary.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PodTemplateMetadata {
  public Map<String, String> labels = new TreeMap<>();
  public Map<String, String> annotations = new TreeMap<>();

  public PodTemplateMetadata() {}

  public PodTemplateMetadata(Map<String, String> labels, Map<String, String> annotations) {
    this.labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
    this.annotations = annotations == null ? new TreeMap<>() : new TreeMap<>(annotations);
  }

  /**
   * A change of role was being written and did not finish: equal to no role, so that it is written
   * again.
   */
  public static PodTemplateMetadata pending() {
    return new PodTemplateMetadata(Map.of(), Map.of(RolloutLabels.ROLE_METADATA, "pending"));
  }

  /** No role: nothing to put on the pods. */
  public static PodTemplateMetadata none() {
    return new PodTemplateMetadata();
  }

  @JsonIgnore
  public boolean isEmpty() {
    return (labels == null || labels.isEmpty()) && (annotations == null || annotations.isEmpty());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PodTemplateMetadata m
        && Objects.equals(orEmpty(labels), orEmpty(m.labels))
        && Objects.equals(orEmpty(annotations), orEmpty(m.annotations));
  }

  @Override
  public int hashCode() {
    return Objects.hash(orEmpty(labels), orEmpty(annotations));
  }

  @Override
  public String toString() {
    return "labels " + orEmpty(labels) + ", annotations " + orEmpty(annotations);
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : new TreeMap<>(m);
  }
}
