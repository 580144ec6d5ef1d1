package dev.ramp.plugin.sdk.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.ramp.plugin.sdk.launch.PluginLaunchException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins that must not start, as real child processes (small shell scripts). */
class PluginLauncherFailureIT {

  private static final String NAME = "test/broken";

  @TempDir Path dir;

  private final Queue<String> log = new ConcurrentLinkedQueue<>();
  private final PluginLauncher launcher =
      new PluginLauncher(log::add, Duration.ofMillis(500), Duration.ofMillis(500));

  @Test
  void garbageThenExitIsExitedEarlyAndTheGarbageIsLogged() throws IOException {
    Path script = script("echo 'hello, I am not a plugin'\necho '1|x|y'\nexit 0");

    PluginLaunchException e = failLaunching(spec(script, Duration.ofSeconds(10)));

    assertThat(e.reason()).isEqualTo(Reason.EXITED_EARLY);
    assertThat(e).hasMessageContaining("exited with code 0 before its handshake");
    assertThat(log).contains("[test/broken] hello, I am not a plugin", "[test/broken] 1|x|y");
  }

  @Test
  void exitAtOnceReportsTheCodeAndLastStderr() throws IOException {
    Path script = script("echo 'cannot open config' >&2\nexit 3");

    PluginLaunchException e = failLaunching(spec(script, Duration.ofSeconds(10)));

    assertThat(e.reason()).isEqualTo(Reason.EXITED_EARLY);
    assertThat(e)
        .hasMessageContaining("exited with code 3")
        .hasMessageContaining("last stderr: cannot open config");
  }

