package dev.ramp.engine.rollout;

import dev.ramp.engine.model.PodTemplateMetadata;
import java.util.List;
import java.util.Objects;

/**
 * Pod metadata by role: each ReplicaSet's pods carry the labels and annotations of the role they
 * have now, and lose those of a role they left. Blue-green: the ReplicaSet the active Service
 * selects gets {@code activeMetadata}; the new one, while not active, {@code previewMetadata}. A
 * canary: the stable ReplicaSet gets {@code stableMetadata}, the new one while it is not stable
 * {@code canaryMetadata}. Every other ReplicaSet has no role.
 *
 * <p>Blue-green follows the active Service rather than Argo's stable ReplicaSet, so that during
 * post-promotion analysis the pods taking production traffic are the ones labelled active; an abort
 * moves the labels back in the same reconcile that moves the Service.
 */
final class RoleMetadata implements SubStep {

  @Override
  public void apply(Reconcile r) {
    if (!configured(r) && r.observed.roleMetadata().isEmpty()) {
      return;
    }
    for (Observed.ReplicaSet rs : r.observed.replicaSets()) {
      if (rs.hash() == null || r.deletes.contains(rs.name())) {
        continue;
      }
      PodTemplateMetadata recorded =
          r.observed.roleMetadata().getOrDefault(rs.name(), PodTemplateMetadata.none());
      PodTemplateMetadata to = role(r, rs.hash());
      if (!Objects.equals(recorded, to)) {
        r.roleMetadata.add(
            new Plan.RoleMetadataWrite(rs.name(), rs.hash(), taken(r, recorded), to));
      }
    }
  }

  /**
   * The keys a change takes off unless the new role names them: what the record says, and every key
   * any role of this Rollout names (a change that stopped half way left some of them).
   */
  private static PodTemplateMetadata taken(Reconcile r, PodTemplateMetadata recorded) {
    java.util.Map<String, String> labels = new java.util.TreeMap<>();
    java.util.Map<String, String> annotations = new java.util.TreeMap<>();
    if (recorded.labels != null) {
      labels.putAll(recorded.labels);
    }
    if (recorded.annotations != null) {
      annotations.putAll(recorded.annotations);
    }
    annotations.remove(dev.ramp.engine.model.RolloutLabels.ROLE_METADATA);
    var s = r.spec.strategy;
    List<PodTemplateMetadata> roles =
        s.blueGreen != null
            ? java.util.Arrays.asList(s.blueGreen.activeMetadata, s.blueGreen.previewMetadata)
            : s.canary != null
                ? java.util.Arrays.asList(s.canary.stableMetadata, s.canary.canaryMetadata)
                : List.of();
    for (PodTemplateMetadata m : roles) {
      if (m != null && m.labels != null) {
        m.labels.forEach(labels::putIfAbsent);
      }
      if (m != null && m.annotations != null) {
        m.annotations.forEach(annotations::putIfAbsent);
      }
    }
    return new PodTemplateMetadata(labels, annotations);
  }

  private static boolean configured(Reconcile r) {
    var s = r.spec.strategy;
    if (s.blueGreen != null) {
      return s.blueGreen.activeMetadata != null || s.blueGreen.previewMetadata != null;
    }
    return s.canary != null && (s.canary.canaryMetadata != null || s.canary.stableMetadata != null);
  }

  /** The metadata of the role this pod template has now (empty: none). */
  static PodTemplateMetadata role(Reconcile r, String hash) {
    var s = r.spec.strategy;
    PodTemplateMetadata m = null;
    if (s.blueGreen != null) {
      if (hash.equals(r.bg().activeSelector)) {
        m = s.blueGreen.activeMetadata;
      } else if (hash.equals(r.hash)) {
        m = s.blueGreen.previewMetadata;
      }
    } else if (s.canary != null) {
      if (hash.equals(r.st.stableRS)) {
        m = s.canary.stableMetadata;
      } else if (hash.equals(r.hash)) {
        m = s.canary.canaryMetadata;
      }
    }
    return m == null
        ? PodTemplateMetadata.none()
        : new PodTemplateMetadata(m.labels, m.annotations);
  }
}
