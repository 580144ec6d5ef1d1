package dev.ramp.plugin.sdk.launch;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A running, healthy plugin and the gRPC channel to it. {@link #close()} stops it as the contract
 * says: stdin closed, then SIGTERM, then SIGKILL, for the process and every process it started, and
 * removes its socket directory.
 */
public final class PluginProcess implements AutoCloseable {

  /** How long a process killed with SIGKILL may take to be reaped before close gives up. */
  private static final Duration REAP_TIMEOUT = Duration.ofSeconds(5);

  private final String name;
  private final Process process;
  private final ManagedChannel channel;
  private final Path socketDir;
  private final Duration stdinGrace;
  private final Duration termGrace;
  private final CompletableFuture<Integer> exit;
  private final AtomicBoolean closed = new AtomicBoolean();

  PluginProcess(
      String name,
      Process process,
      ManagedChannel channel,
      Path socketDir,
      Duration stdinGrace,
      Duration termGrace) {
    this.name = name;
    this.process = process;
    this.channel = channel;
    this.socketDir = socketDir;
    this.stdinGrace = stdinGrace;
    this.termGrace = termGrace;
    this.exit = process.onExit().thenApply(Process::exitValue);
    // A dead plugin's channel and socket are useless: release them even without close().
    exit.whenComplete(
        (code, error) -> {
          channel.shutdownNow();
          deleteRecursively(socketDir);
        });
  }

  /** The configured name ("org/name"). */
  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  /** The channel over the plugin's Unix socket; shut down when the plugin stops. */
  public ManagedChannel channel() {
    return channel;
  }

  /** Completes with the exit code when the process ends, for whatever reason. */
  public CompletableFuture<Integer> onExit() {
    return exit.copy();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the process and its descendants with SIGKILL now, without any grace. */
  public void kill() {
    Set<ProcessHandle> tree = tree(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Stops the plugin gracefully: shuts the channel down, closes stdin (a plugin exits when its
   * stdin closes), waits, then SIGTERM and later SIGKILL to the process and its descendants.
   * Returns once the process is gone. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      awaitExit(process.toHandle(), REAP_TIMEOUT);
      return;
    }
    channel.shutdownNow();
    stop(process, stdinGrace, termGrace);
    deleteRecursively(socketDir);
  }

  /**
   * Stops a process and everything it started. Descendants are collected before the parent goes:
   * once it exits they are re-parented and can no longer be found from it.
   */
  static void stop(Process process, Duration stdinGrace, Duration termGrace) {
    ProcessHandle root = process.toHandle();
    Set<ProcessHandle> tree = tree(root);
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Already closed: the plugin sees end of input either way.
    }
    if (!stdinGrace.isZero()) {
      awaitExit(root, stdinGrace);
    }
    tree.addAll(tree(root));
    Set<ProcessHandle> alive = new LinkedHashSet<>();
    for (ProcessHandle handle : tree) {
      if (handle.isAlive()) {
        alive.add(handle);
      }
    }
    if (alive.isEmpty()) {
      return;
    }
    alive.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + termGrace.toNanos();
    for (ProcessHandle handle : alive) {
      awaitExit(handle, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
    for (ProcessHandle handle : alive) {
      if (handle.isAlive()) {
        handle.destroyForcibly();
      }
    }
    for (ProcessHandle handle : alive) {
      awaitExit(handle, REAP_TIMEOUT);
    }
  }

  private static Set<ProcessHandle> tree(ProcessHandle root) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(root);
    try (Stream<ProcessHandle> descendants = root.descendants()) {
      descendants.forEach(tree::add);
    }
    return tree;
  }

  private static void awaitExit(ProcessHandle handle, Duration max) {
    if (!handle.isAlive()) {
      return;
    }
    try {
      handle.onExit().get(Math.max(1, max.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Still running (or unobservable): the caller escalates.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // A leftover empty directory under /tmp is harmless; never fail a stop for it.
    }
  }
}
