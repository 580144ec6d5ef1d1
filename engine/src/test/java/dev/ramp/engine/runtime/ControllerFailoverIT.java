package dev.ramp.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.actions.RolloutActions;
import dev.ramp.engine.kube.EmbeddedApiServer;
import dev.ramp.engine.kube.election.LeaderElection;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.sandbox.NodeSimulator;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two controller processes on one API server: the leader stops mid-rollout, the other ends it. */
class ControllerFailoverIT {

  private static final String CONTROLLER_NS = "ramp-system";
  private static final String NS = "default";

  private EmbeddedApiServer server;
  private KubernetesClient client;
  private NodeSimulator nodes;
  private RampRuntime a;
  private RampRuntime b;

  @BeforeEach
  void setUp() throws Exception {
    server = EmbeddedApiServer.start();
    client = server.client();
    server.registerRampCrds();
    nodes = new NodeSimulator(client, Duration.ofMillis(100)).start();
  }

  @AfterEach
  void tearDown() {
    for (AutoCloseable c : new AutoCloseable[] {a, b, nodes}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    server.close();
  }

  private RampRuntime replica(String identity) {
    RampRuntime runtime =
        new RampRuntime(
            client,
            RampRuntime.Settings.defaults(CONTROLLER_NS)
                .withWatchNamespace(NS)
                .withPluginHost(RampRuntimeIT.fastHost()));
    runtime.startElected(
        new LeaderElection.Settings(
            CONTROLLER_NS,
            "ramp-controller",
            identity,
            Duration.ofSeconds(3),
            Duration.ofSeconds(2),
            Duration.ofMillis(200)));
    return runtime;
  }

  private Rollout awaitRollout(Predicate<Rollout> p) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.resources(Rollout.class).inNamespace(NS).withName("demo").get(),
            r -> r.getStatus() != null && p.test(r));
  }

  private static Predicate<Rollout> at(String phase, Integer step) {
    return r ->
        phase.equals(r.getStatus().phase)
            && Objects.equals(step, r.getStatus().currentStepIndex)
            && Objects.equals(r.getMetadata().getGeneration(), r.getStatus().observedGeneration);
  }

  @Test
  void theStandbyTakesOverWhenTheLeaderStopsMidRolloutAndCompletesIt() throws Exception {
    a = replica("a");
    await().atMost(Duration.ofSeconds(10)).until(() -> a.isLeader() && a.isControllerRunning());
    b = replica("b");
    // b stands by: ready (plugins configured, probes served) but not reconciling.
    await().atMost(Duration.ofSeconds(10)).until(b::isReady);
    assertThat(b.isLeader()).isFalse();
    assertThat(b.isControllerRunning()).isFalse();

    Rollout r = RampRuntimeIT.rollout("demo", Map.of());
    r.getSpec().replicas = 4;
    r.getSpec().strategy.canary.steps =
        java.util.List.of(
            dev.ramp.engine.model.CanaryStep.setWeight(25),
            dev.ramp.engine.model.CanaryStep.pause(null),
            dev.ramp.engine.model.CanaryStep.setWeight(75));
    client.resources(Rollout.class).inNamespace(NS).resource(r).create();
    String v1 = awaitRollout(at("Healthy", 3)).getStatus().stableRS;

    RolloutActions actions = new RolloutActions(client, Clock.systemUTC());
    actions.setImage(NS, "demo", "app", "demo:2");
    Rollout paused = awaitRollout(at("Paused", 1));
    assertThat(paused.getStatus().stableRS).isEqualTo(v1);
    String v2 = paused.getStatus().currentPodHash;
    assertThat(v2).isNotEqualTo(v1);

    // The leader stops cleanly mid-rollout: the lease is released and b takes over at once.
    a.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> b.isLeader() && b.isControllerRunning());
    Lease lease = client.leases().inNamespace(CONTROLLER_NS).withName("ramp-controller").get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("b");

    actions.promote(NS, "demo");
    Rollout done = awaitRollout(at("Healthy", 3));
    assertThat(done.getStatus().stableRS).isEqualTo(v2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client.apps().replicaSets().inNamespace(NS).list().getItems().stream()
                    .filter(rs -> rs.getSpec().getReplicas() > 0)
                    .map(rs -> rs.getMetadata().getLabels().get("rollouts-pod-template-hash"))
                    .toList(),
            hashes -> hashes.equals(java.util.List.of(v2)));
  }
}
