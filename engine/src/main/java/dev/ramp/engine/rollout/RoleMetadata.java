package dev.ramp.engine.rollout;

import dev.ramp.engine.model.PodTemplateMetadata;
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
      PodTemplateMetadata from =
          r.observed.roleMetadata().getOrDefault(rs.name(), PodTemplateMetadata.none());
      PodTemplateMetadata to = role(r, rs.hash());
      if (!Objects.equals(from, to)) {
        r.roleMetadata.add(new Plan.RoleMetadataWrite(rs.name(), rs.hash(), from, to));
      }
    }
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
