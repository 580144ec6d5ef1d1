package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginAvailability.State;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import dev.ramp.plugin.api.StepResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ramp-config edited while the host runs: each edit takes effect without a restart. */
@EnableKubernetesMockClient(crud = true)
class PluginConfigInformerIT {

  private static final String NAMESPACE = "ramp-system";
  private static final Path PYTHON_PLUGIN =
      Path.of("..", "tests", "python", "step_plugin.py").toAbsolutePath().normalize();

  KubernetesMockServer server;
  KubernetesClient client;

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private void write(Map<String, String> data) {
    ConfigMap configMap =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("ramp-config")
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withData(data)
            .build();
    client.configMaps().inNamespace(NAMESPACE).resource(configMap).createOr(c -> c.update());
  }

  @Test
  void everyEditOfTheConfigMapReachesTheSink() {
    List<PluginConfigSnapshot> seen = new CopyOnWriteArrayList<>();
    write(Map.of("stepPlugins", "- {name: acme/a, location: /bin/a}"));
    client
        .configMaps()
        .inNamespace(NAMESPACE)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("other")
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withData(Map.of("stepPlugins", "- {name: acme/z, location: /bin/z}"))
                .build())
        .create();
    PluginConfigInformer informer = new PluginConfigInformer(client, NAMESPACE, 10, seen::add);
    closing.add(informer);
    informer.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
    assertThat(seen.get(0).entries())
        .singleElement()
        .satisfies(e -> assertThat(e.name()).isEqualTo("acme/a"));

    write(
        Map.of(
            "stepPlugins",
            "- {name: acme/a, location: /bin/a, disabled: true}\n"
                + "- {name: acme/b, location: 'ftp://x/b'}"));
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
    assertThat(seen.get(1).entries().get(0).disabled()).isTrue();
    assertThat(seen.get(1).refused())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("ftp"));

    client.configMaps().inNamespace(NAMESPACE).withName("ramp-config").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
    assertThat(seen.get(2)).isEqualTo(PluginConfigSnapshot.empty());
  }

  /** A typo in a top-level key would drop every step plugin: it is a Warning Event, by name. */
  @Test
  void anUnknownKeyIsAWarningEventOnTheConfigMap() {
    List<PluginConfigSnapshot> seen = new CopyOnWriteArrayList<>();
    write(Map.of("stepplugins", "- {name: acme/a, location: /bin/a}"));
    PluginConfigInformer informer = new PluginConfigInformer(client, NAMESPACE, 10, seen::add);
    closing.add(informer);
    informer.start();

    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
    assertThat(seen.get(0).entries()).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                    .anyMatch(
                        e ->
                            "UnknownConfigKey".equals(e.getReason())
                                && "Warning".equals(e.getType())
                                && "ConfigMap".equals(e.getInvolvedObject().getKind())
                                && e.getMessage().contains("data.stepplugins: unknown key")
                                && e.getMessage().contains("did you mean stepPlugins?")));
  }

  @Test
  void disableReEnableChangeAndRemoveAPluginWhileTheHostRuns() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(PYTHON_PLUGIN));
    PluginHost host =
        new PluginHost(
            PluginHost.Settings.defaults()
                .withRunnerJar(null)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withHealth(Duration.ofMillis(500), Duration.ofSeconds(1), 2),
            new SimpleMeterRegistry());
    closing.add(host);
    String entry = "- name: acme/py\n  location: file://" + PYTHON_PLUGIN + "\n";
    write(Map.of("stepPlugins", entry));
    PluginConfigInformer informer = new PluginConfigInformer(client, NAMESPACE, 10, host::apply);
    closing.add(informer);
    informer.start();

    awaitState(host, State.READY);
    long firstPid = pid(host);
    assertThat(run(host).phase()).isEqualTo(StepPhase.SUCCESSFUL);

    // On-call switches it off.
    write(Map.of("stepPlugins", entry + "  disabled: true\n"));
    awaitState(host, State.DISABLED);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(firstPid).map(p -> !p.isAlive()).orElse(true));
    assertThat(run(host).message()).contains("acme/py is disabled");

    // And on again.
    write(Map.of("stepPlugins", entry));
    awaitState(host, State.READY);
    long secondPid = pid(host);
    assertThat(secondPid).isNotEqualTo(firstPid);

    // Changed: the new process is up before the old one goes.
    write(Map.of("stepPlugins", entry + "  env: {GREETING: hello}\n"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              long pid = pid(host);
              return pid > 0 && pid != secondPid;
            });
    assertThat(host.availability(PluginKind.STEP, "acme/py")).isEqualTo(PluginAvailability.ready());
    assertThat(run(host).phase()).isEqualTo(StepPhase.SUCCESSFUL);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(secondPid).map(p -> !p.isAlive()).orElse(true));
    long thirdPid = pid(host);

    // Removed.
    write(Map.of("trafficRouterPlugins", ""));
    awaitState(host, State.UNKNOWN);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(thirdPid).map(p -> !p.isAlive()).orElse(true));
  }

  private static long pid(PluginHost host) {
    // The host exposes no pids publicly; the plugin is our only child with this script.
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().orElse("").contains("step_plugin.py"))
        .mapToLong(ProcessHandle::pid)
        .max()
        .orElse(-1);
  }

  private static void awaitState(PluginHost host, State state) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(100, TimeUnit.MILLISECONDS)
        .until(() -> host.availability(PluginKind.STEP, "acme/py").state() == state);
  }

  private static StepResult run(PluginHost host) {
    return host.stepClient()
        .call(
            "acme/py",
            StepOperation.RUN,
            new StepCall(
                PluginContext.none("acme/py", "Run"), Json.parse("{}"), Json.parse("{}"), null));
  }
}
