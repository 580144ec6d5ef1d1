package dev.ramp.engine.host.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One validated plugin entry of {@code ramp-config}. Immutable; two entries are equal exactly when
 * the host has nothing to restart.
 *
 * @param name {@code org/name}
 * @param location the plugin JAR or executable (from a {@code file://} URL or an absolute path)
 * @param sha256 lower-case hex digest the file must have, or null to skip the check
 * @param jvmOptions extra JVM options, used only for JAR locations
 */
public record PluginEntry(
    PluginKind kind,
    String name,
    Path location,
    String sha256,
    List<String> args,
    Map<String, String> env,
    boolean disabled,
    PluginLimits limits,
    List<String> jvmOptions) {

  public PluginEntry {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(limits, "limits");
    args = args == null ? List.of() : List.copyOf(args);
    env = env == null ? Map.of() : Map.copyOf(env);
    jvmOptions = jvmOptions == null ? List.of() : List.copyOf(jvmOptions);
  }

  /** True when the location is a plugin JAR, run by the SDK's runner in its own JVM. */
  public boolean isJar() {
    return location.getFileName() != null && location.getFileName().toString().endsWith(".jar");
  }

  /** The same entry, switched on or off. */
  public PluginEntry withDisabled(boolean newDisabled) {
    return new PluginEntry(
        kind, name, location, sha256, args, env, newDisabled, limits, jvmOptions);
  }
}
