package dev.ramp.engine.kube;

import dev.ramp.engine.model.RolloutLabels;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.stream.Stream;

/**
 * The ReplicaSet cache keeps what a reconcile reads: not the pod template, nor the template
 * annotation (a copy of it, read from the API server by undo). At 24,000 Rollouts with three
 * ReplicaSets each, the two are most of what a full cache would hold (docs/performance.md).
 */
final class ReplicaSetStore implements ItemStore<ReplicaSet> {

  private static final String[] FIELDS = {
    "metadata.uid",
    "metadata.labels",
    "metadata.annotations",
    "metadata.ownerReferences",
    "metadata.creationTimestamp",
    "metadata.deletionTimestamp",
    "metadata.generation",
    "spec.replicas",
    "spec.minReadySeconds",
    "spec.selector",
    "status"
  };

  private final ReducedStateItemStore<ReplicaSet> reduced;

  ReplicaSetStore(KubernetesSerialization serialization) {
    this.reduced =
        new ReducedStateItemStore<>(
            ReducedStateItemStore.NAME_KEY_STATE, ReplicaSet.class, serialization, FIELDS);
  }

  @Override
  public String getKey(ReplicaSet rs) {
    return reduced.getKey(rs);
  }

  @Override
  public ReplicaSet put(String key, ReplicaSet rs) {
    var annotations = rs.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(RolloutLabels.TEMPLATE)) {
      rs =
          new ReplicaSetBuilder(rs)
              .editMetadata()
              .removeFromAnnotations(RolloutLabels.TEMPLATE)
              .endMetadata()
              .build();
    }
    return reduced.put(key, rs);
  }

  @Override
  public ReplicaSet remove(String key) {
    return reduced.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return reduced.keySet();
  }

  @Override
  public Stream<ReplicaSet> values() {
    return reduced.values();
  }

  @Override
  public int size() {
    return reduced.size();
  }

  @Override
  public ReplicaSet get(String key) {
    return reduced.get(key);
  }

  @Override
  public boolean isFullState() {
    return false;
  }
}
