package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ramp plugin run` against the Python plugin of tests/, a real child process. */
class PluginRunCommandIT {

  static final Path PYTHON_PLUGIN = Path.of("../tests/python/step_plugin.py").toAbsolutePath();

  @TempDir static Path dir;
  static Path rollout;

  @BeforeAll
  static void writeRollout() throws Exception {
    assumeTrue(Files.isExecutable(PYTHON_PLUGIN), "tests/python/step_plugin.py missing");
    rollout = dir.resolve("rollout.yaml");
    Files.writeString(
        rollout,
        "apiVersion: ramp.dev/v1alpha1\nkind: Rollout\n"
            + "metadata: {name: checkout, namespace: shop, uid: u-1}\nspec: {replicas: 3}\n");
  }

  @Test
  void runningThenSuccessfulWithTheStateHandedBack() {
    CliHarness.Result first =
        CliHarness.run(
            "plugin",
            "run",
            PYTHON_PLUGIN.toString(),
            "--rollout",
            rollout.toString(),
            "--config",
            "{\"runningCalls\":1}");
    assertThat(first.exitCode()).isZero();
    assertThat(first.out()).contains("phase:   RUNNING").contains("\"calls\" : 1");

    CliHarness.Result second =
        CliHarness.run(
            "plugin",
            "run",
            PYTHON_PLUGIN.toString(),
            "--rollout",
            rollout.toString(),
            "--config",
            "{\"runningCalls\":1}",
            "--state",
            "{\"calls\":1}");
    assertThat(second.exitCode()).isZero();
    assertThat(second.out()).contains("phase:   SUCCESSFUL").contains("\"calls\" : 2");
  }

  @Test
  void failedAndInvalidConfigHaveTheirExitCodes() {
    CliHarness.Result failed =
        CliHarness.run(
            "plugin",
            "run",
            PYTHON_PLUGIN.toString(),
            "--rollout",
            rollout.toString(),
            "--config",
            "{\"result\":\"FAILED\",\"message\":\"gate says no\"}");
    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.out()).contains("phase:   FAILED").contains("gate says no");

    CliHarness.Result invalid =
        CliHarness.run(
            "plugin",
            "run",
            PYTHON_PLUGIN.toString(),
            "--rollout",
            rollout.toString(),
            "--config",
            "{\"runningCalls\":\"x\"}");
    assertThat(invalid.exitCode()).isEqualTo(5);
    assertThat(invalid.out())
        .contains("phase:   ERROR")
        .contains("message: invalid config: config.runningCalls")
        .contains("(step plugin local/plugin, Run, INVALID_ARGUMENT)");
  }

  @Test
  void badInputIsOneLine() {
    CliHarness.Result missing =
        CliHarness.run("plugin", "run", "/nonexistent/plugin", "--rollout", rollout.toString());
    assertThat(missing.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(missing.err())
        .isEqualTo(
            "error: plugin local/plugin: plugin file /nonexistent/plugin does not exist or is not"
                + " a readable file; check the entry's location and the file's permissions\n");

    CliHarness.Result badJson =
        CliHarness.run(
            "plugin",
            "run",
            PYTHON_PLUGIN.toString(),
            "--rollout",
            rollout.toString(),
            "--config",
            "{nope");
    assertThat(badJson.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(badJson.err()).startsWith("error: --config is not JSON");
  }

  @Test
  void aStateAboveTheLimitIsTheErrorTheControllerRecords() throws Exception {
    Path plugin = bigStatePlugin();
    CliHarness.Result big =
        CliHarness.run(
            "plugin",
            "run",
            plugin.toString(),
            "--name",
            "acme/big-state",
            "--rollout",
            rollout.toString(),
            "--config",
            "{\"runningCalls\":1,\"stateBytes\":70000}");
    assertThat(big.exitCode()).isEqualTo(5);
    assertThat(big.out())
        .isEqualTo(
            "phase:   ERROR\n"
                + "message: plugin returned a state of 70000 bytes, above the limit of 65536"
                + " (step plugin acme/big-state, Run)\n");

    // At the limit exactly, the state is the plugin's.
    CliHarness.Result atLimit =
        CliHarness.run(
            "plugin",
            "run",
            plugin.toString(),
            "--rollout",
            rollout.toString(),
            "--config",
            "{\"runningCalls\":1,\"stateBytes\":65536}");
    assertThat(atLimit.exitCode()).isZero();
    assertThat(atLimit.out()).startsWith("phase:   RUNNING\n").contains("\"padding\" : \"xxx");
  }

  @Test
  void aPluginWithAnotherSha256IsRefusedInOneLine() {
    String zeros = "0".repeat(64);
    CliHarness.Result refused =
        CliHarness.run(
            "plugin",
            "run",
            PYTHON_PLUGIN.toString(),
            "--rollout",
            rollout.toString(),
            "--sha256",
            zeros);
    assertThat(refused.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err())
        .startsWith("error: plugin local/plugin: sha256 of " + PYTHON_PLUGIN.normalize() + " is ")
        .contains("but the entry expects " + zeros + "; nothing was started")
        .endsWith("\n");
    assertThat(refused.err().lines()).hasSize(1);
  }

  @Test
  void aPluginThatExitsBeforeItsHandshakeIsAnErrorWithItsReason() throws Exception {
    Path broken = script("broken.sh", "echo 'no database configured' >&2\nexit 1");
    CliHarness.Result result =
        CliHarness.run("plugin", "run", broken.toString(), "--rollout", rollout.toString());
    assertThat(result.exitCode()).isEqualTo(5);
    assertThat(result.out()).isEmpty();
    List<String> lines = result.err().lines().toList();
    assertThat(lines).contains("[local/plugin] no database configured");
    assertThat(lines.get(lines.size() - 1))
        .startsWith("error: plugin local/plugin: exited with code 1")
        .contains("no database configured")
        .doesNotContain("restarting");
  }

  /** The Python plugin with config stateBytes (big_state_step_plugin.py), as one executable. */
  private static Path bigStatePlugin() throws IOException {
    Path wrapper = dir.resolve("big_state_step_plugin.py");
    try (InputStream in =
        PluginRunCommandIT.class.getResourceAsStream("/plugins/big_state_step_plugin.py")) {
      Files.write(wrapper, in.readAllBytes());
    }
    return script(
        "big-state.sh",
        "exec /usr/bin/python3 '" + wrapper + "' '" + PYTHON_PLUGIN.getParent() + "'");
  }

  private static Path script(String name, String body) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }
}
