package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.analysis.Measurer.Measured;
import dev.ramp.engine.analysis.Measurer.Measured.Status;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.provider.MetricArgs;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job provider against the embedded API server, whose node simulator finishes the Jobs (as
 * {@code ramp demo} runs them).
 */
class JobMeasurementsIT {
  private static final String NS = "shop";
  private static final String UID = "5f0c1d2e-0000-4000-8000-00000000c0de";
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private EmbeddedCluster cluster;
  private KubernetesClient client;
  private dev.ramp.engine.sandbox.NodeSimulator nodes;
  private JobMeasurements jobs;
  private final AnalysisRun run = run();

  @BeforeEach
  void start() {
    cluster = EmbeddedCluster.start(List.of(), List.of(NS));
    client = cluster.client();
    nodes =
        new dev.ramp.engine.sandbox.NodeSimulator(
                client, Duration.ofMillis(10), new MutableClock(T0))
            .start();
    // No informer here: every read falls back to the API, as after a cache miss.
    jobs = new JobMeasurements(client, key -> null);
  }

  @AfterEach
  void stop() {
    nodes.close();
    cluster.close();
  }

  @Test
  void runCreatesAJobTheRunControlsAndAnswersRunning() {
    Measured m = jobs.run(run, call("smoke", 1), spec(null), MetricArgs.of(Map.of()));

    assertThat(m.status()).isEqualTo(Status.RUNNING);
    assertThat(m.resumeAt()).isNull();
    String name = UID + ".smoke.1";
    assertThat(m.metadata()).containsEntry("job-name", name).containsEntry("job-namespace", NS);
    Job job = client.batch().v1().jobs().inNamespace(NS).withName(name).get();
    assertThat(job.getMetadata().getLabels())
        .containsEntry("team", "checkout")
        .containsEntry("analysisrun.ramp.dev/uid", UID);
    assertThat(job.getMetadata().getAnnotations())
        .containsEntry("note", "kept")
        .containsEntry("analysisrun.ramp.dev/name", "canary-7")
        .containsEntry("analysisrun.ramp.dev/namespace", NS)
        .containsEntry("analysisrun.ramp.dev/metric-name", "smoke");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("analysisrun.ramp.dev/uid", UID);
    var owner = job.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getApiVersion()).isEqualTo("ramp.dev/v1alpha1");
    assertThat(owner.getKind()).isEqualTo("AnalysisRun");
    assertThat(owner.getName()).isEqualTo("canary-7");
    assertThat(owner.getUid()).isEqualTo(UID);
    assertThat(owner.getController()).isTrue();
    assertThat(JobMeasurements.owningRun(job)).contains(NS + "/canary-7");
  }

  @Test
  void aJobTheSimulatorCompletesIsSuccessful() {
    Measured m = jobs.run(run, call("smoke", 1), spec(null), MetricArgs.of(Map.of()));
    awaitJob(UID + ".smoke.1", j -> j.getStatus() != null && j.getStatus().getSucceeded() != null);

    Measured done = jobs.resume(run, call("smoke", 1), inFlight(m));

    assertThat(done.status()).isEqualTo(Status.SUCCESSFUL);
    assertThat(done.metadata()).isEqualTo(m.metadata());
  }

  @Test
  void aJobAnnotatedToFailIsFailedWithItsReason() {
    Measured m = jobs.run(run, call("smoke", 2), spec("failed"), MetricArgs.of(Map.of()));
    awaitJob(UID + ".smoke.2", j -> j.getStatus() != null && j.getStatus().getFailed() != null);

    Measured done = jobs.resume(run, call("smoke", 2), inFlight(m));

    assertThat(done.status()).isEqualTo(Status.FAILED);
    assertThat(done.message())
        .isEqualTo(
            "Job "
                + UID
                + ".smoke.2 failed: BackoffLimitExceeded: Job has reached the specified"
                + " backoff limit");
  }

  @Test
  void aJobStillRunningIsRunningAndTerminateDeletesIt() {
    Measured m = jobs.run(run, call("smoke", 1), spec("running"), MetricArgs.of(Map.of()));
    String name = UID + ".smoke.1";
    awaitJob(name, j -> j.getStatus() != null && j.getStatus().getStartTime() != null);

    assertThat(jobs.resume(run, call("smoke", 1), inFlight(m)).status()).isEqualTo(Status.RUNNING);
    Measured ended = jobs.terminate(run, call("smoke", 1), inFlight(m));

    assertThat(ended.status()).isEqualTo(Status.INCONCLUSIVE);
    assertThat(ended.message()).isEqualTo("Metric Terminated");
    assertThat(client.batch().v1().jobs().inNamespace(NS).withName(name).get()).isNull();
    // A Job already gone is terminated all the same; resuming it is an Error.
    assertThat(jobs.terminate(run, call("smoke", 1), inFlight(m)).status())
        .isEqualTo(Status.INCONCLUSIVE);
    assertThat(jobs.resume(run, call("smoke", 1), inFlight(m)).message())
        .isEqualTo("job provider: Job " + NS + "/" + name + " not found");
  }

  @Test
  void theCacheIsReadFirst() {
    Job cached = new Job();
    cached.setMetadata(new ObjectMetaBuilder().withName("j").withNamespace(NS).build());
    cached.setStatus(
        new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
            .addNewCondition()
            .withType("Complete")
            .withStatus("True")
            .endCondition()
            .build());
    JobMeasurements fromCache =
        new JobMeasurements(client, key -> key.equals(NS + "/j") ? cached : null);
    var inFlight = new Measurer.InFlight(T0, null, "", Map.of("job-name", "j"));

    assertThat(fromCache.resume(run, call("smoke", 1), inFlight).status())
        .isEqualTo(Status.SUCCESSFUL);
  }

  @Test
  void aJobOfTheSameNameIsAdoptedWhenTheRunControlsIt() {
    jobs.run(run, call("smoke", 1), spec("running"), MetricArgs.of(Map.of()));

    Measured again = jobs.run(run, call("smoke", 1), spec("running"), MetricArgs.of(Map.of()));
    assertThat(again.status()).isEqualTo(Status.RUNNING);

    // The simulator's status write done, so that this edit does not race it.
    awaitJob(UID + ".smoke.1", j -> j.getStatus() != null && j.getStatus().getStartTime() != null);
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .withName(UID + ".smoke.1")
        .edit(
            j -> {
              j.getMetadata().getOwnerReferences().get(0).setUid("another-uid");
              return j;
            });
    Measured refused = jobs.run(run, call("smoke", 1), spec("running"), MetricArgs.of(Map.of()));
    assertThat(refused.status()).isEqualTo(Status.ERROR);
    assertThat(refused.message())
        .startsWith("job provider: creating Job " + NS + "/" + UID + ".smoke.1: ")
        .contains("controlled by another-uid");
  }

  @Test
  void garbageCollectKeepsTheNewestJobsOfTheMetric() {
    for (int i = 1; i <= 5; i++) {
      jobs.run(run, call("smoke", i), spec("running"), MetricArgs.of(Map.of()));
    }
    jobs.run(run, call("latency", 1), spec("running"), MetricArgs.of(Map.of()));

    assertThat(jobs.garbageCollect(run, call("smoke", 6), 2)).isEmpty();

    assertThat(
            client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
                .map(j -> j.getMetadata().getName().substring(UID.length() + 1))
                .sorted()
                .toList())
        .containsExactly("latency.1", "smoke.4", "smoke.5");
    assertThat(jobs.garbageCollect(run, call("smoke", 6), 0)).isEmpty();
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  void aSpecThatIsNotAJobIsAnError() {
    ObjectNode noTemplate = (ObjectNode) spec(null);
    ((ObjectNode) noTemplate.get("spec")).remove("template");
    Measured m = jobs.run(run, call("smoke", 1), noTemplate, MetricArgs.of(Map.of()));
    assertThat(m.status()).isEqualTo(Status.ERROR);
    assertThat(m.message())
        .isEqualTo(
            "job provider: provider.job.spec.template is missing: a Job needs a pod template"
                + " with containers");

    ObjectNode always = (ObjectNode) spec(null);
    ((ObjectNode) always.at("/spec/template/spec")).put("restartPolicy", "Always");
    assertThat(jobs.run(run, call("smoke", 1), always, MetricArgs.of(Map.of())).message())
        .isEqualTo(
            "job provider: provider.job.spec.template.spec.restartPolicy must be Never or"
                + " OnFailure for a Job, not \"Always\"");

    ObjectNode garbled = (ObjectNode) spec(null);
    ((ObjectNode) garbled.get("spec")).put("backoffLimit", "many");
    assertThat(jobs.run(run, call("smoke", 1), garbled, MetricArgs.of(Map.of())).message())
        .startsWith("job provider: provider.job.spec is not a Job's spec: ");
    assertThat(jobs.run(run, call("smoke", 1), null, MetricArgs.of(Map.of())).message())
        .isEqualTo("job provider: provider.job must be an object with metadata and spec");
    assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void argsAreRenderedAndAnUnknownOneIsAnErrorNamingIt() {
    ObjectNode templated = (ObjectNode) spec(null);
    ((ObjectNode) templated.at("/spec/template/spec/containers/0"))
        .put("image", "registry.local/check:{{ args.version }}")
        .putArray("args")
        .add("--token={{args.token}}");
    MetricArgs args = MetricArgs.of(Map.of("version", "1.4")).withSecret("token", "s3cr3t");

    jobs.run(run, call("smoke", 1), templated, args);

    var container =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(NS)
            .withName(UID + ".smoke.1")
            .get()
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(container.getImage()).isEqualTo("registry.local/check:1.4");
    assertThat(container.getArgs()).containsExactly("--token=s3cr3t");

    ((ObjectNode) templated.at("/spec/template/spec/containers/0"))
        .put("image", "check:{{args.verison}}");
    Measured m = jobs.run(run, call("smoke", 2), templated, args);
    assertThat(m.status()).isEqualTo(Status.ERROR);
    assertThat(m.message()).startsWith("job provider: ").contains("verison");
    assertThat(m.message()).doesNotContain("s3cr3t");
  }

  @Test
  void apiTroubleIsAnErrorNotAnException() {
    Config config = cluster.config();
    config.setRequestRetryBackoffLimit(0);
    config.setConnectionTimeout(2_000);
    Measured m = jobs.run(run, call("smoke", 1), spec("running"), MetricArgs.of(Map.of()));
    cluster.close();
    try (KubernetesClient down = new KubernetesClientBuilder().withConfig(config).build()) {
      JobMeasurements unreachable = new JobMeasurements(down, key -> null);

      Measured created =
          unreachable.run(run, call("smoke", 2), spec(null), MetricArgs.of(Map.of()));
      assertThat(created.status()).isEqualTo(Status.ERROR);
      assertThat(created.message())
          .startsWith("job provider: creating Job " + NS + "/" + UID + ".smoke.2: ");
      assertThat(unreachable.resume(run, call("smoke", 1), inFlight(m)).message())
          .startsWith("job provider: reading Job " + NS + "/" + UID + ".smoke.1: ");
      assertThat(unreachable.terminate(run, call("smoke", 1), inFlight(m)).message())
          .startsWith("job provider: deleting Job " + NS + "/" + UID + ".smoke.1: ");
      assertThat(unreachable.garbageCollect(run, call("smoke", 2), 1))
          .hasValueSatisfying(e -> assertThat(e).startsWith("job provider: listing Jobs of shop"));
    }
  }

  @Test
  void aMeasurementWithoutItsJobNameIsAnError() {
    var lost = new Measurer.InFlight(T0, null, "", Map.of());
    assertThat(jobs.resume(run, call("smoke", 1), lost).message())
        .isEqualTo("job provider: job metadata reference missing");
    assertThat(jobs.terminate(run, call("smoke", 1), lost).status()).isEqualTo(Status.ERROR);
  }

  private Job awaitJob(String name, Predicate<Job> done) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> client.batch().v1().jobs().inNamespace(NS).withName(name).get(), done);
  }

  private static AnalysisRun run() {
    AnalysisRun run = new AnalysisRun();
    run.setMetadata(
        new ObjectMetaBuilder().withName("canary-7").withNamespace(NS).withUid(UID).build());
    return run;
  }

  private static Measurer.Call call(String metric, int index) {
    return new Measurer.Call(metric, null, Json.MAPPER.createObjectNode(), index);
  }

  private static Measurer.InFlight inFlight(Measured m) {
    return new Measurer.InFlight(T0, m.resumeAt(), m.text(), m.metadata());
  }

  /** A provider.job; {@code simulate} is the simulator's annotation on the pod template. */
  static JsonNode spec(String simulate) {
    String podAnnotations =
        simulate == null
            ? ""
            : "\"metadata\":{\"annotations\":{\"ramp.dev/simulate-job\":\"" + simulate + "\"}},";
    try {
      return Json.MAPPER.readTree(
          "{\"metadata\":{\"labels\":{\"team\":\"checkout\"},\"annotations\":{\"note\":\"kept\"}},"
              + "\"spec\":{\"backoffLimit\":0,\"template\":{"
              + podAnnotations
              + "\"spec\":{\"restartPolicy\":\"Never\",\"containers\":[{\"name\":\"check\","
              + "\"image\":\"busybox\",\"command\":[\"sh\",\"-c\",\"true\"]}]}}}}");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
