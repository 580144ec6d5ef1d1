package dev.ramp.plugin.sdk.launch;

import dev.ramp.plugin.sdk.launch.PluginLaunchException.Reason;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts plugins as the controller does (see DESIGN.md, "Handshake and process model"):
 *
 * <ol>
 *   <li>verifies the file's SHA-256 before anything runs;
 *   <li>runs a JAR with the SDK runner in a lean JVM, anything else as an executable, with a clean
 *       environment: the contract's variables, a fixed {@code PATH} (the entry's env may set
 *       another), the entry's env and the variables naming its private files, in a session of its
 *       own so that no child outlives it;
 *   <li>gives it a private 0700 socket directory under {@code /tmp}, and writes the spec's private
 *       files there (0600), each named by an environment variable;
 *   <li>reads its handshake line from stdout and drains stdout and stderr into the log;
 *   <li>connects a gRPC channel over the Unix socket and waits for health SERVING.
 * </ol>
 *
 * Any failure stops whatever was started and throws {@link PluginLaunchException}.
 */
public final class PluginLauncher {

  public static final String COOKIE_KEY = "RAMP_PLUGIN_COOKIE";
  public static final String COOKIE_VALUE = "ramp-plugin-5e7a1c";
  public static final String SOCKET_DIR_KEY = "PLUGIN_UNIX_SOCKET_DIR";
  public static final String PROTOCOL_VERSIONS_KEY = "PLUGIN_PROTOCOL_VERSIONS";
  public static final String NAME_KEY = "RAMP_PLUGIN_NAME";

  /** Enough to find interpreters ({@code #!/usr/bin/env python3}), nothing of the host's. */
  public static final String SAFE_PATH = "/usr/local/bin:/usr/bin:/bin";

  /** The health service name a plugin reports SERVING for once it is ready. */
  public static final String HEALTH_SERVICE = "plugin";

