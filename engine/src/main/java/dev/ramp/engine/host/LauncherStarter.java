package dev.ramp.engine.host;

import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import dev.ramp.plugin.sdk.launch.PluginLaunchException;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Starts plugins with the SDK's launcher, which verifies the checksum, cleans the environment,
 * makes the socket directory, reads the handshake, drains the output and waits for health.
 */
final class LauncherStarter implements PluginStarter {

  private final PluginLauncher launcher;
  private final Path runnerJar;

  LauncherStarter(Path runnerJar) {
    this(new PluginLauncher(), runnerJar);
  }

  LauncherStarter(PluginLauncher launcher, Path runnerJar) {
    this.launcher = launcher;
    this.runnerJar = runnerJar;
  }

  @Override
  public StartedPlugin start(PluginEntry entry) {
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
    LaunchSpec spec;
    try {
      spec =
          new LaunchSpec(
              entry.name(),
              entry.location(),
              entry.sha256(),
              entry.args(),
              entry.env(),
              entry.jvmOptions(),
              entry.limits().startTimeout(),
              runnerJar);
    } catch (IllegalArgumentException e) {
      throw new LaunchFailure(e.getMessage(), true);
    }
    PluginProcess process;
    try {
      process = launcher.launch(spec);
    } catch (PluginLaunchException e) {
      throw new LaunchFailure(e.getMessage(), permanent(e.reason()));
    }
    return new Started(process);
  }

  /** Failures that the same file and config will hit again: retrying cannot help. */
  static boolean permanent(PluginLaunchException.Reason reason) {
    return switch (reason) {
      case NOT_FOUND, NOT_EXECUTABLE, CHECKSUM_MISMATCH, UNSUPPORTED_PROTOCOL, BAD_HANDSHAKE ->
          true;
      default -> false;
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
