package dev.ramp.engine.kube;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;

/**
 * Stands in for kubelets and the ReplicaSet controller: makes every ReplicaSet's pods "ready" by
 * setting its status replicas, ready and available to its spec. Switched off, it leaves ReplicaSets
 * as they are (pods that never become ready).
 */
final class NodeSimulator implements AutoCloseable {
  private final KubernetesClient client;
  private final SharedIndexInformer<ReplicaSet> informer;
  private volatile boolean enabled = true;

  NodeSimulator(KubernetesClient client, String namespace) {
    this.client = client;
    this.informer =
        client
            .apps()
            .replicaSets()
            .inNamespace(namespace)
            .inform(
                new ResourceEventHandler<>() {
                  public void onAdd(ReplicaSet rs) {
                    settle(rs);
                  }

                  public void onUpdate(ReplicaSet o, ReplicaSet rs) {
                    settle(rs);
                  }

                  public void onDelete(ReplicaSet rs, boolean unknown) {}
                },
                0);
  }

  void enabled(boolean on) {
    enabled = on;
    if (on) {
      informer.getStore().list().forEach(this::settle);
    }
  }

  private void settle(ReplicaSet rs) {
    if (!enabled) {
      return;
    }
    int want = rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
    var st = rs.getStatus();
    if (st != null
        && Objects.equals(st.getReplicas(), want)
        && Objects.equals(st.getReadyReplicas(), want)
        && Objects.equals(st.getAvailableReplicas(), want)) {
      return;
    }
    String patch =
        "{\"status\":{\"replicas\":"
            + want
            + ",\"readyReplicas\":"
            + want
            + ",\"availableReplicas\":"
            + want
            + ",\"fullyLabeledReplicas\":"
            + want
            + "}}";
    try {
      client
          .apps()
          .replicaSets()
          .inNamespace(rs.getMetadata().getNamespace())
          .withName(rs.getMetadata().getName())
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (RuntimeException e) {
      // Deleted meanwhile: nothing to simulate.
    }
  }

  @Override
  public void close() {
    informer.stop();
  }
}
