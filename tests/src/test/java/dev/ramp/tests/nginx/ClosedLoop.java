package dev.ramp.tests.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.model.AnalysisTemplate;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.runtime.RampRuntime;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import dev.ramp.engine.sandbox.NodeSimulator;
import dev.ramp.tests.TestPlugins;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The closed loop's world, on 127.0.0.1: a real NGINX (own prefix) in front of the stable and
 * canary Services; each Service an HTTP server that answers as the version its selector picks (what
 * kube-proxy would do: the Service's {@code rollouts-pod-template-hash} → that ReplicaSet's image
 * tag) and counts requests and 500s; a real Prometheus scraping those counters every second; and
 * the real controller ({@link RampRuntime} on the embedded API server, simulated nodes) hosting the
 * NGINX router plugin JAR as a child process, configured from {@code ramp-config}.
 *
 * <p>Image tags behave: {@code 1} and {@code 2} answer 200, {@code 3} (and {@code 3-*}) answer 500
 * to 3 requests in 10. Requests that carry {@code X-Probe: <batch>} are counted per batch and tag,
 * so the background traffic (100 requests a second, what the analysis measures) does not blur them.
 */
public final class ClosedLoop implements AutoCloseable {
  public static final String NS = "default";
  public static final String CONTROLLER_NS = "ramp-system";
  public static final String NAME = "checkout";
  static final Path NGINX = Path.of("/usr/sbin/nginx");
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Pattern LISTENING =
      Pattern.compile("msg=\"Listening on\" address=127\\.0\\.0\\.1:(\\d+)");

  public static boolean available() {
    return Files.isExecutable(NGINX) && Files.isExecutable(PROMETHEUS);
  }

  final Path dir;
  final EmbeddedCluster cluster;
  final KubernetesClient client;
  final int nginxPort;
  private final Process nginx;
  private final Process prometheus;
  final String prometheusUrl;
  private final HttpServer stableService;
  private final HttpServer canaryService;
  private final HttpServer metrics;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<ReplicaSet> replicaSets;
  private final NodeSimulator nodes;
  final RampRuntime runtime;
  final HttpClient http = HttpClient.newHttpClient();

  /** per "batch/tag": requests; per "service/code": the metric. */
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

  private final Map<String, AtomicLong> metric = new ConcurrentHashMap<>();
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong badTagRequests = new AtomicLong();

  /** nanoTime of the first 500 a tag-3 pod answered, 0 before. */
  public final AtomicLong firstBadAnswer = new AtomicLong();

