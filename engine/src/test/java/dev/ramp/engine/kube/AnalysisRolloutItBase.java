package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.AnalysisTemplate;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutAnalysis;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Rollouts with analysis end to end: the Rollout controller ({@link Cluster}) and the AnalysisRun
 * controller on one {@link MutableClock}, a web metric served by the test on 127.0.0.1 whose answer
 * the test sets, and a record of every AnalysisRun ever stored.
 */
abstract class AnalysisRolloutItBase extends RolloutItBase {
  /** The web metric's answer: {@code {"rate": <value>}}. */
  final AtomicReference<String> rate = new AtomicReference<>("0.99");

  /** The name of every AnalysisRun the server reported added, in order. */
  final List<String> added = new CopyOnWriteArrayList<>();

  HttpServer web;
  String base;
  private AnalysisRunController analysisController;
  private SharedIndexInformer<AnalysisRun> recorder;

  @BeforeEach
  void setUpAnalysis() throws IOException {
    web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    web.createContext("/", this::serve);
    web.start();
    base = "http://127.0.0.1:" + web.getAddress().getPort();
    recorder =
        cluster
            .client
            .resources(AnalysisRun.class)
            .inNamespace(Cluster.NS)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(AnalysisRun r) {
                    added.add(r.getMetadata().getName());
                  }

                  @Override
                  public void onUpdate(AnalysisRun o, AnalysisRun r) {}

                  @Override
                  public void onDelete(AnalysisRun r, boolean unknown) {}
                },
                0);
    restartAnalysisController();
  }

  @AfterEach
  void tearDownAnalysis() {
    stopAnalysisController();
    recorder.stop();
    web.stop(0);
  }

  private void serve(HttpExchange ex) throws IOException {
    byte[] body = ("{\"rate\": " + rate.get() + "}").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(200, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  /** Starts a fresh AnalysisRun controller, closing the previous one. */
  synchronized void restartAnalysisController() {
    stopAnalysisController();
    AnalysisRunController c =
        new AnalysisRunController(
            cluster.client, Cluster.NS, cluster.clock, 2, new AnalysisRunControllerIT.NoPlugins());
    c.start();
    analysisController = c;
  }

  /** Stops the AnalysisRun controller with no successor yet. */
  synchronized void stopAnalysisController() {
    if (analysisController != null) {
      analysisController.close();
      analysisController = null;
    }
  }

  /** Moves the clock and lets both controllers look at what became due. */
  synchronized void advance(Duration d) {
    cluster.clock.advance(d);
    cluster.clockAdvanced();
    if (analysisController != null) {
      analysisController.clockAdvanced();
    }
  }

  /**
   * Stores the AnalysisTemplate {@code name}: one web metric {@code rate} read from the test's
   * server, {@code result >= 0.95} to succeed; {@code extra} adds fields to the metric (interval,
   * count, failureCondition).
   */
  void template(String name, String extra) {
    AnalysisTemplate t = new AnalysisTemplate();
    t.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(Cluster.NS).build());
    try {
      t.setSpec(
          Json.MAPPER.readValue(
              "{\"metrics\":[{\"name\":\"rate\","
                  + extra
                  + "\"successCondition\":\"result >= 0.95\","
                  + "\"provider\":{\"web\":{\"url\":\""
                  + base
                  + "/rate\",\"jsonPath\":\"{$.rate}\"}}}]}",
              AnalysisTemplateSpec.class));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    cluster.client.resources(AnalysisTemplate.class).inNamespace(Cluster.NS).resource(t).create();
  }

  static CanaryStep analysis(String template) {
    CanaryStep s = new CanaryStep();
    s.analysis = new RolloutAnalysis();
    s.analysis.templates = List.of(ref(template));
    return s;
  }

  static AnalysisTemplateSpec.TemplateRef ref(String template) {
    AnalysisTemplateSpec.TemplateRef ref = new AnalysisTemplateSpec.TemplateRef();
    ref.templateName = template;
    return ref;
  }

  /** Deploys v1 of a Rollout with these steps (Healthy at once, no analysis) and returns it. */
  Rollout deploy(Rollout r) {
    cluster.create(r);
    int steps = r.getSpec().strategy.canary.steps.size();
    Rollout healthy = awaitRollout(r.getMetadata().getName(), phase("Healthy", steps));
    String v1 = healthy.getStatus().stableRS;
    await().until(() -> cluster.replicas(r.getMetadata().getName()).equals(Map.of(v1, 5)));
    return healthy;
  }

  /** The stored AnalysisRuns, by name. */
  List<AnalysisRun> runs() {
    return cluster
        .client
        .resources(AnalysisRun.class)
        .inNamespace(Cluster.NS)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
        .toList();
  }

  List<String> runNames() {
    return runs().stream().map(r -> r.getMetadata().getName()).toList();
  }

  AnalysisRun run(String name) {
    return cluster.client.resources(AnalysisRun.class).inNamespace(Cluster.NS).withName(name).get();
  }

  /** Waits (reviving a killed Rollout controller meanwhile) until the stored run satisfies p. */
  AnalysisRun awaitRun(String name, Predicate<AnalysisRun> p) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              cluster.reviveIfKilled();
              return run(name);
            },
            r -> r != null && p.test(r));
  }

  static Predicate<AnalysisRun> runPhase(String phase) {
    return r -> r.getStatus() != null && phase.equals(r.getStatus().phase);
  }

  /** The run's metric {@code rate} holds {@code n} measurements. */
  static Predicate<AnalysisRun> measured(int n) {
    return r ->
        r.getStatus() != null
            && r.getStatus().metricResults != null
            && r.getStatus().metricResults.stream()
                .anyMatch(m -> m.measurements != null && m.measurements.size() == n);
  }

  static Predicate<AnalysisRun> terminated() {
    return r -> r.getSpec() != null && Boolean.TRUE.equals(r.getSpec().terminate);
  }

  static List<String> values(AnalysisRun r) {
    AnalysisRunStatus.MetricResult m = r.getStatus().metricResults.get(0);
    return m.measurements.stream().map(x -> x.value).toList();
  }

  static String label(AnalysisRun r, String key) {
    return r.getMetadata().getLabels() == null ? null : r.getMetadata().getLabels().get(key);
  }

  /** The stored runs are exactly these, each added to the server once. */
  void assertRunsExactly(String... names) {
    assertThat(runNames()).containsExactlyInAnyOrder(names);
    await().until(() -> added.size() >= names.length);
    assertThat(added).containsExactlyInAnyOrder(names);
  }
}