  @Test
  void aPluginWithoutAHandshakeTimesOutAndIsStoppedWithItsChildren() throws IOException {
    Path pidFile = dir.resolve("child.pid");
    Path script = script("sleep 1000 &\necho $! > '" + pidFile + "'\nwait");

    PluginLaunchException e = failLaunching(spec(script, Duration.ofSeconds(2)));

    assertThat(e.reason()).isEqualTo(Reason.NO_HANDSHAKE);
    assertThat(e).hasMessageContaining("printed no handshake line within 2s");
    long child = Long.parseLong(Files.readString(pidFile).strip());
    await().until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void childrenOfAPluginThatExitsEarlyAreStoppedToo() throws IOException {
    Path pidFile = dir.resolve("child.pid");
    Path script = script("sleep 1000 &\necho $! > '" + pidFile + "'\nexit 3");

    PluginLaunchException e = failLaunching(spec(script, Duration.ofSeconds(10)));

    assertThat(e.reason()).isEqualTo(Reason.EXITED_EARLY);
    long child = Long.parseLong(Files.readString(pidFile).strip());
    await().until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void aPluginThatWantsAnotherCookieExplainsItselfInTheMessage() throws IOException {
    // What an Argo Rollouts or other go-plugin binary does when its own cookie is missing.
    Path script =
        script(
            "if [ \"$ARGO_ROLLOUTS_RPC_PLUGIN\" != metrics ]; then\n"
                + "  echo 'This binary is a plugin. These are not meant to be executed directly.'"
                + " >&2\n"
                + "  exit 1\n"
                + "fi\n"
                + "echo '1|1|unix|/tmp/x|netrpc'");

    PluginLaunchException e = failLaunching(spec(script, Duration.ofSeconds(10)));

    assertThat(e.reason()).isEqualTo(Reason.EXITED_EARLY);
    assertThat(e)
        .hasMessageContaining("exited with code 1")
        .hasMessageContaining("These are not meant to be executed directly");
  }

  @Test
  void thePluginSeesOnlyTheContractVariablesPathAndItsOwnEnv() {
    Map<String, String> env = Map.of("ACME_MODE", "strict");
    LaunchSpec spec =
        new LaunchSpec(
            NAME,
            Path.of("/usr/bin/env"),
            null,
            List.of(),
            env,
            List.of(),
            Duration.ofSeconds(10),
            null);

    PluginLaunchException e = failLaunching(spec);

    assertThat(e.reason()).isEqualTo(Reason.EXITED_EARLY);
    Map<String, String> seen = new HashMap<>();
    for (String line : log) {
      String entry = line.substring("[test/broken] ".length());
      seen.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
    }
    assertThat(seen.keySet())
        .containsExactlyInAnyOrder(
            "RAMP_PLUGIN_COOKIE",
            "PLUGIN_UNIX_SOCKET_DIR",
            "PLUGIN_PROTOCOL_VERSIONS",
            "RAMP_PLUGIN_NAME",
            "PATH",
            "ACME_MODE");
    assertThat(seen)
        .containsEntry("RAMP_PLUGIN_COOKIE", "ramp-plugin-5e7a1c")
        .containsEntry("PLUGIN_PROTOCOL_VERSIONS", "1")
        .containsEntry("RAMP_PLUGIN_NAME", NAME)
        .containsEntry("PATH", "/usr/local/bin:/usr/bin:/bin")
        .containsEntry("ACME_MODE", "strict");
    Path socketDir = Path.of(seen.get("PLUGIN_UNIX_SOCKET_DIR"));
    assertThat(socketDir.getFileName().toString()).startsWith("rmp");
    assertThat(socketDir.toString().length()).isLessThan(40);
    // Removed once the plugin is gone.
    await().until(() -> !Files.exists(socketDir));
  }

  @Test
  void theSocketDirectoryIsPrivate() throws IOException {
    Path out = dir.resolve("perms");
    Path script = script("stat -c %a \"$PLUGIN_UNIX_SOCKET_DIR\" > '" + out + "'\nexit 5");

    failLaunching(spec(script, Duration.ofSeconds(10)));

    assertThat(Files.readString(out).strip()).isEqualTo("700");
  }

  @Test
  void netRpcIsRefusedWithAMessageAboutGrpc() throws IOException {
    Path script = script("echo \"1|1|unix|$PLUGIN_UNIX_SOCKET_DIR/plugin.sock|netrpc\"\nread x");

    PluginLaunchException e = failLaunching(spec(script, Duration.ofSeconds(10)));

    assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_PROTOCOL);
    assertThat(e).hasMessageContaining("net/rpc").hasMessageContaining("gRPC");
  }

  @Test
  void aWrongContractVersionIsABadHandshake() throws IOException {
    Path script = script("echo \"1|2|unix|$PLUGIN_UNIX_SOCKET_DIR/plugin.sock|grpc\"\nread x");

    PluginLaunchException e = failLaunching(spec(script, Duration.ofSeconds(10)));

    assertThat(e.reason()).isEqualTo(Reason.BAD_HANDSHAKE);
    assertThat(e).hasMessageContaining("contract version 2");
  }

  @Test
  void tcpIsRefused() throws IOException {
    Path script = script("echo '1|1|tcp|127.0.0.1:4242|grpc'\nread x");

    PluginLaunchException e = failLaunching(spec(script, Duration.ofSeconds(10)));

    assertThat(e.reason()).isEqualTo(Reason.BAD_HANDSHAKE);
    assertThat(e).hasMessageContaining("only speaks Unix sockets");
  }

  @Test
  void aHandshakeWithoutHealthIsNotHealthy() throws IOException {
    Path script = script("echo \"1|1|unix|$PLUGIN_UNIX_SOCKET_DIR/plugin.sock|grpc\"\nread x");

    PluginLaunchException e = failLaunching(spec(script, Duration.ofSeconds(2)));

    assertThat(e.reason()).isEqualTo(Reason.NOT_HEALTHY);
    assertThat(e)
        .hasMessageContaining("did not report SERVING")
        .hasMessageContaining("UNAVAILABLE");
  }

  @Test
  void anExitAfterTheHandshakeIsExitedEarly() throws IOException {
    Path script =
        script("echo \"1|1|unix|$PLUGIN_UNIX_SOCKET_DIR/plugin.sock|grpc\"\necho bye >&2\nexit 4");

    PluginLaunchException e = failLaunching(spec(script, Duration.ofSeconds(10)));

    assertThat(e.reason()).isEqualTo(Reason.EXITED_EARLY);
    assertThat(e).hasMessageContaining("exited with code 4").hasMessageContaining("bye");
  }

  @Test
  void aWrongChecksumStartsNothing() throws IOException {
    Path marker = dir.resolve("ran");
    Path script = script("touch '" + marker + "'");
    String wrong = "0".repeat(64);

    PluginLaunchException e =
        failLaunching(
            new LaunchSpec(
                NAME, script, wrong, List.of(), Map.of(), List.of(), Duration.ofSeconds(5), null));

    assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH);
    assertThat(e).hasMessageContaining(wrong).hasMessageContaining(sha256(script));
    assertThat(marker).doesNotExist();
  }

