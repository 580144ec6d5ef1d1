package dev.ramp.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.kube.EmbeddedApiServer;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.ops.OperationsServer;
import dev.ramp.engine.plugin.PluginAvailability.State;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One controller process on a mock API server: plugins from ramp-config, metrics, probes. */
class RampRuntimeIT {

  private static final String CONTROLLER_NS = "ramp-system";
  private static final String NS = "default";
  private static final Path PYTHON_PLUGIN =
      Path.of("..", "tests", "python", "step_plugin.py").toAbsolutePath().normalize();

  private EmbeddedApiServer server;
  private KubernetesClient client;
  private RampRuntime runtime;
  private OperationsServer ops;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws Exception {
    server = EmbeddedApiServer.start();
    client = server.client();
    server.registerRampCrds();
  }

  @AfterEach
  void tearDown() {
    if (ops != null) {
      ops.close();
    }
    if (runtime != null) {
      runtime.close();
    }
    server.close();
  }

  private void writeRampConfig(String stepPlugins) {
    client
        .configMaps()
        .inNamespace(CONTROLLER_NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("ramp-config")
                .withNamespace(CONTROLLER_NS)
                .endMetadata()
                .withData(Map.of("stepPlugins", stepPlugins))
                .build())
        .create();
  }

  static PluginHost.Settings fastHost() {
    return PluginHost.Settings.defaults()
        .withRunnerJar(null)
        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .withHealth(Duration.ofMillis(500), Duration.ofSeconds(1), 2);
  }

  static Rollout rollout(String name, Map<String, String> labels) throws Exception {
    Rollout r = new Rollout();
    r.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(NS).withLabels(labels).build());
    r.setSpec(
        dev.ramp.engine.model.Json.MAPPER.readValue(
            "{\"replicas\":1,\"template\":{\"metadata\":{\"labels\":{\"app\":\"demo\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"demo:1\"}]}},"
                + "\"strategy\":{\"canary\":{\"steps\":[{\"setWeight\":50}]}}}",
            dev.ramp.engine.model.RolloutSpec.class));
    r.getSpec().selector = new LabelSelectorBuilder().addToMatchLabels("app", "demo").build();
    return r;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void startsPluginsAndControllerServesMetricsAndStopsEveryPluginProcess() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(PYTHON_PLUGIN));
    writeRampConfig("- name: acme/py\n  location: file://" + PYTHON_PLUGIN + "\n");
    runtime =
        new RampRuntime(
            client,
            RampRuntime.Settings.defaults(CONTROLLER_NS)
                .withWatchNamespace(NS)
                .withPluginHost(fastHost()));
    ops =
        OperationsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            runtime.meterRegistry(),
            () -> true,
            runtime::isReady);
    assertThat(get("/readyz").statusCode()).isEqualTo(503);

    runtime.start();

    assertThat(runtime.isReady()).isTrue();
    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                runtime.pluginHost().availability(PluginKind.STEP, "acme/py").state()
                    == State.READY);
    long pid = pluginPid();
    assertThat(pid).isPositive();

    client.resources(Rollout.class).inNamespace(NS).resource(rollout("demo", Map.of())).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Rollout r = client.resources(Rollout.class).inNamespace(NS).withName("demo").get();
              return r.getStatus() != null && r.getStatus().phase != null;
            });
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("ramp_reconcile_total{result=\"success\"}")
        .contains("ramp_reconcile_seconds_bucket")
        .contains("ramp_rollouts{phase=")
        .contains("ramp_plugin_state{");

    runtime.close();
    assertThat(runtime.isReady()).isFalse();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void pluginStatesAreEventsOnTheConfigMap() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(PYTHON_PLUGIN));
    writeRampConfig(
        "- name: acme/py\n  location: "
            + PYTHON_PLUGIN
            + "\n- name: acme/tampered\n  location: "
            + PYTHON_PLUGIN
            + "\n  sha256: '"
            + "0".repeat(64)
            + "'\n- name: acme/typo\n  location: /bin/true\n  disable: true\n");
    runtime =
        new RampRuntime(
            client,
            RampRuntime.Settings.defaults(CONTROLLER_NS)
                .withWatchNamespace(NS)
                .withPluginHost(fastHost()));
    runtime.start();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        client.v1().events().inNamespace(CONTROLLER_NS).list().getItems().stream()
                            .filter(e -> e.getInvolvedObject().getName().equals("ramp-config"))
                            .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage()))
                    .contains("Normal PluginReady: step plugin acme/py is ready")
                    .anyMatch(
                        m ->
                            m.startsWith(
                                    "Warning PluginRefused: step plugin acme/tampered is refused:")
                                && m.contains("sha256"))
                    .anyMatch(
                        m ->
                            m.startsWith("Warning PluginRefused: step plugin acme/typo is refused:")
                                && m.contains("disable")));
  }

  @Test
  void anInstanceHandlesOnlyItsShardAndAnUnshardedOneOnlyUnlabelledRollouts() throws Exception {
    runtime =
        new RampRuntime(
            client,
            RampRuntime.Settings.defaults(CONTROLLER_NS)
                .withWatchNamespace(NS)
                .withInstanceId("blue")
                .withPluginHost(fastHost()));
    runtime.start();
    var rollouts = client.resources(Rollout.class).inNamespace(NS);
    rollouts.resource(rollout("mine", Map.of("ramp.dev/controller-instance", "blue"))).create();
    rollouts.resource(rollout("theirs", Map.of("ramp.dev/controller-instance", "green"))).create();
    rollouts.resource(rollout("unlabelled", Map.of())).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rollouts.withName("mine").get().getStatus() != null);
    // "mine" has been reconciled; the others were never queued by this instance.
    assertThat(rollouts.withName("theirs").get().getStatus()).isNull();
    assertThat(rollouts.withName("unlabelled").get().getStatus()).isNull();
    runtime.close();

    runtime =
        new RampRuntime(
            client,
            RampRuntime.Settings.defaults(CONTROLLER_NS)
                .withWatchNamespace(NS)
                .withPluginHost(fastHost()));
    runtime.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rollouts.withName("unlabelled").get().getStatus() != null);
    assertThat(rollouts.withName("theirs").get().getStatus()).isNull();
  }

  @Test
  void settingsRefuseTooFewWorkersAndABlankInstanceId() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RampRuntime.Settings.defaults(CONTROLLER_NS).withWorkers(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workers must be at least 2")
        .hasMessageContaining("got 1");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RampRuntime.Settings.defaults(CONTROLLER_NS).withInstanceId(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("instanceId must not be blank");
  }

  private static long pluginPid() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().orElse("").contains("step_plugin.py"))
        .mapToLong(ProcessHandle::pid)
        .max()
        .orElse(-1);
  }
}
