package dev.ramp.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ramp.engine.actions.RolloutActions;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisTemplate;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.runtime.RampRuntime;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import dev.ramp.engine.sandbox.NodeSimulator;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * From the first bad sample a target exposes to the Rollout's abort, against a real Prometheus
 * (Debian's, on 127.0.0.1, scraping every second) with a 10 s analysis interval: the Rollout and
 * AnalysisRun controllers as {@code ramp run} runs them ({@link RampRuntime} on the system clock,
 * the embedded API server, simulated nodes). Each sample is a fresh Rollout whose analysis step has
 * measured 99 % at least once; the target's traffic then drops to 80 % at a random moment of the
 * interval, and the time is taken from the first scrape that serves the bad counters to the watch
 * event of the aborted Rollout, split at the watch event of the Failed AnalysisRun.
 *
 * <p>Prints its figures and asserts nothing. {@code -Dbench.samples} (default 5).
 */
class PrometheusAbortBenchmark {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final String NS = "default";
  static final String QUERY =
      "round(sum(irate(http_requests_total{service=\"{{args.service}}\",code!~\"5..\"}[5s]))"
          + " / sum(irate(http_requests_total{service=\"{{args.service}}\"}[5s])), 0.001)";
  static final Pattern LISTENING =
      Pattern.compile("msg=\"Listening on\" address=127\\.0\\.0\\.1:(\\d+)");

  /** The target: counters that grow by 100 requests a scrape, {@code percent} of them 200s. */
  static final class Traffic {
    private int percent = 99;
    private long ok;
    private long failed;
    private final AtomicLong firstBadScrape = new AtomicLong();

    synchronized void percent(int p) {
      percent = p;
      firstBadScrape.set(0);
    }

    void serve(HttpExchange ex) throws IOException {
      String body;
      synchronized (this) {
        ok += percent;
        failed += 100 - percent;
        if (percent < 95) {
          firstBadScrape.compareAndSet(0, System.nanoTime());
        }
        body =
            "# TYPE http_requests_total counter\n"
                + "http_requests_total{service=\"checkout\",code=\"200\"} "
                + ok
                + "\nhttp_requests_total{service=\"checkout\",code=\"500\"} "
                + failed
                + "\n";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      ex.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Test
  void firstBadSampleToAbort() throws Exception {
    if (!Files.isExecutable(PROMETHEUS)) {
      System.out.println("PrometheusAbortBenchmark: " + PROMETHEUS + " is not installed; skipped");
      return;
    }
    int samples = Integer.getInteger("bench.samples", 5);
    Path dir = Files.createTempDirectory("ramp-prometheus-bench");
    Traffic traffic = new Traffic();
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext("/metrics", traffic::serve);
    target.start();
    Process prometheus = startPrometheus(dir, target.getAddress().getPort());
    try (EmbeddedCluster server = EmbeddedCluster.start(List.of(), List.of())) {
      server.registerRampCrds();
      KubernetesClient client = server.client();
      String address = "http://127.0.0.1:" + port(prometheus, dir);
      traffic.percent(99);
      awaitRate(address, "0.99");
      client
          .resources(AnalysisTemplate.class)
          .inNamespace(NS)
          .resource(load(TEMPLATE.replace("ADDRESS", address), AnalysisTemplate.class))
          .create();
      try (NodeSimulator nodes = new NodeSimulator(client, Duration.ofMillis(200)).start();
          RampRuntime runtime =
              new RampRuntime(
                  client,
                  RampRuntime.Settings.defaults("ramp-system")
                      .withWatchNamespace(NS)
                      .withClock(Clock.systemUTC())
                      .withPluginHost(PluginHost.Settings.defaults().withRunnerJar(null)))) {
        runtime.start();
        RolloutActions actions = new RolloutActions(client, Clock.systemUTC());
        List<double[]> results = new ArrayList<>();
        for (int i = 1; i <= samples; i++) {
          traffic.percent(99);
          awaitRate(address, "0.99");
          results.add(sample(client, actions, traffic, "checkout-" + i));
          double[] r = results.get(results.size() - 1);
          System.out.printf(
              Locale.ROOT,
              "sample %d: bad sample -> run Failed %.2f s, run Failed -> Rollout aborted %.3f s,"
                  + " total %.2f s%n",
              i,
              r[1],
              r[2],
              r[0]);
        }
        print(results);
      }
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(30, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
      target.stop(0);
    }
  }

  /** One Rollout to its abort: {total, bad sample to run Failed, run Failed to abort} in s. */
  static double[] sample(
      KubernetesClient client, RolloutActions actions, Traffic traffic, String name)
      throws Exception {
    client
        .services()
        .inNamespace(NS)
        .resource(
            load(SERVICE.replace("SVC", name + "-stable").replace("APP", name), Service.class))
        .create();
    client
        .services()
        .inNamespace(NS)
        .resource(
            load(SERVICE.replace("SVC", name + "-canary").replace("APP", name), Service.class))
        .create();
    client
        .resources(Rollout.class)
        .inNamespace(NS)
        .resource(load(ROLLOUT.replace("NAME", name), Rollout.class))
        .create();
    awaitTrue(
        Duration.ofSeconds(60),
        () -> {
          Rollout r = client.resources(Rollout.class).inNamespace(NS).withName(name).get();
          return r.getStatus() != null && "Healthy".equals(r.getStatus().phase);
        });
    AtomicLong runFailed = new AtomicLong();
    AtomicLong aborted = new AtomicLong();
    try (Watch runs =
            client
                .resources(AnalysisRun.class)
                .inNamespace(NS)
                .watch(
                    watcher(
                        (AnalysisRun run) -> {
                          if (run.getMetadata().getName().startsWith(name + "-")
                              && run.getStatus() != null
                              && "Failed".equals(run.getStatus().phase)) {
                            runFailed.compareAndSet(0, System.nanoTime());
                          }
                        }));
        Watch rollouts =
            client
                .resources(Rollout.class)
                .inNamespace(NS)
                .withName(name)
                .watch(
                    watcher(
                        (Rollout r) -> {
                          if (r.getStatus() != null && Boolean.TRUE.equals(r.getStatus().abort)) {
                            aborted.compareAndSet(0, System.nanoTime());
                          }
                        }))) {
      actions.setImage(NS, name, "app", "registry.example/checkout:2");
      awaitTrue(
          Duration.ofSeconds(60),
          () ->
              client.resources(AnalysisRun.class).inNamespace(NS).list().getItems().stream()
                  .filter(r -> r.getMetadata().getName().startsWith(name + "-"))
                  .anyMatch(
                      r ->
                          r.getStatus() != null
                              && r.getStatus().metricResults != null
                              && r.getStatus().metricResults.get(0).successful != null
                              && r.getStatus().metricResults.get(0).successful >= 1));
      // The drop comes at a random moment of the 10 s interval.
      Thread.sleep(ThreadLocalRandom.current().nextLong(10_000));
      traffic.percent(80);
      awaitTrue(Duration.ofSeconds(60), () -> aborted.get() != 0);
      long bad = traffic.firstBadScrape.get();
      return new double[] {
        seconds(aborted.get() - bad),
        seconds(runFailed.get() - bad),
        seconds(aborted.get() - runFailed.get())
      };
    }
  }

  interface OnEvent<T> {
    void seen(T t);
  }

  static <T> Watcher<T> watcher(OnEvent<T> on) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        on.seen(resource);
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  static void print(List<double[]> results) {
    for (int[] col : new int[][] {{0}, {1}, {2}}) {
      List<Double> v = new ArrayList<>();
      results.forEach(r -> v.add(r[col[0]]));
      Collections.sort(v);
      String what =
          col[0] == 0
              ? "first bad sample -> Rollout aborted"
              : col[0] == 1
                  ? "first bad sample -> AnalysisRun Failed"
                  : "AnalysisRun Failed -> Rollout aborted";
      System.out.printf(
          Locale.ROOT,
          "%-40s n=%d  min %.3f s  median %.3f s  max %.3f s%n",
          what,
          v.size(),
          v.get(0),
          v.get(v.size() / 2),
          v.get(v.size() - 1));
    }
  }

  static Process startPrometheus(Path dir, int targetPort) throws IOException {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            + "scrape_configs:\n  - job_name: ramp-bench\n    scrape_interval: 1s\n"
            + "    static_configs:\n      - targets: ['127.0.0.1:"
            + targetPort
            + "']\n");
    return new ProcessBuilder(
            PROMETHEUS.toString(),
            "--config.file=" + config,
            "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("data")),
            "--web.listen-address=127.0.0.1:0")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("prometheus.log").toFile())
        .start();
  }

  /** The port Prometheus bound, from its log. */
  static int port(Process prometheus, Path dir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        throw new IllegalStateException(Files.readString(dir.resolve("prometheus.log")));
      }
      Matcher m = LISTENING.matcher(Files.readString(dir.resolve("prometheus.log")));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Prometheus did not say where it listens");
  }

  static void awaitRate(String address, String expected) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String query = QUERY.replace("{{args.service}}", "checkout");
    awaitTrue(
        Duration.ofSeconds(60),
        () -> {
          try {
            String body =
                http.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    address
                                        + "/api/v1/query?query="
                                        + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body();
            JsonNode result = Json.MAPPER.readTree(body).path("data").path("result");
            return result.size() == 1
                && expected.equals(result.get(0).path("value").get(1).asText());
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
  }

  static void awaitTrue(Duration limit, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not done within " + limit);
      }
      Thread.sleep(20);
    }
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static <T> T load(String yaml, Class<T> type) {
    return Serialization.unmarshal(yaml, type);
  }

  static final String TEMPLATE =
      """
      apiVersion: ramp.dev/v1alpha1
      kind: AnalysisTemplate
      metadata:
        name: success-rate
        namespace: default
      spec:
        args:
          - name: service
        metrics:
          - name: success-rate
            interval: 10s
            count: 60
            successCondition: result[0] >= 0.95
            provider:
              prometheus:
                address: ADDRESS
                query: QUERY
      """
          .replace("QUERY", "'" + QUERY + "'");

  static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: SVC
        namespace: default
      spec:
        selector:
          app: APP
      """;

  static final String ROLLOUT =
      """
      apiVersion: ramp.dev/v1alpha1
      kind: Rollout
      metadata:
        name: NAME
        namespace: default
      spec:
        replicas: 5
        selector:
          matchLabels:
            app: NAME
        template:
          metadata:
            labels:
              app: NAME
          spec:
            containers:
              - name: app
                image: registry.example/checkout:1
        strategy:
          canary:
            canaryService: NAME-canary
            stableService: NAME-stable
            steps:
              - setWeight: 20
              - analysis:
                  templates:
                    - templateName: success-rate
                  args:
                    - name: service
                      value: checkout
              - setWeight: 60
      """;
}
