package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
    assertThat(invalid.out()).contains("INVALID_ARGUMENT: config.runningCalls");
  }

  @Test
  void badInputIsOneLine() {
    CliHarness.Result missing =
        CliHarness.run("plugin", "run", "/nonexistent/plugin", "--rollout", rollout.toString());
    assertThat(missing.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(missing.err())
        .isEqualTo("error: plugin local/plugin: file /nonexistent/plugin does not exist\n");

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
}
