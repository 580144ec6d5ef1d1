package dev.ramp.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.host.AccessReportingPlugin;
import dev.ramp.engine.host.AccessReportingPlugin.Report;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime hands a plugin that asks for Kubernetes access the controller's own: here, as in
 * `ramp demo` and `ramp run`, the embedded API server its client talks to.
 */
class RuntimePluginKubeconfigIT {

  private static final String CONTROLLER_NS = "ramp-system";

  @TempDir Path dir;

  private EmbeddedCluster cluster;
  private RampRuntime runtime;

  @AfterEach
  void tearDown() {
    if (runtime != null) {
      runtime.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aPluginWithKubernetesAccessReachesTheApiServerTheControllerTalksTo() throws Exception {
    AccessReportingPlugin.assumePython();
    cluster = EmbeddedCluster.start(List.of(), List.of(CONTROLLER_NS, "default"));
    Path report = dir.resolve("report.json");
    cluster
        .client()
        .configMaps()
        .inNamespace(CONTROLLER_NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("ramp-config")
                .withNamespace(CONTROLLER_NS)
                .endMetadata()
                .withData(
                    Map.of(
                        "stepPlugins",
                        AccessReportingPlugin.entry("acme/router", dir, report, "true")))
                .build())
        .create();
    // As a rehearsal builds its controller: a client from the embedded server's plain Config.
    runtime =
        new RampRuntime(
            cluster.newClient(),
            RampRuntime.Settings.defaults(CONTROLLER_NS)
                .withPluginHost(RampRuntimeIT.fastHost().withCacheDir(dir.resolve("cache"))));

    runtime.startPlugins();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(runtime.pluginHost().stepClient().availability("acme/router"))
                    .isEqualTo(PluginAvailability.ready()));

    Report seen = AccessReportingPlugin.read(report);
    assertThat(seen.mode()).isEqualTo("600");
    assertThat(Path.of(seen.kubeconfig()).getParent()).isEqualTo(seen.socketDir());
    Config handed = Config.fromKubeconfig(seen.content());
    assertThat(handed.getMasterUrl()).isEqualTo(cluster.url() + "/");
    assertThat(handed.getNamespace()).isEqualTo("default");
    assertThat(seen.apiStatus()).as("GET namespaces/default (%s)", seen.apiError()).isEqualTo(200);
  }
}
