package dev.ramp.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** `ramp plugin verify` from ramp.jar, as a plugin author runs it, on the built-in plugin JAR. */
class PluginVerifyJarIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static String[] verify(String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Dramp.runner.jar=" + TestPlugins.runnerJar(),
                "-jar",
                ROOT.resolve("engine/target/ramp.jar").toString(),
                "plugin",
                "verify"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new String[] {String.valueOf(process.exitValue()), out};
  }

  @Test
  void passesTheStepWebhookPluginJar() throws Exception {
    String[] result =
        verify(
            ROOT.resolve("plugins/step-webhook/target/ramp-step-webhook.jar").toString(),
            "--kind",
            "step",
            // Nothing listens there: Run answers ERROR, which the contract allows but which
            // shows nothing working: not verified, never a pass.
            "--config",
            "{\"url\":\"http://127.0.0.1:9/gate\"}");
    assertThat(result[1])
        .contains("PASSED")
        .contains("Ramp plugin conformance: step-webhook version");
    assertThat(result[1]).containsPattern("\\? step: Run answers a phase +answered ERROR");
    assertThat(result[0]).as(result[1]).isEqualTo("0");
  }

  @Test
  void passesThePythonPlugin() throws Exception {
    String[] result = verify(TestPlugins.pythonPlugin().toString(), "--kind", "step");
    assertThat(result[1]).contains("PASSED");
    assertThat(result[0]).as(result[1]).isEqualTo("0");
  }
}
