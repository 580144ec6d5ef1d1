package dev.ramp.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node simulator ends the embedded world's Jobs as its annotation says. */
class NodeSimulatorJobsIT {
  private static final String NS = "shop";
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.750Z");

  private EmbeddedCluster cluster;
  private KubernetesClient client;
  private NodeSimulator nodes;

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.start(List.of(), List.of(NS));
    client = cluster.client();
    nodes =
        new NodeSimulator(client, Duration.ofMillis(10), Clock.fixed(T0, ZoneOffset.UTC)).start();
  }

  @AfterEach
  void stop() {
    nodes.close();
    cluster.close();
  }

  @Test
  void aJobCompletesAtTheSimulatorsTime() {
    create("plain", Map.of(), Map.of());

    Job job = awaitFinished("plain");

    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    assertThat(job.getStatus().getActive()).isZero();
    assertThat(job.getStatus().getStartTime()).isEqualTo("2026-11-23T10:00:00Z");
    assertThat(job.getStatus().getCompletionTime()).isEqualTo("2026-11-23T10:00:00Z");
    JobCondition c = job.getStatus().getConditions().get(0);
    assertThat(List.of(c.getType(), c.getStatus())).containsExactly("Complete", "True");
  }

  @Test
  void theFailedAnnotationFailsItAsTheBackoffLimitWould() {
    create("bad", Map.of(), Map.of(SimulatedJobs.ANNOTATION, "failed"));

    Job job = awaitFinished("bad");

    assertThat(job.getStatus().getFailed()).isEqualTo(7);
    assertThat(job.getStatus().getSucceeded()).isNull();
    assertThat(job.getStatus().getCompletionTime()).isNull();
    JobCondition c = job.getStatus().getConditions().get(0);
    assertThat(List.of(c.getType(), c.getStatus(), c.getReason()))
        .containsExactly("Failed", "True", "BackoffLimitExceeded");
  }

  @Test
  void theJobsOwnAnnotationComesBeforeItsPodTemplates() {
    create(
        "own",
        Map.of(SimulatedJobs.ANNOTATION, "succeeded"),
        Map.of(SimulatedJobs.ANNOTATION, "failed"));

    assertThat(awaitFinished("own").getStatus().getConditions().get(0).getType())
        .isEqualTo("Complete");
  }

  @Test
  void anUnknownValueFailsTheJobNamingIt() {
    create("typo", Map.of(SimulatedJobs.ANNOTATION, "sucess"), Map.of());

    JobCondition c = awaitFinished("typo").getStatus().getConditions().get(0);

    assertThat(c.getReason()).isEqualTo("InvalidSimulation");
    assertThat(c.getMessage())
        .isEqualTo("ramp.dev/simulate-job must be succeeded, failed or running, not \"sucess\"");
  }

  @Test
  void aRunningJobStartsAndDoesNotFinish() {
    create("forever", Map.of(SimulatedJobs.ANNOTATION, "running"), Map.of());

    Job job =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> client.batch().v1().jobs().inNamespace(NS).withName("forever").get(),
                j -> j.getStatus() != null && j.getStatus().getStartTime() != null);

    assertThat(job.getStatus().getActive()).isEqualTo(1);
    assertThat(job.getStatus().getConditions()).isNullOrEmpty();
    assertThat(SimulatedJobs.pending(job)).isFalse();
  }

  private void create(String name, Map<String, String> own, Map<String, String> pod) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withAnnotations(own)
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewMetadata()
                .withAnnotations(pod)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("check")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private Job awaitFinished(String name) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> client.batch().v1().jobs().inNamespace(NS).withName(name).get(),
            j -> j.getStatus() != null && j.getStatus().getConditions() != null);
  }
}
