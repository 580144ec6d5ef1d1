package dev.ramp.engine.host;

import dev.ramp.engine.host.artifact.PluginArtifactException;
import dev.ramp.engine.host.artifact.PluginArtifacts;
import dev.ramp.engine.host.cds.ClassDataArchives;
import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import dev.ramp.plugin.sdk.launch.PluginLaunchException;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts plugins with the SDK's launcher, which verifies the checksum, cleans the environment,
 * makes the socket directory (with the kubeconfig of a plugin that has Kubernetes access), reads
 * the handshake, drains the output and waits for health. Remote locations are downloaded into the
 * cache first; JAR plugins start with their class-data archive once one has been trained.
 */
final class LauncherStarter implements PluginStarter {

  private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);

  /** The variable that names the kubeconfig of a plugin with Kubernetes access. */
  static final String KUBECONFIG = "KUBECONFIG";

  /** The kubeconfig's name in the plugin's private directory. */
  static final String KUBECONFIG_FILE = "kubeconfig";

  private final PluginLauncher launcher;
  private final Path runnerJar;
  private final KubernetesAccess access;
  private final PluginArtifacts artifacts;
  private final ClassDataArchives archives;
  private final ExecutorService trainer;

  /**
   * @param access what plugins with {@code kubernetesAccess: true} get; null refuses them
   */
  LauncherStarter(Path runnerJar, Path cacheDir, KubernetesAccess access) {
    this(new PluginLauncher(), runnerJar, cacheDir, access);
  }

  LauncherStarter(PluginLauncher launcher, Path runnerJar, Path cacheDir, KubernetesAccess access) {
    this.launcher = launcher;
    this.runnerJar = runnerJar;
    this.access = access;
    this.artifacts = artifacts(cacheDir);
    // Archives are trained one at a time in the background, never on a start's path.
    this.trainer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "ramp-cds-training");
              t.setDaemon(true);
              return t;
            });
    this.archives = new ClassDataArchives(cacheDir.resolve("cds"), launcher, trainer);
  }

  /**
   * The runner from the system property {@code ramp.runner.jar}, else {@code
   * ramp-plugin-runner.jar} next to the engine's jar, else none.
   */
  static Path defaultRunnerJar() {
    String property = System.getProperty("ramp.runner.jar");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    try {
      Path self =
          Path.of(PluginHost.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path candidate = self.resolveSibling("ramp-plugin-runner.jar");
      return Files.isRegularFile(candidate) ? candidate : null;
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * {@code RAMP_CACHE_DIR}, else {@code /var/cache/ramp} when writable (the Deployment mounts a
   * volume there), else {@code ramp-cache} in the temp directory.
   */
  static Path defaultCacheDir() {
    String env = System.getenv("RAMP_CACHE_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path volume = Path.of("/var/cache/ramp");
    if (Files.isDirectory(volume) && Files.isWritable(volume)) {
      return volume;
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "ramp-cache");
  }

  /** Where plugin files are downloaded to and checked: {@code plugins/} in the cache directory. */
  static PluginArtifacts artifacts(Path cacheDir) {
    return new PluginArtifacts(cacheDir.resolve("plugins"), DOWNLOAD_TIMEOUT);
  }

  @Override
  public StartedPlugin start(PluginEntry entry) {
    List<LaunchSpec.PrivateFile> privateFiles = privateFiles(entry);
    if (entry.isJar() && runnerJar == null) {
      throw new LaunchFailure(
          "plugin "
              + entry.name()
              + " is a JAR ("
              + entry.location()
              + ") but no plugin runner"
              + " is installed: put ramp-plugin-runner.jar next to the engine's jar or set"
              + " -Dramp.runner.jar",
          true);
    }
    Path file;
    if (entry.isRemote()) {
      try {
        file = artifacts.resolve(entry.name(), entry.location().toString(), entry.sha256());
      } catch (PluginArtifactException e) {
        throw new LaunchFailure(e.getMessage(), permanent(e.reason()));
      }
    } else {
      file = Path.of(entry.location());
    }
    LaunchSpec spec;
    try {
      spec =
          new LaunchSpec(
              entry.name(),
              file,
              entry.sha256(),
              entry.args(),
              entry.env(),
              entry.jvmOptions(),
              entry.limits().startTimeout(),
              runnerJar,
              privateFiles);
    } catch (IllegalArgumentException e) {
      throw new LaunchFailure(e.getMessage(), true);
    }
    PluginProcess process;
    try {
      process = spec.isJar() ? archives.launch(spec) : launcher.launch(spec);
    } catch (PluginLaunchException e) {
      throw new LaunchFailure(e.getMessage(), permanent(e.reason()));
    }
    return new Started(process);
  }

  /**
   * The kubeconfig for an entry with {@code kubernetesAccess: true}, made now; nothing for the
   * others (the launcher starts every plugin from an empty environment, so none inherits the
   * controller's own {@code KUBECONFIG}).
   */
  private List<LaunchSpec.PrivateFile> privateFiles(PluginEntry entry) {
    if (!entry.kubernetesAccess()) {
      return List.of();
    }
    if (access == null) {
      throw new LaunchFailure(
          "plugin "
              + entry.name()
              + " asks for kubernetesAccess, but this plugin host has no Kubernetes access to"
              + " hand over (only the controller has: ramp controller, ramp demo, ramp run);"
              + " remove kubernetesAccess from the entry or run the plugin under the controller",
          true);
    }
    String kubeconfig;
    try {
      kubeconfig = access.kubeconfig();
    } catch (RuntimeException e) {
      throw new LaunchFailure(
          "plugin " + entry.name() + ": cannot make its kubeconfig: " + e.getMessage(), false);
    }
    return List.of(new LaunchSpec.PrivateFile(KUBECONFIG, KUBECONFIG_FILE, kubeconfig));
  }

  @Override
  public void shutdown() {
    // A training start under way is a child of the controller: interrupting it stops it.
    trainer.shutdownNow();
  }

  /** Failures that the same file and config will hit again: retrying cannot help. */
  static boolean permanent(PluginLaunchException.Reason reason) {
    return switch (reason) {
      case NOT_FOUND, NOT_EXECUTABLE, CHECKSUM_MISMATCH, UNSUPPORTED_PROTOCOL, BAD_HANDSHAKE ->
          true;
      default -> false;
    };
  }

  /** A download that the same location and checksum will fail again: retrying cannot help. */
  static boolean permanent(PluginArtifactException.Reason reason) {
    return switch (reason) {
      case BAD_LOCATION, SHA256_REQUIRED, NOT_FOUND, CHECKSUM_MISMATCH, UNREADABLE -> true;
      // The server or the network may come back: retried with backoff.
      case UNREACHABLE, TIMEOUT, DOWNLOAD_FAILED -> false;
    };
  }

  private record Started(PluginProcess process) implements StartedPlugin {
    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public ManagedChannel channel() {
      return process.channel();
    }

    @Override
    public CompletableFuture<Integer> onExit() {
      return process.onExit();
    }

    @Override
    public void kill() {
      process.kill();
    }

    @Override
    public void close() {
      process.close();
    }
  }
}
