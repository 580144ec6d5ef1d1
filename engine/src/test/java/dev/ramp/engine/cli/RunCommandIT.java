package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ramp run` rehearses the examples to their end, as the README tells users to. */
class RunCommandIT {

  @TempDir Path dir;

  private static List<String> steps(JsonNode result) {
    List<String> out = new ArrayList<>();
    result
        .path("steps")
        .forEach(s -> out.add(s.path("step").asText() + " -> " + s.path("result").asText()));
    return out;
  }

  @Test
  void theBasicCanaryEndsHealthyWithItsStepHistory() throws Exception {
    CliHarness.Result result =
        CliHarness.run(
            "run",
            "-f",
            "../examples/basic-canary/rollout.yaml",
            "--speed",
            "100",
            "--auto-promote",
            "-o",
            "json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.path("rollout").asText()).isEqualTo("default/checkout");
    assertThat(json.path("result").asText()).isEqualTo("HEALTHY");
    assertThat(json.path("status").path("phase").asText()).isEqualTo("Healthy");
    assertThat(steps(json))
        .containsExactly(
            "setWeight 20 -> completed",
            "pause 30s -> completed",
            "setWeight 60 -> completed",
            "pause until promoted -> promoted");
  }

  @Test
  void theCanaryWithAStepPluginEndsHealthyAfterThePluginRanThreeTimes() throws Exception {
    CliHarness.Result result =
        CliHarness.run(
            "run",
            "-f",
            "../examples/canary-with-plugin/ramp-config.yaml",
            "-f",
            "../examples/canary-with-plugin/rollout.yaml",
            "--speed",
            "100",
            "--auto-promote",
            "-o",
            "json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.path("result").asText()).isEqualTo("HEALTHY");
    assertThat(steps(json))
        .containsExactly(
            "setWeight 25 -> completed",
            "pause 20s -> completed",
            "plugin ramp-examples/smoke-test -> completed",
            "setWeight 75 -> completed",
            "pause until promoted -> promoted");
    assertThat(json.path("steps").get(2).path("pluginCalls").asInt()).isEqualTo(3);
  }

  @Test
  void templatesSecretsAndConfigMapsAreAppliedBeforeTheRolloutAndRunsAreInTheJson()
      throws Exception {
    CliHarness.Result result =
        CliHarness.run(
            "run",
            "-f",
            "../examples/basic-canary/rollout.yaml",
            "-f",
            "src/test/resources/rehearsal/analysis-objects.yaml",
            "--speed",
            "100",
            "--auto-promote",
            "-o",
            "json");
    assertThat(result.exitCode()).as(result.err()).isZero();
    List<String> applied =
        result
            .err()
            .lines()
            .filter(l -> l.startsWith("· applied "))
            .map(l -> l.substring(10))
            .toList();
    assertThat(applied)
        .containsSubsequence(
            "AnalysisTemplate default/success-rate",
            "ClusterAnalysisTemplate always-fine",
            "Rollout default/checkout")
        .containsSubsequence("Secret default/metrics", "Rollout default/checkout")
        .containsSubsequence("Secret monitoring/token", "Rollout default/checkout")
        .containsSubsequence("ConfigMap default/thresholds", "Rollout default/checkout")
        .last()
        .isEqualTo("Rollout default/checkout");
    JsonNode json = new ObjectMapper().readTree(result.out());
    assertThat(json.path("result").asText()).isEqualTo("HEALTHY");
    // The basic canary has no analysis: the field is there, and empty.
    assertThat(json.path("analysisRuns").isArray()).isTrue();
    assertThat(json.path("analysisRuns")).isEmpty();
  }

  @Test
  void withoutAutoPromoteItTimesOutWithExitTwo() {
    CliHarness.Result result =
        CliHarness.run(
            "run",
            "-f",
            "../examples/basic-canary/rollout.yaml",
            "--speed",
            "100",
            "--timeout",
            "5s");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).contains("ended TIMED_OUT");
  }

  @Test
  void badInputIsOneLineAndExitThree() throws Exception {
    Path notYaml = Files.writeString(dir.resolve("broken.yaml"), "spec: [unclosed\n");
    CliHarness.Result result = CliHarness.run("run", "-f", notYaml.toString());
    assertThat(result.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(result.err()).startsWith("error: ").contains("broken.yaml: not valid YAML");
    assertThat(result.err().lines()).hasSize(1);

    Path argo =
        Files.writeString(
            dir.resolve("argo.yaml"),
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web}\n");
    CliHarness.Result fromArgo = CliHarness.run("run", "-f", argo.toString());
    assertThat(fromArgo.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(fromArgo.err().lines()).hasSize(1);
    assertThat(fromArgo.err())
        .isEqualTo(
            "error: "
                + argo
                + ": Rollout web is argoproj.io/v1alpha1, Argo Rollouts' API; Ramp reads the same"
                + " fields under ramp.dev/v1alpha1: change apiVersion to ramp.dev/v1alpha1\n");
  }
}
