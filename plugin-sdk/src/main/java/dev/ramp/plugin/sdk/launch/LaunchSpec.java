package dev.ramp.plugin.sdk.launch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to start and how: one configured plugin entry.
 *
 * @param name the configured name ("org/name"), used in every message and log prefix
 * @param location a plugin JAR ({@code *.jar}, run by the SDK runner) or any executable
 * @param sha256 the expected hex SHA-256 of the file, or {@code null} for no check
 * @param args arguments passed to the plugin
 * @param env the entry's environment: the only variables besides the contract's (the contract's
 *     variables win over same-named entries here)
 * @param jvmOptions extra JVM options for JAR plugins, after the launcher's lean defaults
 * @param startTimeout bound on start, handshake and health SERVING together
 * @param runnerJar the SDK runner JAR; required for JAR locations, ignored otherwise
 */
public record LaunchSpec(
    String name,
    Path location,
    String sha256,
    List<String> args,
    Map<String, String> env,
    List<String> jvmOptions,
    Duration startTimeout,
    Path runnerJar) {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  public LaunchSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("plugin name must not be blank; use \"org/name\"");
    }
    Objects.requireNonNull(location, () -> "plugin " + name + ": location must not be null");
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "plugin "
              + name
              + ": sha256 '"
              + sha256
              + "' is not 64 hex digits;"
              + " compute it with `sha256sum "
              + location
              + "`");
    }
    if (startTimeout == null || startTimeout.isZero() || startTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "plugin " + name + ": startTimeout must be positive, was " + startTimeout);
    }
    args = args == null ? List.of() : List.copyOf(args);
    env = env == null ? Map.of() : Map.copyOf(env);
    jvmOptions = jvmOptions == null ? List.of() : List.copyOf(jvmOptions);
    for (String key : env.keySet()) {
      if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "plugin " + name + ": environment variable name '" + key + "' is not valid");
      }
    }
  }

  /** Whether the location is a plugin JAR run by the SDK runner. */
  public boolean isJar() {
    return location.getFileName() != null
        && location.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jar");
  }
}