  static final List<String> LEAN_JVM_OPTIONS =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xss256k",
          "-Xmx64m",
          // A small initial heap, code cache and no perf-data file: measured 69 -> 64 MiB RSS
          // (tests/PluginStartBenchmark).
          "-Xms8m",
          "-XX:ReservedCodeCacheSize=16m",
          "-XX:-UsePerfData",
          "-XX:+UseCompressedOops",
          "-Xshare:auto",
          // JVM warnings would otherwise go to stdout, where the handshake is read.
          "-Xlog:disable",
          "-Xlog:all=warning:stderr");

  private static final Path SOCKET_PARENT = Path.of("/tmp");
  private static final Duration DEFAULT_STDIN_GRACE = Duration.ofSeconds(5);
  private static final Duration DEFAULT_TERM_GRACE = Duration.ofSeconds(2);
  private static final Duration HEALTH_CALL_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration OUTPUT_SETTLE = Duration.ofMillis(500);

  private final Consumer<String> logSink;
  private final Duration stdinGrace;
  private final Duration termGrace;
  private EventLoopGroup eventLoop;

  /** Logs the plugins' output to {@code logSink} as {@code "[<name>] <line>"}. */
  public PluginLauncher(Consumer<String> logSink) {
    this(logSink, DEFAULT_STDIN_GRACE, DEFAULT_TERM_GRACE);
  }

  /** Logs the plugins' output to the slf4j logger {@code ramp.plugin} at INFO. */
  public PluginLauncher() {
    this(slf4jSink());
  }

  /** With other stop grace periods: after closing stdin, and after SIGTERM. */
  PluginLauncher(Consumer<String> logSink, Duration stdinGrace, Duration termGrace) {
    if (logSink == null) {
      throw new IllegalArgumentException("logSink must not be null");
    }
    if (stdinGrace.isNegative() || termGrace.isNegative()) {
      throw new IllegalArgumentException(
          "grace periods must not be negative, were "
              + DurationText.of(stdinGrace)
              + " and "
              + DurationText.of(termGrace));
    }
    this.logSink = logSink;
    this.stdinGrace = stdinGrace;
    this.termGrace = termGrace;
  }

  private static Consumer<String> slf4jSink() {
    Logger log = LoggerFactory.getLogger("ramp.plugin");
    return log::info;
  }

  /**
   * Starts the plugin and returns once it answers health SERVING.
   *
   * @throws PluginLaunchException naming the plugin, what happened and what to do
   */
  public PluginProcess launch(LaunchSpec spec) throws PluginLaunchException {
    long deadline = System.nanoTime() + spec.startTimeout().toNanos();
    String name = spec.name();
    checkReadable(name, spec.location(), "plugin file");
    if (spec.sha256() != null) {
      verifyChecksum(spec);
    }
    List<String> command = command(spec);
    Path socketDir = createSocketDir(name);
    Map<String, String> fileVariables = writePrivateFiles(spec, socketDir);
    Process process;
    try {
      // Its own session, so that children it leaves behind can be found and stopped.
      ProcessBuilder builder = new ProcessBuilder(ProcessTree.inOwnSession(command));
      Map<String, String> env = builder.environment();
      // Nothing of the host's own environment (its KUBECONFIG, its credentials) is inherited.
      env.clear();
      env.put("PATH", SAFE_PATH);
      env.putAll(spec.env());
      env.putAll(fileVariables);
      env.put(COOKIE_KEY, COOKIE_VALUE);
      env.put(SOCKET_DIR_KEY, socketDir.toString());
      env.put(PROTOCOL_VERSIONS_KEY, Integer.toString(Handshake.CONTRACT_VERSION));
      env.put(NAME_KEY, name);
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      PluginProcess.deleteRecursively(socketDir);
      throw new PluginLaunchException(
          Reason.START_FAILED,
          "plugin "
              + name
              + ": could not start "
              + String.join(" ", command)
              + ": "
              + e.getMessage()
              + "; check that the file is a valid executable for this machine"
              + " (a script needs a #! line).",
          e);
    }
    long pid = process.pid();
    process
        .onExit()
        .thenRun(
            () -> {
              PluginProcess.deleteRecursively(socketDir);
              ProcessTree.reapLeftovers(pid, termGrace);
            });

    String prefix = "[" + name + "] ";
    CompletableFuture<Handshake> handshake = new CompletableFuture<>();
    OutputDrain stdout =
        new OutputDrain(
            "plugin-" + name + "-stdout",
            process.getInputStream(),
            line -> {
              if (!handshake.isDone()) {
                Optional<Handshake> parsed = Handshake.parse(line);
                if (parsed.isPresent()) {
                  handshake.complete(parsed.get());
                  return;
                }
              }
              logSink.accept(prefix + line);
            },
            () -> handshake.completeExceptionally(new IOException("stdout closed")));
    OutputDrain stderr =
        new OutputDrain(
            "plugin-" + name + "-stderr",
            process.getErrorStream(),
            line -> logSink.accept(prefix + line),
            () -> {});
    stdout.start();
    stderr.start();

    ManagedChannel channel = null;
    try {
      Path socket =
          awaitHandshake(spec, process, handshake, stdout, stderr, deadline)
              .validate(name, socketDir);
      channel =
          NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
              .eventLoopGroup(eventLoop())
              .channelType(EpollDomainSocketChannel.class)
              // gRPC sets SO_KEEPALIVE, which Unix sockets lack: unset it, or every connect
              // logs a warning.
              .withOption(ChannelOption.SO_KEEPALIVE, null)
              // Otherwise the socket path is sent as the HTTP/2 :authority, which is not a
              // valid host; Node's @grpc/grpc-js server resets such streams (PROTOCOL_ERROR).
              .overrideAuthority("localhost")
              .usePlaintext()
              .build();
      awaitServing(spec, process, channel, stdout, stderr, deadline);
      return new PluginProcess(name, process, channel, socketDir, stdinGrace, termGrace);
    } catch (RuntimeException e) {
      if (channel != null) {
        channel.shutdownNow();
      }
      PluginProcess.stop(process, Duration.ZERO, termGrace);
      PluginProcess.deleteRecursively(socketDir);
      throw e;
    }
  }

  private Handshake awaitHandshake(
      LaunchSpec spec,
      Process process,
      CompletableFuture<Handshake> handshake,
      OutputDrain stdout,
      OutputDrain stderr,
      long deadline) {
    String name = spec.name();
    try {
      CompletableFuture.anyOf(handshake, process.onExit())
          .get(remaining(deadline), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw noHandshake(spec);
    } catch (ExecutionException e) {
      // stdout ended without a handshake: the process is exiting, or closed its stdout.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PluginLaunchException(
          Reason.START_FAILED, "plugin " + name + ": interrupted while waiting for its handshake");
    }
    if (handshake.isDone() && !handshake.isCompletedExceptionally()) {
      return handshake.join();
    }
    // The process ended (or closed stdout): wait for its exit code within the start timeout.
    try {
      process.onExit().get(remaining(deadline), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new PluginLaunchException(
          Reason.NO_HANDSHAKE,
          "plugin "
              + name
              + ": closed its stdout without printing a handshake line and did not"
              + " exit within "
              + DurationText.of(spec.startTimeout())
              + "; it must print"
              + " 1|1|unix|<socket path>|grpc on stdout"
              + lastStderr(stderr));
    } catch (ExecutionException e) {
      // onExit never fails.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // A line printed just before exiting may still be in the pipe.
    stdout.awaitEnd(OUTPUT_SETTLE);
    if (handshake.isDone() && !handshake.isCompletedExceptionally()) {
      throw exitedEarly(
          name, process, stdout, stderr, "after its handshake, before it was healthy");
    }
    throw exitedEarly(name, process, stdout, stderr, "before its handshake");
  }

  private void awaitServing(
      LaunchSpec spec,
      Process process,
      ManagedChannel channel,
      OutputDrain stdout,
      OutputDrain stderr,
      long deadline) {
    HealthCheckRequest request = HealthCheckRequest.newBuilder().setService(HEALTH_SERVICE).build();
    String last = "no answer";
    long backoffMillis = 10;
    while (true) {
      if (!process.isAlive()) {
        throw exitedEarly(
            spec.name(), process, stdout, stderr, "after its handshake, before it was healthy");
      }
      long left = remaining(deadline);
      if (left <= 0) {
        break;
      }
      try {
        ServingStatus status =
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(
                    Math.min(left, HEALTH_CALL_TIMEOUT.toNanos()), TimeUnit.NANOSECONDS)
                .check(request)
                .getStatus();
        if (status == ServingStatus.SERVING) {
          return;
        }
        last = "health status " + status;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
          throw new PluginLaunchException(
              Reason.NOT_HEALTHY,
              "plugin "
                  + spec.name()
                  + ": does not serve grpc.health.v1.Health; every plugin must"
                  + " answer Health/Check for service \""
                  + HEALTH_SERVICE
                  + "\" with SERVING.");
        }
        // The last try often runs into the start deadline: keep the more telling answer.
        if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED || last.equals("no answer")) {
          last =
              e.getStatus().getCode()
                  + (e.getStatus().getDescription() == null
                      ? ""
                      : " (" + e.getStatus().getDescription() + ")");
        }
      }
      // Wait before the next try, but wake at once if the process dies meanwhile.
      try {
        process
            .onExit()
            .get(
                Math.min(backoffMillis, Math.max(1, remaining(deadline) / 1_000_000)),
                TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Still running: check again.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      backoffMillis = Math.min(backoffMillis * 2, 200);
    }
    throw new PluginLaunchException(
        Reason.NOT_HEALTHY,
        "plugin "
            + spec.name()
            + ": did not report SERVING for health service \""
            + HEALTH_SERVICE
            + "\" within "
            + DurationText.of(spec.startTimeout())
            + " (last: "
            + last
            + "); check its log, or"
            + " raise its start timeout if it is only slow to start"
            + lastStderr(stderr));
  }

  private PluginLaunchException noHandshake(LaunchSpec spec) {
    return new PluginLaunchException(
        Reason.NO_HANDSHAKE,
        "plugin "
            + spec.name()
            + ": printed no handshake line within "
            + DurationText.of(spec.startTimeout())
            + " and was stopped; it must print 1|1|unix|<socket path>|grpc on stdout (check that"
            + " it is a Ramp plugin, or raise its start timeout if it is only slow to start)");
  }

  private static PluginLaunchException exitedEarly(
      String name, Process process, OutputDrain stdout, OutputDrain stderr, String when) {
    // Let the drains log what the process wrote last before reporting.
    stdout.awaitEnd(OUTPUT_SETTLE);
    stderr.awaitEnd(OUTPUT_SETTLE);
    String code = process.isAlive() ? "?" : Integer.toString(process.exitValue());
    return new PluginLaunchException(
        Reason.EXITED_EARLY,
        "plugin "
            + name
            + ": exited with code "
            + code
            + " "
            + when
            + lastStderr(stderr)
            + (stderr.tail().isEmpty() ? "; run it by hand to see why" : ""));
  }

  private static String lastStderr(OutputDrain stderr) {
    List<String> tail = stderr.tail();
    return tail.isEmpty() ? "" : "; last stderr: " + String.join(" | ", tail);
  }

  private static long remaining(long deadline) {
    return deadline - System.nanoTime();
  }

  private List<String> command(LaunchSpec spec) {
    List<String> command = new ArrayList<>();
    if (spec.isJar()) {
      if (spec.runnerJar() == null) {
        throw new PluginLaunchException(
            Reason.START_FAILED,
            "plugin "
                + spec.name()
                + ": "
                + spec.location()
                + " is a plugin JAR but no runner"
                + " JAR was given; set the launch spec's runnerJar to the SDK runner"
                + " (ramp-plugin-sdk-*-runner.jar)");
      }
      checkReadable(spec.name(), spec.runnerJar(), "plugin runner JAR");
      command.add(javaExecutable());
      command.addAll(LEAN_JVM_OPTIONS);
      command.addAll(spec.jvmOptions());
      command.add("-jar");
      command.add(spec.runnerJar().toAbsolutePath().toString());
      command.add(spec.location().toAbsolutePath().toString());
    } else {
      if (!Files.isExecutable(spec.location())) {
        throw new PluginLaunchException(
            Reason.NOT_EXECUTABLE,
            "plugin "
                + spec.name()
                + ": "
                + spec.location()
                + " is not executable and not a"
                + " .jar; make it executable (chmod +x) or point location at the plugin JAR");
      }
      command.add(spec.location().toAbsolutePath().toString());
    }
    command.addAll(spec.args());
    return command;
  }

  /** The same JDK the host runs on. */
  static String javaExecutable() {
    Path home = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(home)) {
      return home.toString();
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  private static void checkReadable(String name, Path path, String what) {
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new PluginLaunchException(
          Reason.NOT_FOUND,
          "plugin "
              + name
              + ": "
              + what
              + " "
              + path.toAbsolutePath()
              + " does not exist or is"
              + " not a readable file; check the entry's location and the file's permissions");
    }
  }

  private static void verifyChecksum(LaunchSpec spec) {
    String actual;
    try (InputStream in =
        new DigestInputStream(
            Files.newInputStream(spec.location()), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      actual = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new PluginLaunchException(
          Reason.NOT_FOUND,
          "plugin "
              + spec.name()
              + ": cannot read "
              + spec.location()
              + " to verify its sha256: "
              + e.getMessage(),
          e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
    String expected = spec.sha256().toLowerCase(Locale.ROOT);
    if (!expected.equals(actual)) {
      throw new PluginLaunchException(
          Reason.CHECKSUM_MISMATCH,
          "plugin "
              + spec.name()
              + ": sha256 of "
              + spec.location()
              + " is "
              + actual
              + " but the entry expects "
              + expected
              + "; nothing was started. Replace the"
              + " file with the expected build, or update the entry's sha256 if the new file"
              + " is trusted.");
    }
  }

  private static Path createSocketDir(String name) {
    try {
      Path dir =
          Files.createTempDirectory(
              SOCKET_PARENT,
              "rmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      return dir.toRealPath();
    } catch (IOException e) {
      throw new PluginLaunchException(
          Reason.START_FAILED,
          "plugin "
              + name
              + ": cannot create its socket directory under "
              + SOCKET_PARENT
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Writes the spec's private files into the socket directory, each created with mode 0600 (never
   * readable by others, not even for a moment), and returns the variables that name them.
   */
  private static Map<String, String> writePrivateFiles(LaunchSpec spec, Path socketDir) {
    Map<String, String> variables = new LinkedHashMap<>();
    for (LaunchSpec.PrivateFile file : spec.privateFiles()) {
      Path path = socketDir.resolve(file.fileName());
      try {
        Files.createFile(
            path,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(path, file.content(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        PluginProcess.deleteRecursively(socketDir);
        throw new PluginLaunchException(
            Reason.START_FAILED,
            "plugin "
                + spec.name()
                + ": cannot write "
                + path
                + " (named by "
                + file.variable()
                + "): "
                + e.getMessage(),
            e);
      }
      variables.put(file.variable(), path.toString());
    }
    return variables;
  }

  private synchronized EventLoopGroup eventLoop() {
    if (eventLoop == null) {
      eventLoop =
          new EpollEventLoopGroup(2, new DefaultThreadFactory("ramp-plugin-channels", true));
    }
    return eventLoop;
  }
}
