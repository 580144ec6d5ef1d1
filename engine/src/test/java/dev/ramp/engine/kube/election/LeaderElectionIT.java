package dev.ramp.engine.kube.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaderElectionIT {

  KubernetesMockServer server;
  KubernetesClient client;

  private LeaderElection.Settings settings(String identity) {
    return new LeaderElection.Settings(
        "ramp-system",
        "ramp-controller",
        identity,
        Duration.ofSeconds(3),
        Duration.ofSeconds(2),
        Duration.ofMillis(200));
  }

  @Test
  void oneLeadsAndTheOtherTakesOverWhenItStops() {
    AtomicInteger aStarted = new AtomicInteger();
    AtomicInteger aStopped = new AtomicInteger();
    AtomicInteger bStarted = new AtomicInteger();
    LeaderElection a =
        new LeaderElection(
            client, settings("a"), aStarted::incrementAndGet, aStopped::incrementAndGet);
    LeaderElection b =
        new LeaderElection(client, settings("b"), bStarted::incrementAndGet, () -> {});
    try {
      a.start();
      await().atMost(Duration.ofSeconds(10)).until(a::isLeader);
      b.start();
      // b keeps trying but a renews: b must not lead while a holds the lease.
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(5))
          .until(() -> a.isLeader() && !b.isLeader());

      a.close();
      assertThat(aStopped.get()).isEqualTo(1);
      // Released on close: b takes over without waiting out the 3 s lease.
      await().atMost(Duration.ofSeconds(10)).until(b::isLeader);
      assertThat(bStarted.get()).isEqualTo(1);
      Lease lease = client.leases().inNamespace("ramp-system").withName("ramp-controller").get();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("b");
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void settingsRefuseARenewDeadlineLongerThanTheLease() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new LeaderElection.Settings(
                    "ns",
                    "l",
                    "me",
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaseDuration 5s must be longer than renewDeadline 10s");
  }
}
