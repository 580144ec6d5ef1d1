package dev.ramp.engine.kube;

import static org.awaitility.Awaitility.await;

import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisRunSpec;
import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.plugin.MetricProviderClient;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * The world of the AnalysisRun controller's ITs: the embedded API server with every CRD of
 * config/crd, a clock the test moves, and the controller on it; helpers to create runs, read them
 * and wait for their status.
 */
final class AnalysisRunWorld implements AutoCloseable {
  static final String NS = "default";

  final EmbeddedApiServer server;
  final KubernetesClient client;
  final MutableClock clock;
  private AnalysisRunController controller;

  AnalysisRunWorld(Instant start) throws IOException {
    clock = new MutableClock(start);
    server = EmbeddedApiServer.start();
    client = server.client();
    try (DirectoryStream<Path> crds =
        Files.newDirectoryStream(Path.of("..", "config", "crd"), "*.yml")) {
      for (Path crd : crds) {
        try (InputStream in = Files.newInputStream(crd)) {
          server.registerCrd(in);
        }
      }
    }
  }

  /** Starts the controller on this world's clock with these metric-provider plugins. */
  AnalysisRunController startController(MetricProviderClient plugins) {
    controller = new AnalysisRunController(client, NS, clock, 2, plugins);
    controller.start();
    return controller;
  }

  @Override
  public void close() {
    if (controller != null) {
      controller.close();
    }
    server.close();
  }

  AnalysisRun create(String name, String specJson) throws IOException {
    AnalysisRun run = new AnalysisRun();
    run.getMetadata().setName(name);
    run.getMetadata().setNamespace(NS);
    run.setSpec(Json.MAPPER.readValue(specJson, AnalysisRunSpec.class));
    return client.resources(AnalysisRun.class).inNamespace(NS).resource(run).create();
  }

  AnalysisRun get(String name) {
    return client.resources(AnalysisRun.class).inNamespace(NS).withName(name).get();
  }

  /** Sets {@code spec.terminate}, as {@code kubectl argo rollouts terminate} does. */
  void terminate(String name) {
    client
        .resources(AnalysisRun.class)
        .inNamespace(NS)
        .withName(name)
        .edit(
            r -> {
              r.getSpec().terminate = true;
              return r;
            });
  }

  /** Waits (bounded) until the run's status satisfies {@code p}; returns the run then. */
  AnalysisRun awaitRun(String name, Predicate<AnalysisRunStatus> p) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> get(name), r -> r != null && r.getStatus() != null && p.test(r.getStatus()));
  }

  static Predicate<AnalysisRunStatus> phase(String phase) {
    return s -> phase.equals(s.phase);
  }

  /** The metric's result holds a measurement number {@code index} (from 1) in this phase. */
  static Predicate<AnalysisRunStatus> measurement(String metric, int count, String phase) {
    return s -> {
      if (s.metricResults == null) {
        return false;
      }
      return s.metricResults.stream()
          .filter(r -> r.name.equals(metric) && r.measurements != null)
          .anyMatch(
              r ->
                  !r.measurements.isEmpty()
                      && phase.equals(r.measurements.get(r.measurements.size() - 1).phase)
                      && count == nonNull(r.count) + nonNull(r.error) + (inFlight(phase) ? 1 : 0));
    };
  }

  private static boolean inFlight(String phase) {
    return "Running".equals(phase) || "Pending".equals(phase);
  }

  private static int nonNull(Integer n) {
    return n == null ? 0 : n;
  }

  static AnalysisRunStatus.MetricResult result(AnalysisRun run, String metric) {
    return run.getStatus().metricResults.stream()
        .filter(r -> r.name.equals(metric))
        .findFirst()
        .orElseThrow();
  }

  static AnalysisRunStatus.Measurement last(AnalysisRun run, String metric) {
    List<AnalysisRunStatus.Measurement> all = result(run, metric).measurements;
    return all.get(all.size() - 1);
  }

  /** The Events on the run, as "type reason: message". */
  List<String> events(String run) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null)
        .filter(e -> run.equals(e.getInvolvedObject().getName()))
        .map(AnalysisRunWorld::text)
        .toList();
  }

  private static String text(Event e) {
    return e.getType() + " " + e.getReason() + ": " + e.getMessage();
  }

  /** Moves the clock and lets the controller look at what became due. */
  void advance(Duration d) {
    clock.advance(d);
    controller.clockAdvanced();
  }

  /** Sets the clock and lets the controller look at what became due. */
  void at(Instant t) {
    clock.set(t);
    controller.clockAdvanced();
  }
}
