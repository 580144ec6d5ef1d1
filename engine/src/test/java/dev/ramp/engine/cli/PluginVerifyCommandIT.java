package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ramp.engine.NodePlugin;
import dev.ramp.plugin.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ramp plugin verify` on real child processes: good plugins and three broken ones. */
class PluginVerifyCommandIT {

  @TempDir Path dir;

  private Path script(String name, String body) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  @Test
  void passesThePythonPlugin() {
    Path plugin = PluginRunCommandIT.PYTHON_PLUGIN;
    assumeTrue(Files.isExecutable(plugin), "tests/python/step_plugin.py missing");
    CliHarness.Result result =
        CliHarness.run(
            "plugin",
            "verify",
            plugin.toString(),
            "--kind",
            "step",
            "--config",
            "{\"runningCalls\":0,\"message\":\"ok\"}");
    assertThat(result.out()).contains("PASSED").contains("✓ step: state round-trips");
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void aStepAnsweringErrorIsNotVerifiedAndRecommendationsStandApart() {
    Path plugin = PluginRunCommandIT.PYTHON_PLUGIN;
    assumeTrue(Files.isExecutable(plugin), "tests/python/step_plugin.py missing");
    CliHarness.Result result =
        CliHarness.run(
            "plugin",
            "verify",
            plugin.toString(),
            "--kind",
            "step",
            "--config",
            "{\"result\":\"ERROR\",\"message\":\"backend down\"}");
    assertThat(result.out().lines().findFirst().orElseThrow())
        .isEqualTo(
            "Ramp plugin conformance: ramp-tests/python-step version 0.1.0: PASSED; 2 not"
                + " verified");
    assertThat(result.out())
        .doesNotContain("local/plugin")
        .containsPattern("\\? step: Run answers a phase +answered ERROR \\(backend down\\)")
        .doesNotContain("✓ step: Run answers a phase");
    String recommended = result.out().substring(result.out().indexOf(" recommended:\n"));
    assertThat(recommended)
        .contains("✓ step: config that is not an object is INVALID_ARGUMENT")
        .contains("✓ step: config of wrong types is INVALID_ARGUMENT");
    assertThat(result.out()).contains("PASSED; 2 not verified\n required:\n");
    assertThat(result.exitCode()).as(result.out()).isZero();
  }

  @Test
  void passesThePythonMetricProvider() throws Exception {
    Path plugin = PluginRunCommandIT.PYTHON_PLUGIN.resolveSibling("metric_plugin.py");
    assumeTrue(Files.isExecutable(plugin), "tests/python/metric_plugin.py missing");
    Path log = dir.resolve("calls.log");
    CliHarness.Result result =
        CliHarness.run(
            "plugin",
            "verify",
            plugin.toString(),
            "--kind",
            "metricProvider",
            "--env",
            "METRIC_PLUGIN_LOG=" + log,
            "--config",
            "{\"runningCalls\":1,\"value\":\"0.99\",\"resumeMs\":200}");
    assertThat(result.out()).contains("PASSED").contains("name ramp-tests/python-metric");
    for (String rpc :
        List.of("Init", "Run", "Resume", "Terminate", "GarbageCollect", "GetMetadata")) {
      // Each answered OK, not merely with a status code the kit lets pass.
      assertThat(result.out())
          .containsPattern("✓ metricProvider: " + rpc + " answers +answered OK");
    }
    assertThat(result.out()).contains("✓ graceful stop");
    assertThat(result.exitCode()).as(result.out()).isZero();
    // Every call reached the plugin, in the controller's order.
    assertThat(Files.readAllLines(log))
        .extracting(line -> Json.parse(line).path("rpc").asText())
        .containsExactly("Init", "Run", "Resume", "Terminate", "GarbageCollect", "GetMetadata");
  }

  @Test
  void passesTheNodePlugin() {
    Path node = NodePlugin.assumeAvailable();
    // The script runs by its #!/usr/bin/env line: give it a PATH that holds this node.
    CliHarness.Result result =
        CliHarness.run(
            "plugin",
            "verify",
            NodePlugin.SCRIPT.toString(),
            "--kind",
            "step",
            "--env",
            "PATH=" + node.getParent() + ":/usr/bin:/bin",
            "--config",
            "{\"runningCalls\":1,\"requeueMs\":500,\"message\":\"ok\"}");
    assertThat(result.out())
        .contains("PASSED")
        .contains("name ramp-tests/node-step")
        .contains("✓ step: state round-trips")
        .contains("✓ graceful stop");
    assertThat(result.exitCode()).as(result.out()).isZero();
  }

  @Test
  void failsAPluginThatPrintsGarbage() throws Exception {
    Path plugin = script("garbage.sh", "echo 'hello there'\necho '1|2|3'\nexec sleep 60");
    CliHarness.Result result =
        CliHarness.run("plugin", "verify", plugin.toString(), "--start-timeout", "2s");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).contains("FAILED").contains("✗ launch and handshake");
  }

  @Test
  void failsAPluginThatCrashesAtStart() throws Exception {
    Path plugin = script("crash.sh", "echo 'cannot open config' >&2\nexit 3");
    CliHarness.Result result =
        CliHarness.run("plugin", "verify", plugin.toString(), "--start-timeout", "5s");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).contains("EXITED_EARLY").contains("code 3");
  }

  @Test
  void failsAPluginThatHandshakesButNeverAnswers() throws Exception {
    // Prints a well-formed handshake for a socket nobody listens on.
    Path plugin =
        script(
            "silent.sh",
            "echo \"1|1|unix|$PLUGIN_UNIX_SOCKET_DIR/plugin.sock|grpc\"\nexec sleep 60");
    CliHarness.Result result =
        CliHarness.run("plugin", "verify", plugin.toString(), "--start-timeout", "2s");
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).contains("FAILED").contains("health SERVING");
  }
}
