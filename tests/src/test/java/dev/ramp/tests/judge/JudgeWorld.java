package dev.ramp.tests.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ramp.engine.actions.RolloutActions;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.AnalysisTemplate;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.runtime.RampRuntime;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import dev.ramp.engine.sandbox.NodeSimulator;
import dev.ramp.tests.TestPlugins;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The world of the judge's end-to-end tests: the embedded API server, simulated nodes, the real
 * Ramp runtime whose plugin host runs the judge's JAR as a child process, and Debian's Prometheus
 * on 127.0.0.1 scraping two local backends (stable and the canary) whose error rate follows a
 * compressed daily season ({@link SeasonBackend}). Each test starts the season at 11:00 and waits
 * for Prometheus to see stable in the day's peak before the canary starts.
 *
 * <p>The runtime is on the system clock: Prometheus stamps samples with wall time, and the judge
 * asks for the last seconds of them. Tests wait for states with bounded polls and assert outcomes,
 * never durations.
 */
abstract class JudgeWorld {
  static final String NS = "shop";
  static final String CONTROLLER_NS = "ramp-system";
  static final String JUDGE = "ramp/judge";
  static final String ERROR_RATE =
      "sum(rate(http_requests_total{version=\"%s\",code=\"500\"}[4s]))"
          + " / sum(rate(http_requests_total{version=\"%s\"}[4s]))";

  @TempDir Path dir;
  EmbeddedCluster cluster;
  KubernetesClient client;
  NodeSimulator nodes;
  RampRuntime runtime;
  SeasonBackend stable;
  SeasonBackend canary;
  TwoTargetPrometheus prometheus;

  @BeforeEach
  void checkPrometheus() {
    assumeTrue(
        Files.isExecutable(TwoTargetPrometheus.PROMETHEUS),
        "Debian's prometheus is not installed (apt-get install prometheus)");
  }

  void start(double canaryErrorFactor) throws Exception {
    Clock clock = Clock.systemUTC();
    stable = new SeasonBackend(clock, 11, 1, 1);
    canary = new SeasonBackend(clock, 11, canaryErrorFactor, 2);
    prometheus = new TwoTargetPrometheus(dir, stable.port(), canary.port());
    cluster = EmbeddedCluster.start(EmbeddedCluster.rampCrds(), List.of(CONTROLLER_NS, NS));
    client = cluster.client();
    client
        .configMaps()
        .inNamespace(CONTROLLER_NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("ramp-config")
                .endMetadata()
                .addToData(
                    "metricProviderPlugins",
                    "- name: " + JUDGE + "\n  location: " + judgeJar() + "\n  callDeadline: 30s\n")
                .build())
        .create();
    nodes = NodeSimulator.onClock(client, Duration.ZERO, clock, () -> {}).start();
    runtime =
        new RampRuntime(
            cluster.newClient(),
            RampRuntime.Settings.defaults(CONTROLLER_NS)
                .withClock(clock)
                .withPluginHost(
                    PluginHost.Settings.defaults()
                        .withRunnerJar(TestPlugins.runnerJar())
                        .withCacheDir(dir.resolve("cache"))
                        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))));
    runtime.start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> runtime.pluginHost().metricProviderClient().availability(JUDGE).isReady());
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c :
        new AutoCloseable[] {runtime, nodes, cluster, prometheus, stable, canary}) {
      if (c != null) {
        c.close();
      }
    }
  }

  static Path judgeJar() {
    Path jar = Path.of("../plugins/metric-judge/target/ramp-metric-judge.jar").toAbsolutePath();
    assertThat(jar).as("the judge's JAR; build it with mvn package").isRegularFile();
    return jar.normalize();
  }

  /** Deploys v1, waits for stable in the season's peak, then starts the canary of v2. */
  String canaryAtThePeak() throws Exception {
    return canaryAtThePeak("canary.yaml");
  }

  /**
   * The same with the AnalysisTemplate and Rollout of {@code resource}, with {@code fill}'s pairs
   * (placeholder, value) put into the template.
   */
  String canaryAtThePeak(String resource, String... fill) throws Exception {
    String[] docs = resource(resource).split("\n---\n");
    String fixedQuery =
        URLEncoder.encode(
                "1 - " + String.format(ERROR_RATE, "CANARY", "CANARY"), StandardCharsets.UTF_8)
            .replace("CANARY", "{{args.canary-hash}}");
    String template =
        docs[0].replace("PROMETHEUS", prometheus.address()).replace("FIXED_QUERY", fixedQuery);
    for (int i = 0; i + 1 < fill.length; i += 2) {
      template = template.replace(fill[i], fill[i + 1]);
    }
    client
        .resources(AnalysisTemplate.class)
        .inNamespace(NS)
        .resource(Serialization.unmarshal(template, AnalysisTemplate.class))
        .create();
    client
        .resources(Rollout.class)
        .inNamespace(NS)
        .resource(Serialization.unmarshal(docs[1], Rollout.class))
        .create();
    Rollout v1 =
        await(r -> "Healthy".equals(r.getStatus().phase) && r.getStatus().stableRS != null);
    stable.version(v1.getStatus().stableRS);
    String stableRate = String.format(ERROR_RATE, v1.getStatus().stableRS, v1.getStatus().stableRS);
    Awaitility.await("stable in the season's peak (error rate above 1.5 %)")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> prometheus.value(stableRate) > 0.015);

    new RolloutActions(client, Clock.systemUTC())
        .setImage(NS, "shop", "shop", "registry.example/shop:2.0.0");
    Rollout v2 =
        await(
            r ->
                r.getStatus().currentPodHash != null
                    && !r.getStatus().currentPodHash.equals(v1.getStatus().stableRS));
    canary.version(v2.getStatus().currentPodHash);
    return v2.getStatus().currentPodHash;
  }

  Rollout await(Predicate<Rollout> p) {
    try {
      return Awaitility.await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> client.resources(Rollout.class).inNamespace(NS).withName("shop").get(),
              r -> r != null && r.getStatus() != null && p.test(r));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(describe(), e);
    }
  }

  List<AnalysisRun> runs() {
    return client.resources(AnalysisRun.class).inNamespace(NS).list().getItems();
  }

  static AnalysisRunStatus.MetricResult metric(AnalysisRun run, String name) {
    return run.getStatus().metricResults.stream()
        .filter(m -> name.equals(m.name))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no metric " + name + " in " + Serialization.asJson(run.getStatus())));
  }

  String describe() {
    Rollout r = client.resources(Rollout.class).inNamespace(NS).withName("shop").get();
    StringBuilder out = new StringBuilder("the Rollout's status: ");
    out.append(r == null || r.getStatus() == null ? "none" : Serialization.asJson(r.getStatus()));
    for (AnalysisRun run : runs()) {
      out.append("\nrun ").append(run.getMetadata().getName()).append(": ");
      out.append(run.getStatus() == null ? "no status" : Serialization.asJson(run.getStatus()));
    }
    return out.toString();
  }

  static String resource(String name) throws IOException {
    try (InputStream in = JudgeWorld.class.getResourceAsStream("/judge/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
