package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisTemplate;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutAnalysis;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A canary gated by a Prometheus metric, end to end: the Rollout controller and the AnalysisRun
 * controller against the embedded API server, and a real Prometheus on 127.0.0.1 scraping a target
 * whose success rate the test sets ({@link ScrapedPrometheus}). The canary steps are {@code
 * setWeight: 20}, an {@code analysis} step on a template with one {@code prometheus} metric, {@code
 * setWeight: 60}.
 *
 * <p>Clocks: the Rollout controller runs on the cluster's {@link MutableClock} (nothing here waits
 * on it: there are no timed pauses, and a step waiting on its run does not count towards the
 * progress deadline). The AnalysisRun controller runs on the system clock, because the Prometheus
 * provider sends the clock's instant as the query's {@code time}, and Prometheus holds samples
 * stamped with wall time: on a clock the test moves, the query would ask about a moment Prometheus
 * has no samples for (before the first scrape, or after the last one). Its interval is 1 s of wall
 * time, like the scrape interval; the test waits on states with bounded polls and asserts nothing
 * about durations.
 */
class PrometheusAnalysisIT extends RolloutItBase {
  @TempDir Path dir;
  ScrapedPrometheus prometheus;
  String address;
  AnalysisRunController analysisRuns;

  @BeforeEach
  void startPrometheusAndControllers() throws Exception {
    assumeTrue(
        Files.isExecutable(ScrapedPrometheus.PROMETHEUS), "Debian's prometheus is not installed");
    prometheus = new ScrapedPrometheus(dir, "demo");
    address = prometheus.start();
    prometheus.awaitSuccessRate("0.99");
    analysisRuns =
        new AnalysisRunController(
            cluster.client,
            Cluster.NS,
            Clock.systemUTC(),
            Cluster.WORKERS,
            new AnalysisRunControllerIT.NoPlugins());
    analysisRuns.start();
    cluster.restartController();
  }

  @AfterEach
  void stopPrometheusAndAnalysisRuns() throws InterruptedException {
    if (analysisRuns != null) {
      analysisRuns.close();
    }
    if (prometheus != null) {
      prometheus.close();
    }
  }

