package dev.ramp.engine.host.config;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One validated plugin entry of {@code ramp-config}. Immutable; two entries are equal exactly when
 * the host has nothing to restart.
 *
 * @param name {@code org/name}
 * @param location the plugin JAR or executable: a {@code file:} URI, or an {@code https:} one
 *     (downloaded into the cache and checked against {@code sha256}, which it then requires)
 * @param sha256 lower-case hex digest the file must have, or null to skip the check
 * @param jvmOptions extra JVM options, used only for JAR locations
 * @param kubernetesAccess whether the host hands the plugin a kubeconfig (environment {@code
 *     KUBECONFIG}) with the controller's own access to the Kubernetes API
 */
public record PluginEntry(
    PluginKind kind,
    String name,
    URI location,
    String sha256,
    List<String> args,
    Map<String, String> env,
    boolean disabled,
    PluginLimits limits,
    List<String> jvmOptions,
    boolean kubernetesAccess) {

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
    String path = location.getPath();
    return path != null && path.endsWith(".jar");
  }

  /** True when the file must be downloaded first. */
  public boolean isRemote() {
    return !"file".equals(location.getScheme());
  }

  /** The same entry, switched on or off. */
  public PluginEntry withDisabled(boolean newDisabled) {
    return new PluginEntry(
        kind, name, location, sha256, args, env, newDisabled, limits, jvmOptions, kubernetesAccess);
  }
}
