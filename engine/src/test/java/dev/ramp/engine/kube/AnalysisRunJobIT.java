package dev.ramp.engine.kube;

import static dev.ramp.engine.kube.AnalysisRunWorld.NS;
import static dev.ramp.engine.kube.AnalysisRunWorld.last;
import static dev.ramp.engine.kube.AnalysisRunWorld.measurement;
import static dev.ramp.engine.kube.AnalysisRunWorld.phase;
import static dev.ramp.engine.kube.AnalysisRunWorld.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.sandbox.NodeSimulator;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AnalysisRun controller with {@code job} metrics against the embedded API server, whose node
 * simulator (on the test's clock) ends each Job as its {@code ramp.dev/simulate-job} annotation
 * says: the controller creates a Job the run controls, the Job's change wakes the run, and the
 * Job's end decides the measurement; termination deletes the Job, retention deletes old ones.
 */
class AnalysisRunJobIT {
  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  AnalysisRunWorld world;
  NodeSimulator nodes;

  @BeforeEach
  void start() throws Exception {
    world = new AnalysisRunWorld(T0);
    world.startController(new AnalysisRunControllerIT.NoPlugins());
  }

  /**
   * Starts the node simulator: from then on each Job ends (a little later, on wall time) as its
   * annotation says, those created before included.
   */
  void startNodes() {
    nodes = new NodeSimulator(world.client, Duration.ofMillis(20), world.clock).start();
  }

  @AfterEach
  void stop() {
    if (nodes != null) {
      nodes.close();
    }
    if (world != null) {
      world.close();
    }
  }

  /** A {@code job} metric whose Job ends as {@code simulate} says (null: it completes). */
  static String jobMetric(String name, String simulate, String extra) {
    String annotations =
        simulate == null
            ? ""
            : "\"metadata\":{\"annotations\":{\"ramp.dev/simulate-job\":\"" + simulate + "\"}},";
    return "{\"name\":\""
        + name
        + "\","
        + extra
        + "\"provider\":{\"job\":{"
        + annotations
        + "\"spec\":{\"backoffLimit\":0,\"template\":{\"spec\":{\"restartPolicy\":\"Never\","
        + "\"containers\":[{\"name\":\"smoke\",\"image\":\"busybox\",\"command\":[\"true\"]}]}}}"
        + "}}}";
  }

  Job job(String name) {
    return world.client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  List<String> jobNames() {
    return world.client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
        .map(j -> j.getMetadata().getName())
        .sorted()
        .toList();
  }

  @Test
  void aJobMetricRunsAJobTheRunControlsAndSucceedsWhenTheJobCompletes() throws Exception {
    AnalysisRun created =
        world.create("smoke", "{\"metrics\":[" + jobMetric("smoke", null, "") + "]}");
    String uid = created.getMetadata().getUid();
    String name = uid + ".smoke.1";

    // The Job is created at the run's first look, and the measurement waits for it: no node
    // runs it yet, so the run stays Running until the test lets one.
    AnalysisRun running = world.awaitRun("smoke", measurement("smoke", 1, "Running"));
    assertThat(last(running, "smoke").metadata)
        .containsEntry("job-name", name)
        .containsEntry("job-namespace", NS);
    Job job = await().atMost(Duration.ofSeconds(20)).until(() -> job(name), j -> j != null);
    OwnerReference owner = job.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getKind()).isEqualTo("AnalysisRun");
    assertThat(owner.getApiVersion()).isEqualTo("ramp.dev/v1alpha1");
    assertThat(owner.getName()).isEqualTo("smoke");
    assertThat(owner.getUid()).isEqualTo(uid);
    assertThat(owner.getController()).isTrue();
    assertThat(job.getMetadata().getLabels()).containsEntry("analysisrun.ramp.dev/uid", uid);

    // Nothing on the clock wakes the run (no interval, no resumeAt): only the Job's change does.
    startNodes();
    AnalysisRun r = world.awaitRun("smoke", phase("Successful"));
    AnalysisRunStatus.MetricResult smoke = result(r, "smoke");
    assertThat(smoke.phase).isEqualTo("Successful");
    assertThat(smoke.count).isEqualTo(1);
    assertThat(smoke.measurements).hasSize(1);
    assertThat(smoke.measurements.get(0).phase).isEqualTo("Successful");
    assertThat(smoke.measurements.get(0).finishedAt).isEqualTo(T0.toString());
    assertThat(r.getStatus().message).isNull();
    assertThat(job(name).getStatus().getSucceeded()).isEqualTo(1);
    await()
        .untilAsserted(
            () ->
                assertThat(world.events("smoke"))
                    .contains(
                        "Normal MetricSuccessful: Metric 'smoke' Completed. Result: Successful",
                        "Normal AnalysisRunSuccessful: Analysis Completed. Result: Successful"));
  }

  @Test
  void aFailedJobFailsTheRunWithAWarningEvent() throws Exception {
    startNodes();
    AnalysisRun created =
        world.create("broken", "{\"metrics\":[" + jobMetric("smoke", "failed", "") + "]}");
    String name = created.getMetadata().getUid() + ".smoke.1";

    AnalysisRun r = world.awaitRun("broken", phase("Failed"));
    assertThat(last(r, "smoke").phase).isEqualTo("Failed");
    // Argo's job measurement has no message; Ramp's names the Job and its reason.
    String why =
        "Job "
            + name
            + " failed: BackoffLimitExceeded: Job has reached the specified backoff limit";
    assertThat(last(r, "smoke").message).isEqualTo(why);
    assertThat(r.getStatus().message)
        .isEqualTo(
            "Metric \"smoke\" assessed Failed due to failed (1) > failureLimit (0): \"Error"
                + " Message: "
                + why
                + "\"");
    await()
        .untilAsserted(
            () ->
                assertThat(world.events("broken"))
                    .anyMatch(
                        e ->
                            e.startsWith(
                                "Warning AnalysisRunFailed: Analysis Completed. Result: Failed")));
  }

  @Test
  void terminatingARunWhoseJobRunsDeletesTheJobAndEndsTheRunInconclusiveAsArgo() throws Exception {
    startNodes();
    AnalysisRun created =
        world.create("endless", "{\"metrics\":[" + jobMetric("smoke", "running", "") + "]}");
    String name = created.getMetadata().getUid() + ".smoke.1";
    world.awaitRun("endless", measurement("smoke", 1, "Running"));
    // The simulator started the Job's pod; it never ends by itself.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> job(name),
            j -> j != null && j.getStatus() != null && j.getStatus().getStartTime() != null);

    world.terminate("endless");

    // Argo's job provider answers Terminate with Inconclusive, its runMeasurements says "Metric
    // Terminated", and assessRunStatus lets the metric's inconclusive (1) > inconclusiveLimit (0)
    // replace the "Run Terminated" message.
    AnalysisRun r = world.awaitRun("endless", phase("Inconclusive"));
    assertThat(r.getStatus().message)
        .isEqualTo(
            "Metric \"smoke\" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit"
                + " (0): \"Error Message: Metric Terminated\"");
    AnalysisRunStatus.MetricResult smoke = result(r, "smoke");
    assertThat(smoke.phase).isEqualTo("Inconclusive");
    assertThat(smoke.message).isEqualTo("Metric Terminated");
    assertThat(smoke.inconclusive).isEqualTo(1);
    assertThat(smoke.count).isEqualTo(1);
    assertThat(last(r, "smoke").phase).isEqualTo("Inconclusive");
    assertThat(last(r, "smoke").message).isEqualTo("Metric Terminated");
    assertThat(r.getStatus().completedAt).isEqualTo(T0.toString());
    await().atMost(Duration.ofSeconds(20)).until(() -> job(name) == null);
    // Argo records an Inconclusive result as a Normal Event: only Failed and Error warn.
    await()
        .untilAsserted(
            () ->
                assertThat(world.events("endless"))
                    .contains(
                        "Normal MetricInconclusive: Metric 'smoke' Completed. Result: Inconclusive:"
                            + " Metric Terminated")
                    .anyMatch(
                        e ->
                            e.startsWith(
                                "Normal AnalysisRunInconclusive: Analysis Completed. Result:"
                                    + " Inconclusive")));
  }

  @Test
  void aCountOfTwoRunsTwoJobsAnIntervalApart() throws Exception {
    startNodes();
    AnalysisRun created =
        world.create(
            "twice",
            "{\"metrics\":["
                + jobMetric("smoke", null, "\"count\":2,\"interval\":\"30s\",")
                + "]}");
    String uid = created.getMetadata().getUid();
    world.awaitRun("twice", measurement("smoke", 1, "Successful"));
    assertThat(jobNames()).containsExactly(uid + ".smoke.1");

    world.advance(Duration.ofSeconds(30));
    AnalysisRun r = world.awaitRun("twice", phase("Successful"));
    assertThat(result(r, "smoke").count).isEqualTo(2);
    assertThat(result(r, "smoke").measurements)
        .extracting(m -> m.phase + " " + m.startedAt + " " + m.metadata.get("job-name"))
        .containsExactly(
            "Successful " + T0 + " " + uid + ".smoke.1",
            "Successful " + T0.plusSeconds(30) + " " + uid + ".smoke.2");
    // Within the default retention (10), both Jobs stay.
    assertThat(jobNames()).containsExactly(uid + ".smoke.1", uid + ".smoke.2");
  }

  @Test
  void aRetentionLimitOfOneDeletesTheOlderJob() throws Exception {
    startNodes();
    AnalysisRun created =
        world.create(
            "retain",
            "{\"measurementRetention\":[{\"metricName\":\"smoke\",\"limit\":1}],\"metrics\":["
                + jobMetric("smoke", null, "\"count\":2,\"interval\":\"30s\",")
                + "]}");
    String uid = created.getMetadata().getUid();
    world.awaitRun("retain", measurement("smoke", 1, "Successful"));

    world.advance(Duration.ofSeconds(30));
    AnalysisRun r = world.awaitRun("retain", phase("Successful"));
    assertThat(result(r, "smoke").count).isEqualTo(2);
    assertThat(result(r, "smoke").measurements)
        .extracting(m -> m.metadata.get("job-name"))
        .containsExactly(uid + ".smoke.2");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(jobNames()).containsExactly(uid + ".smoke.2"));
  }

  @Test
  void aJobWithoutAPodTemplateIsRefusedWhenTheRunStarts() throws Exception {
    startNodes();
    world.create(
        "no-template",
        "{\"metrics\":[{\"name\":\"smoke\",\"provider\":{\"job\":{\"spec\":{\"backoffLimit\":0}}}}]}");

    AnalysisRun r = world.awaitRun("no-template", phase("Error"));
    assertThat(r.getStatus().message)
        .isEqualTo("spec.metrics[0].provider.job.spec.template: required (the Job's pod template)");
    assertThat(r.getStatus().metricResults).isNullOrEmpty();
    assertThat(jobNames()).isEmpty();
    await()
        .untilAsserted(
            () ->
                assertThat(world.events("no-template"))
                    .anyMatch(e -> e.startsWith("Warning AnalysisRunError: Analysis Completed.")));
  }
}
