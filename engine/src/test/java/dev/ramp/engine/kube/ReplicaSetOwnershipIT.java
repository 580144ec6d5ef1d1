package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.rollout.RolloutReconciler;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Adoption of an unowned ReplicaSet, and a name collision with someone else's. */
class ReplicaSetOwnershipIT extends RolloutItBase {

  @BeforeEach
  void startController() {
    cluster.restartController();
  }

  ReplicaSet existing(String name, String hash, String ownerUid) {
    var meta =
        new ReplicaSetBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(Cluster.NS)
            .addToLabels("app", "demo")
            .addToLabels(RolloutLabels.POD_TEMPLATE_HASH, hash);
    if (ownerUid != null) {
      meta =
          meta.addNewOwnerReference()
              .withApiVersion("apps/v1")
              .withKind("Deployment")
              .withName("other")
              .withUid(ownerUid)
              .withController(true)
              .endOwnerReference();
    }
    return cluster
        .client
        .apps()
        .replicaSets()
        .inNamespace(Cluster.NS)
        .resource(
            meta.endMetadata()
                .withNewSpec()
                .withReplicas(0)
                .withNewSelector()
                .addToMatchLabels("app", "demo")
                .addToMatchLabels(RolloutLabels.POD_TEMPLATE_HASH, hash)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "demo")
                .addToLabels(RolloutLabels.POD_TEMPLATE_HASH, hash)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("demo:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  @Test
  void anUnownedReplicaSetWithTheHashIsAdopted() {
    Rollout r = Cluster.rollout("demo", 3, STEPS);
    String hash = RolloutReconciler.podTemplateHash(r.getSpec().template, null);
    existing("demo-" + hash, hash, null);
    Rollout created = cluster.create(r);
    awaitRollout("demo", phase("Healthy", 4));
    ReplicaSet rs =
        cluster.client.apps().replicaSets().inNamespace(Cluster.NS).withName("demo-" + hash).get();
    assertThat(rs.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                cluster.replicaSets("demo").size() == 1 && cluster.replicas("demo").get(hash) == 3);
  }

  @Test
  void aNameTakenByAnotherControllersReplicaSetBumpsTheCollisionCount() {
    Rollout r = Cluster.rollout("demo", 3, STEPS);
    String hash = RolloutReconciler.podTemplateHash(r.getSpec().template, null);
    existing("demo-" + hash, hash, "someone-else");
    cluster.create(r);
    Rollout done = awaitRollout("demo", phase("Healthy", 4));
    assertThat(done.getStatus().collisionCount).isEqualTo(1);
    String second = RolloutReconciler.podTemplateHash(r.getSpec().template, 1);
    assertThat(done.getStatus().stableRS).isEqualTo(second).isNotEqualTo(hash);
    ReplicaSet theirs =
        cluster.client.apps().replicaSets().inNamespace(Cluster.NS).withName("demo-" + hash).get();
    assertThat(theirs.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo("someone-else"));
  }
}