  public ClosedLoop(Path dir) throws Exception {
    this.dir = dir;
    cluster = EmbeddedCluster.start(List.of(), List.of(CONTROLLER_NS, NS));
    cluster.registerRampCrds();
    client = cluster.client();
    services = client.services().inNamespace(NS).inform();
    replicaSets = client.apps().replicaSets().inNamespace(NS).inform();

    stableService = service(NAME + "-stable");
    canaryService = service(NAME + "-canary");
    for (String s : List.of(NAME + "-stable", NAME + "-canary")) {
      for (String code : List.of("200", "500")) {
        metric.put(s + "/" + code, new AtomicLong());
      }
    }
    metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    metrics.createContext("/metrics", this::metrics);
    metrics.start();

    nginxPort = freePort();
    nginx = startNginx();
    prometheus = startPrometheus(metrics.getAddress().getPort());
    prometheusUrl = "http://127.0.0.1:" + prometheusPort();

    client
        .configMaps()
        .inNamespace(CONTROLLER_NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("ramp-config")
                .withNamespace(CONTROLLER_NS)
                .endMetadata()
                .withData(Map.of("trafficRouterPlugins", pluginEntry()))
                .build())
        .create();
    nodes = new NodeSimulator(client, Duration.ofMillis(100)).start();
    runtime =
        new RampRuntime(
            cluster.newClient(),
            RampRuntime.Settings.defaults(CONTROLLER_NS)
                .withWatchNamespace(NS)
                .withClock(Clock.systemUTC())
                .withPluginHost(
                    PluginHost.Settings.defaults()
                        .withRunnerJar(TestPlugins.runnerJar())
                        .withCacheDir(dir.resolve("cache"))
                        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))));
    runtime.start();
    await("the NGINX router plugin ready")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> runtime.pluginHost().trafficRouterClient().availability("ramp/nginx").isReady());
  }

  public static Path nginxPluginJar() {
    Path jar =
        Path.of("../plugins/traffic-nginx/target/ramp-traffic-nginx.jar")
            .toAbsolutePath()
            .normalize();
    assertThat(jar).as("the NGINX router plugin JAR; build the reactor first").isRegularFile();
    return jar;
  }

  private String pluginEntry() {
    return "- name: ramp/nginx\n  location: file://"
        + nginxPluginJar()
        + "\n  callDeadline: 30s\n  env:\n"
        + "    RAMP_NGINX_PREFIX: "
        + dir.resolve("nginx")
        + "\n    RAMP_NGINX_CONF: "
        + dir.resolve("nginx/nginx.conf")
        + "\n    RAMP_NGINX_INCLUDE_DIR: "
        + dir.resolve("nginx/ramp")
        + "\n";
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  // ---------------------------------------------------------------- the Services

  private HttpServer service(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    server.createContext("/", exchange -> serve(name, exchange));
    server.setExecutor(pool);
    server.start();
    return server;
  }

  /** The image tag of the pods the Service selects now, or null. */
  private String tagBehind(String service) {
    Service s = services.getStore().getByKey(NS + "/" + service);
    if (s == null || s.getSpec().getSelector() == null) {
      return null;
    }
    String hash = s.getSpec().getSelector().get(RolloutLabels.POD_TEMPLATE_HASH);
    if (hash == null) {
      return null;
    }
    for (ReplicaSet rs : replicaSets.getStore().list()) {
      if (hash.equals(rs.getMetadata().getLabels().get(RolloutLabels.POD_TEMPLATE_HASH))) {
        String image = rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        return image.substring(image.lastIndexOf(':') + 1);
      }
    }
    return null;
  }

  private void serve(String service, HttpExchange exchange) throws IOException {
    inFlight.incrementAndGet();
    try {
      exchange.getRequestBody().readAllBytes();
      String tag = tagBehind(service);
      int code = 200;
      if (tag == null) {
        code = 503;
      } else if (tag.startsWith("3") && badTagRequests.getAndIncrement() % 10 < 3) {
        code = 500;
        firstBadAnswer.compareAndSet(0, System.nanoTime());
      }
      String probe = exchange.getRequestHeaders().getFirst("X-Probe");
      counts
          .computeIfAbsent(
              (probe == null ? "background" : probe) + "/" + tag, k -> new AtomicLong())
          .incrementAndGet();
      if (code != 503) {
        metric.get(service + "/" + (code == 500 ? "500" : "200")).incrementAndGet();
      }
      byte[] body = String.valueOf(tag).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(code, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void metrics(HttpExchange exchange) throws IOException {
    StringBuilder text = new StringBuilder("# TYPE http_requests_total counter\n");
    new java.util.TreeMap<>(metric)
        .forEach(
            (key, value) -> {
              String[] parts = key.split("/");
              text.append("http_requests_total{service=\"")
                  .append(parts[0])
                  .append("\",code=\"")
                  .append(parts[1])
                  .append("\"} ")
                  .append(value.get())
                  .append('\n');
            });
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Requests of a batch that reached pods of {@code tag}. */
  public long count(String batch, String tag) {
    AtomicLong c = counts.get(batch + "/" + tag);
    return c == null ? 0 : c.get();
  }

  /** {@link #count} once the counters stopped moving: nothing in flight, same at two polls. */
  public long settled(String batch, String tag) {
    long[] last = {-1};
    return await("requests of " + batch + " to tag " + tag + " stop coming")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              long now = count(batch, tag);
              boolean still = now == last[0] && inFlight.get() == 0;
              last[0] = now;
              return still ? now : null;
            },
            v -> v != null);
  }

  // ---------------------------------------------------------------- traffic

  /** 100 requests a second through NGINX, until closed: what the analysis measures. */
  public void startBackgroundTraffic() {
    load.scheduleAtFixedRate(
        () -> {
          try {
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginxPort + "/bg")).build(),
                HttpResponse.BodyHandlers.discarding());
          } catch (IOException e) {
            // NGINX between generations or not serving yet: the next request tries again.
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        0,
        10,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Sends {@code n} requests of a batch (four at a time); the answers by the tag that gave them.
   */
  public Map<String, Integer> send(String batch, int n, Map<String, String> headers)
      throws Exception {
    Map<String, Integer> answers = new ConcurrentHashMap<>();
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int share = n / 4 + (t < n % 4 ? 1 : 0);
        done.add(
            senders.submit(
                () -> {
                  for (int i = 0; i < share; i++) {
                    HttpRequest.Builder b =
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + nginxPort + "/" + batch + "/" + i))
                            .header("X-Probe", batch);
                    headers.forEach(b::header);
                    HttpResponse<String> r =
                        http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    answers.merge(r.body(), 1, Integer::sum);
                  }
                  return null;
                }));
      }
      for (var f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      senders.shutdownNow();
    }
    return new HashMap<>(answers);
  }

  // ---------------------------------------------------------------- NGINX

  Path include() {
    return dir.resolve("nginx/ramp/" + NAME + ".conf");
  }

  /** The include's state line, as JSON (null before the first write). */
  public JsonNode includeState() throws IOException {
    if (!Files.exists(include())) {
      return null;
    }
    for (String line : Files.readAllLines(include())) {
      if (line.startsWith("# ramp-state: ")) {
        return Json.MAPPER.readTree(line.substring("# ramp-state: ".length()));
      }
    }
    return null;
  }

  /** The generation NGINX's workers answer, -1 when none. */
  public long servedGeneration() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", nginxPort), 1000);
      socket.setSoTimeout(5000);
      socket
          .getOutputStream()
          .write("GET /ramp-generation HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!answer.startsWith("HTTP/1.1 200")) {
        return -1;
      }
      return Long.parseLong(answer.substring(answer.indexOf("\r\n\r\n") + 4).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** True when the include holds what {@code holds} says and NGINX's workers serve it. */
  public boolean serving(java.util.function.Predicate<JsonNode> holds) throws IOException {
    JsonNode state = includeState();
    return state != null
        && holds.test(state)
        && servedGeneration() == state.path("generation").asLong();
  }

  private Process startNginx() throws Exception {
    Path prefix = Files.createDirectories(dir.resolve("nginx"));
    Files.createDirectories(prefix.resolve("ramp"));
    Files.createDirectories(prefix.resolve("logs"));
    Files.createDirectories(prefix.resolve("temp"));
    String temp = prefix.resolve("temp").toString();
    Files.writeString(
        prefix.resolve("nginx.conf"),
        "pid "
            + prefix.resolve("nginx.pid")
            + ";\nerror_log "
            + prefix.resolve("logs/error.log")
            + " notice;\nworker_processes 2;\nevents { worker_connections 1024; }\nhttp {\n"
            + "    access_log off;\n    client_body_temp_path "
            + temp
            + "/body;\n    proxy_temp_path "
            + temp
            + "/proxy;\n    fastcgi_temp_path "
            + temp
            + "/fastcgi;\n    uwsgi_temp_path "
            + temp
            + "/uwsgi;\n    scgi_temp_path "
            + temp
            + "/scgi;\n    include "
            + prefix.resolve("ramp")
            + "/*.conf;\n}\n");
    Process p =
        new ProcessBuilder(
                NGINX.toString(),
                "-p",
                prefix.toString(),
                "-c",
                prefix.resolve("nginx.conf").toString(),
                "-g",
                "daemon off;")
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("logs/nginx.out").toFile())
            .start();
    await("NGINX's pid file")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              assertThat(p.isAlive()).as(read(prefix.resolve("logs/nginx.out"))).isTrue();
              return Files.exists(prefix.resolve("nginx.pid"));
            });
    return p;
  }

  public String nginxLog() {
    return read(dir.resolve("nginx/logs/error.log"));
  }

  // ---------------------------------------------------------------- Prometheus

  private Process startPrometheus(int targetPort) throws IOException {
    Path home = Files.createDirectories(dir.resolve("prometheus"));
    Files.writeString(
        home.resolve("prometheus.yml"),
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            + "scrape_configs:\n  - job_name: closed-loop\n    scrape_interval: 1s\n"
            + "    static_configs:\n      - targets: ['127.0.0.1:"
            + targetPort
            + "']\n");
    return new ProcessBuilder(
            PROMETHEUS.toString(),
            "--config.file=" + home.resolve("prometheus.yml"),
            "--storage.tsdb.path=" + Files.createDirectories(home.resolve("data")),
            "--web.listen-address=127.0.0.1:0")
        .redirectErrorStream(true)
        .redirectOutput(home.resolve("prometheus.log").toFile())
        .start();
  }

  private int prometheusPort() {
    Path log = dir.resolve("prometheus/prometheus.log");
    return await("Prometheus listening")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              assertThat(prometheus.isAlive()).as(read(log)).isTrue();
              Matcher m = LISTENING.matcher(read(log));
              return m.find() ? Integer.valueOf(m.group(1)) : null;
            },
            v -> v != null);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(no " + file + ")";
    }
  }

  // ---------------------------------------------------------------- the Rollout

  public void createServicesAndTemplate() {
    for (String s : List.of(NAME + "-stable", NAME + "-canary")) {
      client
          .services()
          .inNamespace(NS)
          .resource(
              Serialization.unmarshal(
                  "apiVersion: v1\nkind: Service\nmetadata: {name: "
                      + s
                      + ", namespace: default}\nspec:\n  selector: {app: checkout}\n  ports: [{port: 80}]\n",
                  Service.class))
          .create();
    }
    client
        .resources(AnalysisTemplate.class)
        .inNamespace(NS)
        .resource(
            Serialization.unmarshal(
                TEMPLATE.replace("ADDRESS", prometheusUrl), AnalysisTemplate.class))
        .create();
  }

  /** The router's entry of trafficRouting.plugins. */
  public String routerConfig() {
    return "{includeFile: "
        + NAME
        + ".conf, listen: '127.0.0.1:"
        + nginxPort
        + "', stable: '127.0.0.1:"
        + stableService.getAddress().getPort()
        + "', canary: '127.0.0.1:"
        + canaryService.getAddress().getPort()
        + "'}";
  }

  public Rollout rollout(String image, String steps) {
    return Serialization.unmarshal(
        ROLLOUT.replace("IMAGE", image).replace("ROUTER", routerConfig()).replace("STEPS", steps),
        Rollout.class);
  }

  public Rollout get() {
    return client.resources(Rollout.class).inNamespace(NS).withName(NAME).get();
  }

  public JsonNode status() {
    Rollout r = get();
    return r == null || r.getStatus() == null
        ? Json.MAPPER.createObjectNode()
        : Json.MAPPER.valueToTree(r.getStatus());
  }

  static final String QUERY =
      "sum(rate(http_requests_total{service=\"checkout-canary\",code=\"500\"}[5s]))"
          + " / sum(rate(http_requests_total{service=\"checkout-canary\"}[5s]))";

  /** The canary's error rate, every 2 s, four times; no canary traffic yet (NaN) is no error. */
  static final String TEMPLATE =
      """
      apiVersion: ramp.dev/v1alpha1
      kind: AnalysisTemplate
      metadata:
        name: canary-errors
        namespace: default
      spec:
        metrics:
          - name: error-rate
            interval: 2s
            count: 4
            successCondition: isNaN(result[0]) || result[0] < 0.1
            provider:
              prometheus:
                address: ADDRESS
                query: 'QUERY'
      """
          .replace("QUERY", QUERY);

  static final String ROLLOUT =
      """
      apiVersion: ramp.dev/v1alpha1
      kind: Rollout
      metadata:
        name: checkout
        namespace: default
      spec:
        replicas: 5
        selector:
          matchLabels: {app: checkout}
        template:
          metadata:
            labels: {app: checkout}
          spec:
            containers:
              - name: app
                image: registry.example/checkout:IMAGE
        strategy:
          canary:
            canaryService: checkout-canary
            stableService: checkout-stable
            abortScaleDownDelaySeconds: 0
            trafficRouting:
              managedRoutes:
                - name: tax-user
                - name: shadow
              plugins:
                ramp/nginx: ROUTER
            steps: STEPS
      """;

  @Override
  public void close() throws Exception {
    load.shutdownNow();
    runtime.close();
    nodes.close();
    services.close();
    replicaSets.close();
    for (Process p : List.of(nginx, prometheus)) {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    stableService.stop(0);
    canaryService.stop(0);
    metrics.stop(0);
    pool.shutdownNow();
    cluster.close();
  }
}
