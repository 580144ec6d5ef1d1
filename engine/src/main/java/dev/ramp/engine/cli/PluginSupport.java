package dev.ramp.engine.cli;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * What the plugin tools share: locating the runner, resolving a location, waiting for a plugin to
 * start, reading inputs.
 */
final class PluginSupport {

  /** Exit code of an ERROR result, a transport error, or a plugin that did not start. */
  static final int ERROR_EXIT = 5;

  /**
   * How long past the start timeout to wait for the first launch's outcome: the launcher bounds the
   * start itself; a download of a remote location (up to 60 s) comes first.
   */
  private static final Duration SETTLE_GRACE = Duration.ofSeconds(65);

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

  /**
   * A plugin location as a ramp-config entry's URI; on a command line a relative path means the
   * working directory.
   */
  static URI locationUri(String location) {
    if (!location.contains("://")) {
      return Path.of(location).toAbsolutePath().normalize().toUri();
    }
    try {
      URI uri = new URI(location);
      return "file".equalsIgnoreCase(uri.getScheme()) ? Path.of(uri).normalize().toUri() : uri;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new CliException("location " + location + " is not a URL: " + e.getMessage());
    }
  }

  /**
   * Waits for the outcome of a plugin's first launch: returns when it is ready, else throws with
   * the host's reason (refused: exit 3, the entry would be refused by the controller too; anything
   * else: exit 5). The wait is for a process to start, so it is on the system's timer.
   */
  static void awaitReady(
      String name, Supplier<PluginAvailability> availabilityOf, Duration startTimeout) {
    long limit = System.nanoTime() + startTimeout.plus(SETTLE_GRACE).toNanos();
    PluginAvailability availability = availabilityOf.get();
    while (availability.state() == PluginAvailability.State.STARTING && System.nanoTime() < limit) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while plugin " + name + " was starting", ERROR_EXIT);
      }
      availability = availabilityOf.get();
    }
    switch (availability.state()) {
      case READY -> {}
      case REFUSED -> throw new CliException(availability.reason());
      case STARTING ->
          throw new CliException(
              "plugin "
                  + name
                  + " did not start within "
                  + dev.ramp.engine.model.GoDuration.format(startTimeout.plus(SETTLE_GRACE)),
              ERROR_EXIT);
      // The controller would restart it after a backoff; here one launch is all there is.
      default ->
          throw new CliException(
              availability.reason().replaceFirst("; restarting in \\S+$", ""), ERROR_EXIT);
    }
  }

  /**
   * At the command line's default level (warnings) the host would log a refusal or a failed start
   * that the command reports itself, so it would say it twice: its log is off meanwhile.
   * RAMP_LOG_LEVEL=INFO or finer keeps it.
   */
  record QuietHostLog(ch.qos.logback.classic.Logger logger) implements AutoCloseable {

    static QuietHostLog open() {
      if (LoggerFactory.getLogger(PluginHost.class.getPackageName())
              instanceof ch.qos.logback.classic.Logger logger
          && logger.getLevel() == null
          && logger.getEffectiveLevel().isGreaterOrEqual(Level.WARN)) {
        logger.setLevel(Level.OFF);
        return new QuietHostLog(logger);
      }
      return new QuietHostLog(null);
    }

    @Override
    public void close() {
      if (logger != null) {
        logger.setLevel(null);
      }
    }
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
