package dev.ramp.engine.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.plugin.PluginAvailability;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real plugin host running the Python metric provider of tests/python, which logs every call it
 * takes to a file; shared by the host's, the provider's and the controller's ITs.
 */
public final class MetricPluginFixture {
  public static final String PLUGIN = "ramp-tests/metric";
  public static final Path METRIC_PLUGIN = TestPlugins.PYTHON_DIR.resolve("metric_plugin.py");

  private MetricPluginFixture() {}

  /** Skips the calling test when /usr/bin/python3 cannot run the plugin. */
  public static void assumePython() {
    TestPlugins.assumePython();
  }

  /**
   * A host with fast restarts and health checks, {@link #PLUGIN} configured and ready; the plugin
   * writes its calls to {@code log}.
   */
  public static PluginHost start(Path dir, Path log, MeterRegistry registry) {
    PluginHost host =
        new PluginHost(
            PluginHost.Settings.defaults()
                .withRunnerJar(null)
                .withCacheDir(dir.resolve("cache"))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withHealth(Duration.ofMillis(500), Duration.ofSeconds(1), 2),
            registry);
    PluginConfigSnapshot snapshot =
        PluginConfigSnapshot.parse(
            Map.of(
                "metricProviderPlugins",
                "- name: "
                    + PLUGIN
                    + "\n  location: file://"
                    + METRIC_PLUGIN
                    + "\n  args: ['"
                    + log
                    + "']\n"),
            10);
    assertThat(snapshot.refused()).isEmpty();
    host.apply(snapshot);
    awaitReady(host);
    return host;
  }

  /** Waits until the plugin takes calls (after a start or a restart). */
  public static void awaitReady(PluginHost host) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(host.metricProviderClient().availability(PLUGIN))
                    .isEqualTo(PluginAvailability.ready()));
  }
}
