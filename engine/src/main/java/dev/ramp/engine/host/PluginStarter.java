package dev.ramp.engine.host;

import dev.ramp.engine.host.config.PluginEntry;
import io.grpc.ManagedChannel;
import java.util.concurrent.CompletableFuture;

/** Starts a plugin process and waits until it is healthy; the seam that unit tests fake. */
interface PluginStarter {

  /** The host is closing: background work of the starter (archive training) stops. */
  default void shutdown() {}

  /** A started, healthy plugin process. */
  interface StartedPlugin {
    long pid();

    ManagedChannel channel();

    /** Completes with the exit code when the process ends, for whatever reason. */
    CompletableFuture<Integer> onExit();

    /** SIGKILL, children included; for a plugin that failed its health checks. */
    void kill();

    /** Graceful stop: stdin closed, a grace period, SIGTERM, SIGKILL, children included. */
    void close();
  }

  /** Why a launch failed; {@code permanent} failures will not fix themselves by retrying. */
  final class LaunchFailure extends RuntimeException {
    private final boolean permanent;

    LaunchFailure(String message, boolean permanent) {
      super(message);
      this.permanent = permanent;
    }

    boolean permanent() {
      return permanent;
    }
  }

  /**
   * Starts the entry's process and returns once it answers its health check.
   *
   * @throws LaunchFailure saying what went wrong and whether retrying can help
   */
  StartedPlugin start(PluginEntry entry);
}