  @Test
  void theRightChecksumIsAccepted() throws IOException {
    Path script = script("exit 6");

    PluginLaunchException e =
        failLaunching(
            new LaunchSpec(
                NAME,
                script,
                sha256(script).toUpperCase(),
                List.of(),
                Map.of(),
                List.of(),
                Duration.ofSeconds(5),
                null));

    assertThat(e.reason()).isEqualTo(Reason.EXITED_EARLY);
  }

  @Test
  void aMissingFileIsNotFound() {
    Path missing = dir.resolve("no-such-plugin");

    PluginLaunchException e = failLaunching(spec(missing, Duration.ofSeconds(5)));

    assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(e).hasMessageContaining(missing.toString());
  }

  @Test
  void aFileThatIsNotExecutableIsRefused() throws IOException {
    Path file = dir.resolve("plugin.sh");
    Files.writeString(file, "#!/bin/sh\nexit 0\n");

    PluginLaunchException e = failLaunching(spec(file, Duration.ofSeconds(5)));

    assertThat(e.reason()).isEqualTo(Reason.NOT_EXECUTABLE);
    assertThat(e).hasMessageContaining("chmod +x");
  }

  @Test
  void aJarNeedsTheRunner() throws IOException {
    Path jar = Files.writeString(dir.resolve("gate.jar"), "not really a jar");

    PluginLaunchException e = failLaunching(spec(jar, Duration.ofSeconds(5)));
    assertThat(e.reason()).isEqualTo(Reason.START_FAILED);
    assertThat(e).hasMessageContaining("runner");

    PluginLaunchException missingRunner =
        failLaunching(
            new LaunchSpec(
                NAME,
                jar,
                null,
                List.of(),
                Map.of(),
                List.of(),
                Duration.ofSeconds(5),
                dir.resolve("runner.jar")));
    assertThat(missingRunner.reason()).isEqualTo(Reason.NOT_FOUND);
    assertThat(missingRunner).hasMessageContaining("runner.jar");
  }

  @Test
  void aJarRunsInALeanJvmOfTheHostsJdkWithTheRunner() throws Exception {
    // A stand-in runner built here: it reports how it was started on stderr and exits 7.
    Path runner =
        FakeRunner.build(
            dir,
            "java.util.List<String> jvm ="
                + " java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();"
                + " System.err.println(\"jvm=\" + String.join(\" \", jvm));"
                + " System.err.println(\"args=\" + String.join(\" \", args));"
                + " System.err.println(\"java=\" + System.getProperty(\"java.home\"));"
                + " System.exit(7);");
    Path jar = Files.writeString(dir.resolve("gate.jar"), "the plugin jar");

    PluginLaunchException e =
        failLaunching(
            new LaunchSpec(
                NAME,
                jar,
                null,
                List.of("--verbose"),
                Map.of(),
                List.of("-Dacme=1", "-Xmx96m"),
                Duration.ofSeconds(30),
                runner));

    assertThat(e.reason()).isEqualTo(Reason.EXITED_EARLY);
    assertThat(e).hasMessageContaining("exited with code 7");
    String jvm = logged("jvm=");
    assertThat(jvm)
        .isEqualTo(String.join(" ", PluginLauncher.LEAN_JVM_OPTIONS) + " -Dacme=1 -Xmx96m");
    assertThat(logged("args=")).isEqualTo(jar.toAbsolutePath() + " --verbose");
    assertThat(logged("java=")).isEqualTo(System.getProperty("java.home"));
  }

  private String logged(String key) {
    String prefix = "[" + NAME + "] " + key;
    return log.stream()
        .filter(line -> line.startsWith(prefix))
        .map(line -> line.substring(prefix.length()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line " + key + " in " + log));
  }

  private PluginLaunchException failLaunching(LaunchSpec spec) {
    PluginLaunchException e =
        catchThrowableOfType(PluginLaunchException.class, () -> launcher.launch(spec).close());
    assertThat(e).as("launch of %s must fail", spec.location()).isNotNull();
    assertThat(e).hasMessageStartingWith("plugin " + NAME + ": ");
    return e;
  }

  private static LaunchSpec spec(Path location, Duration timeout) {
    return new LaunchSpec(NAME, location, null, List.of(), Map.of(), List.of(), timeout, null);
  }

  private Path script(String body) throws IOException {
    Path file = Files.createTempFile(dir, "plugin", ".sh");
    Files.writeString(file, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private static String sha256(Path file) throws IOException {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
