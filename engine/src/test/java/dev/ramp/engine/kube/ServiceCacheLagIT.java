package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutState;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The Service informer and the Rollout informer watch apart: a Service created just before its
 * Rollout (one `kubectl apply`, a rehearsal) may not be in the Service cache yet when the Rollout
 * is first reconciled. Here the cache never has it, which makes that moment last.
 */
class ServiceCacheLagIT extends RolloutItBase {

  private final List<String> writtenPhases = new CopyOnWriteArrayList<>();

  private Rollout deployWithServiceCacheBehind(Rollout rollout) {
    cluster.cachedServices = cache -> key -> null;
    cluster.beforeEachStatusWrite((read, st) -> writtenPhases.add(st.phase + ": " + st.message));
    cluster.restartController();
    cluster.create(rollout);
    return awaitRollout(
        rollout.getMetadata().getName(), r -> RolloutState.of(r) != RolloutState.IN_PROGRESS);
  }

  @Test
  void aServiceOnTheServerButNotYetInTheCacheIsNotCalledMissing() {
    Rollout r = deployWithServiceCacheBehind(Cluster.rollout("demo", 5, STEPS));

    assertThat(writtenPhases).noneMatch(p -> p.startsWith("Degraded"));
    assertThat(r.getStatus().phase).isEqualTo("Healthy");
    assertThat(cluster.events("demo")).noneMatch(e -> e.startsWith("InvalidSpec"));
  }

  @Test
  void aServiceMissingOnTheServerTooIsAnInvalidSpec() {
    Rollout rollout = Cluster.rollout("demo", 5, List.of(CanaryStep.setWeight(20)));
    rollout.getSpec().strategy.canary.canaryService = "nowhere";

    Rollout r = deployWithServiceCacheBehind(rollout);

    assertThat(r.getStatus().phase).isEqualTo("Degraded");
    assertThat(r.getStatus().message)
        .isEqualTo(
            "InvalidSpec: spec.strategy.canary.canaryService: Service \"nowhere\" not found in"
                + " the Rollout's namespace");
  }
}