  /** A template measuring the success rate every second, {@code count} times. */
  void template(String name, int count, String conditions) throws Exception {
    AnalysisTemplate t = new AnalysisTemplate();
    t.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(Cluster.NS).build());
    t.setSpec(
        Json.MAPPER.readValue(
            "{\"args\":[{\"name\":\"service\"}],\"metrics\":[{\"name\":\"success-rate\","
                + "\"interval\":\"1s\",\"count\":"
                + count
                + ","
                + conditions
                + ",\"provider\":{\"prometheus\":{\"address\":\""
                + address
                + "\",\"query\":"
                + Json.MAPPER.writeValueAsString(ScrapedPrometheus.SUCCESS_RATE)
                + "}}}]}",
            AnalysisTemplateSpec.class));
    cluster.client.resources(AnalysisTemplate.class).inNamespace(Cluster.NS).resource(t).create();
  }

  /** Deploys v1 of a Rollout whose analysis step uses {@code template}; then starts v2. */
  String canaryOfV2(String template) throws Exception {
    CanaryStep analysis = new CanaryStep();
    analysis.analysis =
        Json.MAPPER.readValue(
            "{\"templates\":[{\"templateName\":\""
                + template
                + "\"}],\"args\":[{\"name\":\"service\",\"value\":\"demo\"}]}",
            RolloutAnalysis.class);
    cluster.create(
        Cluster.rollout(
            "demo", 5, List.of(CanaryStep.setWeight(20), analysis, CanaryStep.setWeight(60))));
    Rollout v1 = awaitDemo(phase("Healthy", 3));
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    return v1.getStatus().stableRS;
  }

  /** {@link #awaitRollout}, saying on timeout where the Rollout and its runs were. */
  Rollout awaitDemo(java.util.function.Predicate<Rollout> p) {
    try {
      return awaitRollout("demo", p);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(describe(), e);
    }
  }

  String describe() {
    Rollout r = cluster.get("demo");
    StringBuilder out = new StringBuilder("the Rollout's status: ");
    out.append(r.getStatus() == null ? "none" : Json.write(r.getStatus()));
    for (AnalysisRun run : runs()) {
      out.append("\nrun ").append(run.getMetadata().getName()).append(": ");
      out.append(run.getStatus() == null ? "no status" : Json.write(run.getStatus()));
    }
    out.append("\nevents: ").append(cluster.events("demo"));
    return out.toString();
  }

  List<AnalysisRun> runs() {
    return cluster.client.resources(AnalysisRun.class).inNamespace(Cluster.NS).list().getItems();
  }

  /** The only run's measurements of the success rate so far, as phase=value. */
  static List<String> measurements(AnalysisRun run) {
    if (run.getStatus() == null || run.getStatus().metricResults == null) {
      return List.of();
    }
    return run.getStatus().metricResults.get(0).measurements.stream()
        .map(m -> m.phase + "=" + m.value)
        .toList();
  }

  static final String PASSES = "\"successCondition\":\"result[0] >= 0.95\"";

  @Test
  void aCanaryWhoseSuccessRateStaysAt99PercentEndsHealthy() throws Exception {
    template("success-rate", 3, PASSES);
    String v1 = canaryOfV2("success-rate");

    Rollout r = awaitDemo(phase("Healthy", 3));
    String v2 = r.getStatus().currentPodHash;
    assertThat(r.getStatus().stableRS).isEqualTo(v2).isNotEqualTo(v1);
    assertThat(runs())
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.getMetadata().getName()).isEqualTo("demo-" + v2 + "-2-1");
              assertThat(run.getStatus().phase).isEqualTo("Successful");
              assertThat(measurements(run))
                  .containsExactly("Successful=[0.99]", "Successful=[0.99]", "Successful=[0.99]");
            });
    await().until(() -> cluster.replicas("demo").equals(Map.of(v2, 5, v1, 0)));
  }

  @Test
  void aCanaryWhoseSuccessRateDropsTo80PercentAbortsWithTheValueAndTheCondition() throws Exception {
    // Enough measurements that the run is still going when the rate drops.
    template("success-rate", 600, PASSES);
    String v1 = canaryOfV2("success-rate");
    AnalysisRun run =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> runs().stream().findFirst().orElse(null),
                x -> x != null && measurements(x).contains("Successful=[0.99]"));

    prometheus.successPercent(80);

    Rollout r =
        awaitDemo(
            x ->
                "Degraded".equals(x.getStatus().phase) && Boolean.TRUE.equals(x.getStatus().abort));
    String name = run.getMetadata().getName();
    assertThat(r.getStatus().message)
        .contains("AnalysisRun " + name + " Failed")
        .contains("success-rate")
        .contains("0.8")
        .contains("result[0] >= 0.95");
    // Events follow the status write.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(cluster.events("demo"))
                    .anySatisfy(e -> assertThat(e).startsWith("RolloutAborted: ").contains("0.8")));
    AnalysisRun failed = runs().get(0);
    assertThat(failed.getStatus().phase).isEqualTo("Failed");
    List<String> seen = measurements(failed);
    assertThat(seen.get(seen.size() - 1)).isEqualTo("Failed=[0.8]");
    assertThat(seen.subList(0, seen.size() - 1)).isNotEmpty().containsOnly("Successful=[0.99]");
    await()
        .until(
            () -> cluster.replicas("demo").equals(Map.of(r.getStatus().currentPodHash, 0, v1, 5)));
  }

  @Test
  void anInconclusiveMetricPausesTheRolloutAndPromoteGoesOn() throws Exception {
    // 92 % is neither a success (>= 0.95) nor a failure (< 0.9).
    prometheus.successPercent(92);
    prometheus.awaitSuccessRate("0.92");
    template("success-rate", 2, PASSES + ",\"failureCondition\":\"result[0] < 0.9\"");
    canaryOfV2("success-rate");

    Rollout paused =
        awaitDemo(
            x ->
                "Paused".equals(x.getStatus().phase)
                    && x.getStatus().pauseConditions != null
                    && x.getStatus().pauseConditions.stream()
                        .anyMatch(pc -> "InconclusiveAnalysisRun".equals(pc.reason)));
    assertThat(paused.getStatus().currentStepIndex).isEqualTo(1);
    assertThat(paused.getStatus().message).isEqualTo("InconclusiveAnalysisRun");
    assertThat(runs())
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.getStatus().phase).isEqualTo("Inconclusive");
              assertThat(measurements(run)).contains("Inconclusive=[0.92]");
            });

    actions.promote(Cluster.NS, "demo");
    Rollout r = awaitDemo(phase("Healthy", 3));
    assertThat(r.getStatus().stableRS).isEqualTo(r.getStatus().currentPodHash);
    assertThat(runs()).hasSize(1);
  }
}
