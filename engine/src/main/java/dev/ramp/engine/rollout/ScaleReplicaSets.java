package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.RolloutLabels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The replica split for the weight, and one bounded move towards it (Argo's basic canary: {@link
 * ReplicaMath}; with a traffic router, {@link RoutedReplicaSets}): creates the new ReplicaSet,
 * scales canary, stable and older ones, and gives a ReplicaSet made current again the next
 * revision.
 */
final class ScaleReplicaSets implements SubStep {

  @Override
  public void apply(Reconcile r) {
    if (r.routed()) {
      RoutedReplicaSets.apply(r);
      return;
    }
    int n = r.replicas();
    Observed.ReplicaSet current = r.current;
    Observed.ReplicaSet stable = r.stable();
    r.target =
        r.atStable
            ? new ReplicaMath.Split(n, 0)
            : ReplicaMath.split(n, r.weight, r.valid.limits().maxSurge());
    for (Observed.ReplicaSet rs : r.observed.replicaSets()) {
      if (rs != current && rs != stable) {
        r.others.add(rs);
      }
    }
    ReplicaMath.Scales scales =
        ReplicaMath.step(
            n,
            r.valid.limits(),
            r.target,
            counts(current),
            counts(stable),
            r.others.stream().map(ScaleReplicaSets::counts).toList());
    int maxRevision =
        r.observed.replicaSets().stream().mapToInt(Observed.ReplicaSet::revision).max().orElse(0);
    if (current == null) {
      r.create = newReplicaSet(r, scales.canary(), maxRevision + 1);
    } else {
      scale(r, current, scales.canary());
      int revision = r.currentRevision();
      if (revision != current.revision()) {
        r.revisions.put(current.name(), revision);
      }
    }
    if (stable != null) {
      scale(r, stable, scales.stable());
    }
    for (int i = 0; i < r.others.size(); i++) {
      scale(r, r.others.get(i), scales.others().get(i));
    }
  }

  private static void scale(Reconcile r, Observed.ReplicaSet rs, int replicas) {
    if (rs.replicas() != replicas) {
      r.scales.put(rs.name(), replicas);
    }
  }

  private static ReplicaMath.Current counts(Observed.ReplicaSet rs) {
    return rs == null
        ? new ReplicaMath.Current(0, 0)
        : new ReplicaMath.Current(rs.replicas(), rs.availableReplicas());
  }

  static Plan.NewReplicaSet newReplicaSet(Reconcile r, int replicas, int revision) {
    ObjectNode template = r.spec.template.deepCopy();
    ObjectNode meta =
        template.has("metadata") && template.get("metadata").isObject()
            ? (ObjectNode) template.get("metadata")
            : template.putObject("metadata");
    ObjectNode labels =
        meta.has("labels") && meta.get("labels").isObject()
            ? (ObjectNode) meta.get("labels")
            : meta.putObject("labels");
    labels.put(RolloutLabels.POD_TEMPLATE_HASH, r.hash);
    AntiAffinityRule.inject(r, template);
    Map<String, String> selector = new LinkedHashMap<>();
    if (r.spec.selector.getMatchLabels() != null) {
      selector.putAll(r.spec.selector.getMatchLabels());
    }
    selector.put(RolloutLabels.POD_TEMPLATE_HASH, r.hash);
    int minReady = r.spec.minReadySeconds == null ? 0 : r.spec.minReadySeconds;
    return new Plan.NewReplicaSet(
        r.rollout.getMetadata().getName() + "-" + r.hash,
        r.hash,
        template,
        selector,
        replicas,
        revision,
        minReady,
        RoleMetadata.role(r, r.hash));
  }
}
