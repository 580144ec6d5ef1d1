package dev.ramp.plugin.sdk.launch;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds every process a plugin started. Descendants are found from the plugin's process while it
 * lives; children it left behind when it exited are re-parented and can only be found by session:
 * the plugin is started as a session leader ({@code setsid}), so its session id is its pid and
 * everything it starts shares it (unless it starts its own).
 */
final class ProcessTree {

  /** util-linux's setsid: makes the plugin a session leader in place (same pid, no fork). */
  static final Optional<Path> SETSID =
      Stream.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"))
          .filter(Files::isExecutable)
          .findFirst();

  private static final Path PROC = Path.of("/proc");

  private ProcessTree() {}

  /** The command, run as the leader of a new session when the system can. */
  static List<String> inOwnSession(List<String> command) {
    if (SETSID.isEmpty()) {
      return command;
    }
    return Stream.concat(Stream.of(SETSID.get().toString()), command.stream()).toList();
  }

  /** The root, its descendants, and every process of the session the root leads. */
  static Set<ProcessHandle> of(ProcessHandle root) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(root);
    try (Stream<ProcessHandle> descendants = root.descendants()) {
      descendants.forEach(tree::add);
    }
    tree.addAll(session(root.pid()));
    return tree;
  }

  /**
   * Stops what is left of a plugin's session once the plugin itself has exited: SIGTERM now,
   * SIGKILL after the grace, without blocking the caller.
   */
  static void reapLeftovers(long sessionId, Duration termGrace) {
    Set<ProcessHandle> left = session(sessionId);
    if (left.isEmpty()) {
      return;
    }
    left.forEach(ProcessHandle::destroy);
    CompletableFuture.runAsync(
        () -> left.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly),
        CompletableFuture.delayedExecutor(termGrace.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** Live processes whose session id is {@code sessionId}, from /proc (Linux). */
  static Set<ProcessHandle> session(long sessionId) {
    Set<ProcessHandle> members = new LinkedHashSet<>();
    if (!Files.isDirectory(PROC)) {
      return members;
    }
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(PROC, path -> isPid(path.getFileName().toString()))) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        if (sessionOf(entry) == sessionId) {
          ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(members::add);
        }
      }
    } catch (IOException e) {
      // /proc unreadable: descendants are all we can find.
    }
    return members;
  }

  /** Field 6 of /proc/<pid>/stat; the command name before it may hold spaces and parens. */
  private static long sessionOf(Path procEntry) {
    try {
      String stat = Files.readString(procEntry.resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[3]);
    } catch (IOException | RuntimeException e) {
      return -1; // the process ended meanwhile
    }
  }

  private static boolean isPid(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
