package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What the plugin tools share: locating the runner, resolving a location, reading inputs. */
final class PluginSupport {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  private PluginSupport() {}

  /**
   * The SDK runner JAR that hosts JAR plugins: {@code -Dramp.runner.jar}, else {@code
   * ramp-plugin-runner.jar} beside ramp.jar.
   */
  static Path runnerJar() {
    String property = System.getProperty("ramp.runner.jar");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    try {
      Path jar =
          Path.of(PluginSupport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.resolveSibling("ramp-plugin-runner.jar");
    } catch (Exception e) {
      return Path.of("ramp-plugin-runner.jar");
    }
  }

  /** Where the plugin tools keep downloaded plugins (and the host its class-data archives). */
  static Path cacheDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "ramp-plugin-cache");
  }

  /** A launch spec exactly as the controller builds one for a ramp-config entry. */
  static LaunchSpec spec(
      String name,
      String location,
      String sha256,
      List<String> args,
      Map<String, String> env,
      Duration startTimeout) {
    // On a command line a relative path means the working directory, as everywhere else.
    if (!location.contains("://") && !location.startsWith("/")) {
      location = Path.of(location).toAbsolutePath().toString();
    }
    Path file = PluginHost.pluginFile(cacheDir(), name, location, sha256);
    Path runner = runnerJar();
    if (file.toString().endsWith(".jar") && !Files.isRegularFile(runner)) {
      throw new CliException(
          "the plugin runner "
              + runner
              + " does not exist; build it (mvn -B -q package -DskipTests) or pass"
              + " -Dramp.runner.jar=PATH");
    }
    return new LaunchSpec(
        name,
        file,
        sha256,
        args,
        env,
        List.of(),
        startTimeout,
        file.toString().endsWith(".jar") ? runner : null);
  }

  /** A JSON or YAML document from a file, as a tree. */
  static JsonNode readDocument(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CliException("file " + file + " does not exist");
    }
    try {
      JsonNode node = YAML.readTree(file.toFile());
      if (node == null || node.isMissingNode()) {
        throw new CliException("file " + file + " is empty");
      }
      return node;
    } catch (IOException e) {
      throw new CliException("file " + file + " is not YAML or JSON: " + firstLine(e.getMessage()));
    }
  }

  /** A JSON value given on the command line. */
  static JsonNode parseJson(String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new CliException(option + " is not JSON: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
