package dev.ramp.plugins.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.sdk.launch.LaunchSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The plugin JAR and the SDK runner that hosts it, as the build leaves them. */
final class PluginJars {

  /** The name the docs give the plugin in ramp-config. */
  static final String NAME = "ramp/judge";

  private PluginJars() {}

  static Path plugin() {
    Path jar =
        Path.of(System.getProperty("ramp.plugin.jar", "target/ramp-metric-judge.jar"))
            .toAbsolutePath();
    assertThat(jar).as("the plugin JAR; build it with mvn verify").isRegularFile();
    return jar;
  }

  static Path runner() {
    Path jar =
        Path.of(System.getProperty("ramp.runner.jar", "target/it/ramp-plugin-runner.jar"))
            .toAbsolutePath();
    assertThat(jar).as("the SDK runner JAR, copied by the build before the ITs").isRegularFile();
    return jar;
  }

  /** How the controller starts the plugin. */
  static LaunchSpec spec() {
    return new LaunchSpec(
        NAME, plugin(), null, List.of(), Map.of(), List.of(), Duration.ofSeconds(60), runner());
  }
}
