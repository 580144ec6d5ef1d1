package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.model.Rollout;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The status write: a merge patch of /status carrying the resourceVersion read. */
class StatusWriteIT extends RolloutItBase {

  @Test
  void aStatusPatchWithAStaleResourceVersionIsRefused() {
    Rollout r = cluster.create(Cluster.rollout("demo", 1, STEPS));
    String stale = r.getMetadata().getResourceVersion();
    cluster
        .client
        .resources(Rollout.class)
        .inNamespace(Cluster.NS)
        .withName("demo")
        .edit(
            x -> {
              x.getMetadata().getAnnotations().put("touched", "yes");
              return x;
            });
    assertThatThrownBy(
            () ->
                cluster
                    .client
                    .resources(Rollout.class)
                    .inNamespace(Cluster.NS)
                    .withName("demo")
                    .subresource("status")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"resourceVersion\":\""
                            + stale
                            + "\"},"
                            + "\"status\":{\"phase\":\"Healthy\"}}"))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
  }

  @Test
  void aWriteFromAStaleReadIsRecomputedNotApplied() {
    // Before the controller's first write lands, someone else writes the Rollout: the write
    // must fail with 409 and the reconcile start again from the new read.
    AtomicInteger attempts = new AtomicInteger();
    cluster.restartController();
    cluster.beforeEachStatusWrite(
        (read, status) -> {
          if (attempts.incrementAndGet() == 1) {
            cluster
                .client
                .resources(Rollout.class)
                .inNamespace(Cluster.NS)
                .withName("demo")
                .edit(
                    x -> {
                      x.getMetadata().getAnnotations().put("touched", "yes");
                      return x;
                    });
          }
        });
    cluster.create(Cluster.rollout("demo", 2, STEPS));
    Rollout r = awaitRollout("demo", phase("Healthy", 4));
    assertThat(attempts.get()).isGreaterThan(1);
    assertThat(r.getMetadata().getAnnotations()).containsEntry("touched", "yes");
    assertThat(r.getStatus().stableRS).isEqualTo(r.getStatus().currentPodHash);
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.replicaSets("demo").size() == 1);
  }
}
