package dev.ramp.engine.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.host.AccessReportingPlugin.Report;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginAvailability.State;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import io.fabric8.kubernetes.client.Config;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubernetesAccess} with real plugin processes: a plugin that asks gets a kubeconfig of its
 * own that reaches the API server; one that does not gets no {@code KUBECONFIG}, although the
 * controller's own environment has one (the engine's failsafe configuration sets it for every IT).
 */
class PluginHostKubernetesAccessIT {

  @TempDir Path dir;

  private EmbeddedCluster cluster;
  private String controllerKubeconfig;
  private PluginHost host;

  private static PluginHost.Settings settings() {
    return PluginHost.Settings.defaults()
        .withRunnerJar(null)
        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .withHealth(Duration.ofMillis(500), Duration.ofSeconds(1), 2);
  }

  @BeforeEach
  void start() throws Exception {
    AccessReportingPlugin.assumePython();
    cluster = EmbeddedCluster.start(List.of(), List.of("default"));
    controllerKubeconfig = Files.readString(cluster.writeKubeconfig(dir.resolve("controller")));
    host =
        PluginHost.withKubernetesAccess(
            settings().withCacheDir(dir.resolve("cache")),
            new SimpleMeterRegistry(),
            () -> controllerKubeconfig);
  }

  @AfterEach
  void stop() {
    if (host != null) {
      host.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static PluginConfigSnapshot config(String stepPlugins) {
    PluginConfigSnapshot snapshot =
        PluginConfigSnapshot.parse(Map.of("stepPlugins", stepPlugins), 10);
    assertThat(snapshot.refused()).isEmpty();
    return snapshot;
  }

  private void awaitReady(PluginHost h, String name) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(h.stepClient().availability(name))
                    .as(name)
                    .isEqualTo(PluginAvailability.ready()));
  }

  @Test
  void aPluginThatAsksGetsItsOwnKubeconfigWrittenForItAloneThatReachesTheApiServer()
      throws Exception {
    Path report = dir.resolve("granted.json");
    host.apply(config(AccessReportingPlugin.entry("acme/router", dir, report, "true")));
    awaitReady(host, "acme/router");

    Report seen = AccessReportingPlugin.read(report);
    assertThat(seen.pid()).isEqualTo(host.pid(PluginKind.STEP, "acme/router"));
    Path kubeconfig = Path.of(seen.kubeconfig());
    assertThat(kubeconfig).isEqualTo(seen.socketDir().resolve("kubeconfig"));
    assertThat(seen.socketDirMode()).isEqualTo("700");
    assertThat(seen.mode()).isEqualTo("600");
    assertThat(seen.files()).containsExactly("kubeconfig");
    assertThat(seen.content()).isEqualTo(controllerKubeconfig);
    assertThat(Config.fromKubeconfig(seen.content()).getMasterUrl()).isEqualTo(cluster.url() + "/");
    assertThat(seen.apiStatus()).as("GET namespaces/default (%s)", seen.apiError()).isEqualTo(200);
    // Seen from the controller's side too, while the plugin runs.
    assertThat(Files.getPosixFilePermissions(kubeconfig))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    host.close();
    assertThat(kubeconfig).doesNotExist();
  }

  @Test
  void aPluginThatDoesNotAskGetsNoKubeconfigEvenThoughTheControllerHasOne() throws Exception {
    assertThat(System.getenv("KUBECONFIG"))
        .as("the controller's own KUBECONFIG, set for the engine's ITs in engine/pom.xml")
        .isNotBlank();
    Path report = dir.resolve("plain.json");
    Path explicitFalse = dir.resolve("false.json");
    host.apply(
        config(
            AccessReportingPlugin.entry("acme/plain", dir, report, null)
                + AccessReportingPlugin.entry("acme/refrains", dir, explicitFalse, "false")));
    awaitReady(host, "acme/plain");
    awaitReady(host, "acme/refrains");

    for (Path file : List.of(report, explicitFalse)) {
      Report seen = AccessReportingPlugin.read(file);
      assertThat(seen.kubeconfig()).isNull();
      assertThat(seen.environment()).doesNotContain("KUBECONFIG");
      // Python itself sets LC_CTYPE when it starts in the C locale (PEP 538).
      assertThat(seen.environment())
          .filteredOn(name -> !name.equals("LC_CTYPE"))
          .containsExactlyInAnyOrder(
              "PATH",
              "RAMP_PLUGIN_COOKIE",
              "PLUGIN_UNIX_SOCKET_DIR",
              "PLUGIN_PROTOCOL_VERSIONS",
              "RAMP_PLUGIN_NAME");
      assertThat(seen.files()).isEmpty();
    }
  }

  @Test
  void grantingAccessRestartsThePluginWhichThenHasAKubeconfig() throws Exception {
    Path report = dir.resolve("toggled.json");
    host.apply(config(AccessReportingPlugin.entry("acme/toggled", dir, report, null)));
    awaitReady(host, "acme/toggled");
    long before = host.pid(PluginKind.STEP, "acme/toggled");
    assertThat(AccessReportingPlugin.read(report).kubeconfig()).isNull();

    host.apply(config(AccessReportingPlugin.entry("acme/toggled", dir, report, "true")));

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                host.pid(PluginKind.STEP, "acme/toggled") > 0
                    && host.pid(PluginKind.STEP, "acme/toggled") != before);
    Report seen = AccessReportingPlugin.read(report);
    assertThat(seen.pid()).isEqualTo(host.pid(PluginKind.STEP, "acme/toggled"));
    assertThat(seen.mode()).isEqualTo("600");
    assertThat(seen.content()).isEqualTo(controllerKubeconfig);
  }

  @Test
  void aHostWithoutAccessRefusesAnEntryThatAsksAndStartsNothing() throws Exception {
    Path report = dir.resolve("refused.json");
    try (PluginHost without =
        new PluginHost(settings().withCacheDir(dir.resolve("cache")), new SimpleMeterRegistry())) {
      without.apply(
          config(
              AccessReportingPlugin.entry("acme/router", dir, report, "true")
                  + AccessReportingPlugin.entry("acme/other", dir, dir.resolve("o.json"), null)));

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(without.availability(PluginKind.STEP, "acme/router").state())
                      .isEqualTo(State.REFUSED));
      assertThat(without.availability(PluginKind.STEP, "acme/router").reason())
          .startsWith("plugin acme/router asks for kubernetesAccess")
          .contains("no Kubernetes access to hand over");
      // The other plugin is not held back.
      awaitReady(without, "acme/other");
      assertThat(report).doesNotExist();
    }
  }
}
