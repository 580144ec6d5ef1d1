package dev.ramp.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginAvailability.State;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import dev.ramp.plugin.api.StepResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin host runs a plugin JAR under the SDK's runner and the Python plugin alike. */
class PluginHostJarIT {
  // Each call a new delivery: the host reuses an answer given for the same key and attempt.
  private static final java.util.concurrent.atomic.AtomicInteger ATTEMPTS =
      new java.util.concurrent.atomic.AtomicInteger();

  @TempDir Path cache;
  private PluginHost host;

  @BeforeEach
  void start() {
    host =
        new PluginHost(
            PluginHost.Settings.defaults()
                .withRunnerJar(TestPlugins.runnerJar())
                .withCacheDir(cache)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)),
            new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    host.close();
  }

  private static StepCall call(String config, String state) {
    return new StepCall(
        new PluginContext(
            "uid", "ns", "r", "hash", 0, "sh", "Run", ATTEMPTS.incrementAndGet(), "key-7", "x"),
        Json.parse("{}"),
        Json.parse(config),
        Json.parse(state));
  }

  @Test
  void aJarPluginWithItsChecksumAndThePythonPluginServeSideBySide() throws Exception {
    String sha256 =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(TestPlugins.echoJar())));
    host.apply(
        PluginConfigSnapshot.parse(
            Map.of(
                "stepPlugins",
                "- name: ramp-tests/echo\n"
                    + "  location: file://"
                    + TestPlugins.echoJar()
                    + "\n"
                    + "  sha256: "
                    + sha256
                    + "\n"
                    + "  jvmOptions: ['-Xmx48m']\n"
                    + "- name: ramp-tests/python\n"
                    + "  location: "
                    + TestPlugins.pythonPlugin()
                    + "\n"
                    + "- name: ramp-tests/tampered\n"
                    + "  location: "
                    + TestPlugins.echoJar()
                    + "\n"
                    + "  sha256: '"
                    + "1".repeat(64)
                    + "'\n"),
            10));

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(host.stepClient().availability("ramp-tests/echo"))
                  .isEqualTo(PluginAvailability.ready());
              assertThat(host.stepClient().availability("ramp-tests/python"))
                  .isEqualTo(PluginAvailability.ready());
            });
    assertThat(host.stepClient().availability("ramp-tests/tampered").state())
        .isEqualTo(State.REFUSED);

    StepResult running =
        host.stepClient()
            .call("ramp-tests/echo", StepOperation.RUN, call("{\"runningCalls\":1}", ""));
    assertThat(running.phase()).isEqualTo(StepPhase.RUNNING);
    StepResult done =
        host.stepClient()
            .call(
                "ramp-tests/echo",
                StepOperation.RUN,
                call("{\"runningCalls\":1,\"message\":\"hi\"}", running.state().toString()));
    assertThat(done.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(done.message()).isEqualTo("hi");
    assertThat(done.state().get("lastKey").asText()).isEqualTo("key-7");

    StepResult invalid =
        host.stepClient()
            .call("ramp-tests/echo", StepOperation.RUN, call("{\"runningCalls\":-1}", ""));
    assertThat(invalid.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(invalid.message()).startsWith("invalid config: ").contains("INVALID_ARGUMENT");

    assertThat(
            host.stepClient().call("ramp-tests/python", StepOperation.RUN, call("{}", "")).phase())
        .isEqualTo(StepPhase.SUCCESSFUL);
  }
}
