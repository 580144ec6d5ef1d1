package dev.ramp.plugin.sdk.launch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * @param privateFiles files written into the plugin's private directory before it starts, each
 *     named by an environment variable (a same-named variable of {@code env} is replaced)
 */
public record LaunchSpec(
    String name,
    Path location,
    String sha256,
    List<String> args,
    Map<String, String> env,
    List<String> jvmOptions,
    Duration startTimeout,
    Path runnerJar,
    List<PrivateFile> privateFiles) {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

  /** The variables the launcher sets for every plugin. */
  private static final Set<String> CONTRACT_VARIABLES =
      Set.of(
          PluginLauncher.COOKIE_KEY,
          PluginLauncher.SOCKET_DIR_KEY,
          PluginLauncher.PROTOCOL_VERSIONS_KEY,
          PluginLauncher.NAME_KEY);

  /**
   * A file the launcher writes into the plugin's private directory (the 0700 socket directory)
   * before it starts the process, readable and writable by its owner only (0600), and whose
   * absolute path it puts in an environment variable: how a host hands a plugin a credential (a
   * kubeconfig) without putting the secret itself in the environment. The file goes away with the
   * directory when the process ends. {@link #toString()} leaves the content out.
   *
   * @param variable the environment variable that carries the file's absolute path; not one of the
   *     contract's variables
   * @param fileName the file's name in the directory: letters, digits, {@code . _ -}
   * @param content the text written, UTF-8
   */
  public record PrivateFile(String variable, String fileName, String content) {

    public PrivateFile {
      if (variable == null || !VARIABLE.matcher(variable).matches()) {
        throw new IllegalArgumentException(
            "private file variable '" + variable + "' is not a valid environment variable name");
      }
      if (CONTRACT_VARIABLES.contains(variable)) {
        throw new IllegalArgumentException(
            "private file variable " + variable + " is set by the launcher for every plugin");
      }
      if (fileName == null || !FILE_NAME.matcher(fileName).matches()) {
        throw new IllegalArgumentException(
            "private file name '"
                + fileName
                + "' must be a plain file name (letters, digits, '.', '_', '-'; no '/')");
      }
      Objects.requireNonNull(content, () -> "private file " + fileName + ": content");
    }

    /** Names the file and its variable, never the content (it is usually a secret). */
    @Override
    public String toString() {
      return "PrivateFile[" + variable + "=<dir>/" + fileName + ", " + content.length() + " chars]";
    }
  }

  /** A spec without private files. */
  public LaunchSpec(
      String name,
      Path location,
      String sha256,
      List<String> args,
      Map<String, String> env,
      List<String> jvmOptions,
      Duration startTimeout,
      Path runnerJar) {
    this(name, location, sha256, args, env, jvmOptions, startTimeout, runnerJar, List.of());
  }

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
          "plugin "
              + name
              + ": startTimeout must be positive, was "
              + DurationText.of(startTimeout));
    }
    args = args == null ? List.of() : List.copyOf(args);
    env = env == null ? Map.of() : Map.copyOf(env);
    jvmOptions = jvmOptions == null ? List.of() : List.copyOf(jvmOptions);
    privateFiles = privateFiles == null ? List.of() : List.copyOf(privateFiles);
    Set<String> variables = new HashSet<>();
    Set<String> fileNames = new HashSet<>();
    for (PrivateFile file : privateFiles) {
      if (!variables.add(file.variable()) || !fileNames.add(file.fileName())) {
        throw new IllegalArgumentException(
            "plugin "
                + name
                + ": two private files share the variable "
                + file.variable()
                + " or the name "
                + file.fileName());
      }
    }
    for (String key : env.keySet()) {
      if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "plugin " + name + ": environment variable name '" + key + "' is not valid");
      }
    }
  }

  /** The same spec with other JVM options (a class-data archive's, say). */
  public LaunchSpec withJvmOptions(List<String> options) {
    return new LaunchSpec(
        name, location, sha256, args, env, options, startTimeout, runnerJar, privateFiles);
  }

  /** Whether the location is a plugin JAR run by the SDK runner. */
  public boolean isJar() {
    return location.getFileName() != null
        && location.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jar");
  }
}
