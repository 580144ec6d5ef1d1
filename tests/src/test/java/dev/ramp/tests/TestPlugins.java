package dev.ramp.tests;

import dev.ramp.plugin.sdk.launch.LaunchSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The plugins the reactor builds, as the tests start them. */
public final class TestPlugins {

  private TestPlugins() {}

  /** The SDK runner JAR that hosts JAR plugins. */
  public static Path runnerJar() {
    return existing(Path.of("../plugin-sdk/target/ramp-plugin-sdk-0.1.0-SNAPSHOT-runner.jar"));
  }

  /** The echo step plugin JAR (tests/echo-plugin). */
  public static Path echoJar() {
    return existing(Path.of("echo-plugin/target/ramp-test-echo-plugin.jar"));
  }

  /** The Gateway API router plugin JAR (plugins/traffic-gatewayapi), as the reactor builds it. */
  public static Path gatewayApiJar() {
    return existing(Path.of("../plugins/traffic-gatewayapi/target/ramp-traffic-gatewayapi.jar"));
  }

  /** The Python step plugin (tests/python). */
  public static Path pythonPlugin() {
    return existing(Path.of("python/step_plugin.py"));
  }

  public static LaunchSpec echoSpec(String name) {
    return new LaunchSpec(
        name, echoJar(), null, List.of(), Map.of(), List.of(), Duration.ofSeconds(30), runnerJar());
  }

  private static Path existing(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    if (!Files.exists(absolute)) {
      throw new IllegalStateException(absolute + " is missing: build with `mvn -B package` first");
    }
    return absolute;
  }
}
