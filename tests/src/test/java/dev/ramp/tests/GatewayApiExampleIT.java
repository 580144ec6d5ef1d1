package dev.ramp.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/canary-gatewayapi rehearsed with `ramp run` as its header says, ramp.jar in its own JVM:
 * the rehearsal applies the HTTPRoute, starts the Gateway API router JAR (a location relative to
 * the example, with kubernetesAccess) and its Gateway controller stand-in accepts the route after
 * each change, so that every weight is verified and the rollout ends Healthy.
 */
class GatewayApiExampleIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void theGatewayApiCanaryEndsHealthyWithEveryWeightVerified() throws Exception {
    TestPlugins.gatewayApiJar();
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Dramp.home=" + ROOT);
    command.add("-Dramp.runner.jar=" + TestPlugins.runnerJar());
    command.addAll(
        List.of(
            "-jar",
            ROOT.resolve("engine/target/ramp.jar").toString(),
            "run",
            "-f",
            "examples/canary-gatewayapi/ramp-config.yaml",
            "-f",
            "examples/canary-gatewayapi/rollout.yaml",
            "--speed",
            "100",
            "--auto-promote",
            "-o",
            "json"));
    Path out = dir.resolve("out.json");
    Path err = dir.resolve("err.txt");
    Process process =
        new ProcessBuilder(command)
            .directory(ROOT.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    process.getOutputStream().close();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String progress = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(progress).isZero();

    assertThat(progress)
        .contains("applied ConfigMap ramp-system/ramp-config")
        .contains("applied HTTPRoute default/shop");
    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertThat(json.path("result").asText()).as(progress).isEqualTo("HEALTHY");
    List<String> steps = new ArrayList<>();
    json.path("steps")
        .forEach(s -> steps.add(s.path("step").asText() + " -> " + s.path("result").asText()));
    assertThat(steps)
        .containsExactly(
            "setCanaryScale replicas 1 -> completed",
            "setHeaderRoute alice -> completed",
            "setWeight 20 -> completed",
            "pause until promoted -> promoted",
            "setMirrorRoute shadow -> completed",
            "setCanaryScale matchTrafficWeight -> completed",
            "setWeight 60 -> completed",
            "pause 10s -> completed",
            "setHeaderRoute alice removed -> completed");
    // The router's record: the last weight (0, the canary now stable) verified from the route's
    // status.parents, which only the Gateway stand-in writes.
    JsonNode router = json.path("status").path("canary").path("trafficRouters").path(0);
    assertThat(router.path("name").asText()).isEqualTo("ramp/gatewayapi");
    assertThat(router.path("verification").asText()).isEqualTo("Verified");
    assertThat(json.path("status").path("canary").path("weights").path("verified").asBoolean())
        .isTrue();
  }
}
