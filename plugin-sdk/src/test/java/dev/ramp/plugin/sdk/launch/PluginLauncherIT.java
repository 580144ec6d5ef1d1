package dev.ramp.plugin.sdk.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.plugin.v1.GetInfoRequest;
import dev.ramp.plugin.v1.InfoGrpc;
import dev.ramp.plugin.v1.PluginInfo;
import dev.ramp.plugin.v1.StepPhase;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import dev.ramp.plugin.v1.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher against a real plugin: the Python step plugin of tests/python. */
class PluginLauncherIT {

  private static final String NAME = "test/python";

  @TempDir Path dir;

  private final Queue<String> log = new ConcurrentLinkedQueue<>();
  private final PluginLauncher launcher =
      new PluginLauncher(log::add, Duration.ofSeconds(5), Duration.ofMillis(500));

  @Test
  void startsTalksAndStopsThePythonPlugin() {
    Path script = PythonPlugin.assumeAvailable();
    long started = System.nanoTime();
    PluginProcess plugin = launcher.launch(spec(script));
    System.out.printf(
        "python plugin: launch to healthy %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    Path socketDir;
    try {
      assertThat(plugin.name()).isEqualTo(NAME);
      assertThat(plugin.isAlive()).isTrue();
      assertThat(plugin.pid()).isPositive();
      PluginInfo info =
          InfoGrpc.newBlockingStub(plugin.channel())
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .getInfo(GetInfoRequest.getDefaultInstance());
      assertThat(info.getName()).isEqualTo("ramp-tests/python-step");
      assertThat(info.getContractVersion()).isEqualTo(1);
      StepResult result =
          StepPluginGrpc.newBlockingStub(plugin.channel())
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .run(StepRequest.newBuilder().setConfigJson("{\"runningCalls\": 1}").build());
      assertThat(result.getPhase()).isEqualTo(StepPhase.STEP_PHASE_RUNNING);
      socketDir = socketDirFromLog();
      assertThat(socketDir.getFileName().toString()).startsWith("rmp");
      assertThat(socketDir).isDirectory();
    } finally {
      plugin.close();
    }
    assertThat(plugin.isAlive()).isFalse();
    assertThat(plugin.onExit()).isCompletedWithValue(0);
    assertThat(socketDir).doesNotExist();
    assertThat(plugin.channel().isShutdown()).isTrue();
    // The drain threads may still be logging the last lines.
    await().until(() -> log.contains("[test/python] stdin closed: stopping"));
    plugin.close(); // idempotent
  }

  @Test
  void closeLeavesNoOrphansAndLinesBeforeTheHandshakeAreOnlyLogged() throws IOException {
    Path python = PythonPlugin.assumeAvailable();
    Path pidFile = dir.resolve("child.pid");
    Path wrapper = dir.resolve("wrapper.sh");
    Files.writeString(
        wrapper,
        "#!/bin/sh\n"
            + "echo 'warming up'\n"
            + "sleep 1000 &\n"
            + "echo $! > '"
            + pidFile
            + "'\n"
            + "/usr/bin/python3 '"
            + python
            + "'\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));

    PluginProcess plugin = launcher.launch(spec(wrapper));
    long child = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(child)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());
    await().until(() -> log.contains("[test/python] warming up"));

    plugin.close();

    assertThat(plugin.isAlive()).isFalse();
    await().until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void childrenOfAPluginThatCrashesAreStopped() throws IOException {
    Path python = PythonPlugin.assumeAvailable();
    Path pidFile = dir.resolve("child.pid");
    Path wrapper = dir.resolve("wrapper.sh");
    Files.writeString(
        wrapper,
        "#!/bin/sh\nsleep 1000 &\necho $! > '"
            + pidFile
            + "'\nexec /usr/bin/python3 '"
            + python
            + "'\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    PluginProcess plugin = launcher.launch(spec(wrapper));
    long child = Long.parseLong(Files.readString(pidFile).strip());

    Answer crash =
        Answer.of(
            () ->
                StepPluginGrpc.newBlockingStub(plugin.channel())
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .run(StepRequest.newBuilder().setConfigJson("{\"fail\": \"CRASH\"}").build()));

    assertThat(crash.failed()).isTrue();
    await().until(() -> plugin.onExit().isDone());
    assertThat(plugin.onExit().join()).isEqualTo(2);
    await().until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    plugin.close();
  }

  /** Whether a call failed, without caring how. */
  private record Answer(boolean failed) {
    static Answer of(Runnable call) {
      try {
        call.run();
        return new Answer(false);
      } catch (io.grpc.StatusRuntimeException e) {
        return new Answer(true);
      }
    }
  }

  @Test
  void killEndsThePluginAtOnceAndReleasesItsSocketDirectory() {
    PluginProcess plugin = launcher.launch(spec(PythonPlugin.assumeAvailable()));
    Path socketDir = socketDirFromLog();

    plugin.kill();

    await().until(() -> plugin.onExit().isDone());
    assertThat(plugin.onExit().join()).isEqualTo(137);
    await().until(() -> !Files.exists(socketDir));
    await().until(() -> plugin.channel().isShutdown());
    plugin.close();
  }

  @Test
  void privateFilesAreWrittenForTheOwnerOnlyAndNothingOfTheHostsEnvironmentIsInherited()
      throws IOException {
    Path python = PythonPlugin.assumeAvailable();
    Path report = dir.resolve("report");
    Path wrapper = dir.resolve("wrapper.sh");
    Files.writeString(
        wrapper,
        "#!/bin/sh\n"
            + "{ echo \"file=$ACME_TOKEN_FILE\"; echo \"dir=$PLUGIN_UNIX_SOCKET_DIR\";"
            + " echo \"mode=$(stat -c %a \"$ACME_TOKEN_FILE\")\";"
            + " echo \"content=$(cat \"$ACME_TOKEN_FILE\")\";"
            + " echo \"home=${HOME-unset}\"; } > '"
            + report
            + "'\nexec /usr/bin/python3 '"
            + python
            + "'\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    LaunchSpec spec =
        new LaunchSpec(
            NAME,
            wrapper,
            null,
            List.of(),
            Map.of("ACME_TOKEN_FILE", "/the/entry/env/loses"),
            List.of(),
            Duration.ofSeconds(30),
            null,
            List.of(new LaunchSpec.PrivateFile("ACME_TOKEN_FILE", "token", "s3cret\n")));

    PluginProcess plugin = launcher.launch(spec);
    Map<String, String> seen = new java.util.HashMap<>();
    try {
      for (String line : Files.readAllLines(report)) {
        seen.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    } finally {
      plugin.close();
    }

    Path socketDir = Path.of(seen.get("dir"));
    assertThat(seen.get("file")).isEqualTo(socketDir.resolve("token").toString());
    assertThat(seen.get("mode")).isEqualTo("600");
    assertThat(seen.get("content")).isEqualTo("s3cret");
    // The host's own HOME is not the plugin's: nothing is inherited.
    assertThat(System.getenv("HOME")).isNotNull();
    assertThat(seen.get("home")).isEqualTo("unset");
    await().until(() -> !Files.exists(socketDir));
    assertThat(log).noneMatch(line -> line.contains("s3cret"));
  }

  private Path socketDirFromLog() {
    String prefix = "[test/python] serving on ";
    await().until(() -> log.stream().anyMatch(line -> line.startsWith(prefix)));
    return log.stream()
        .filter(line -> line.startsWith(prefix))
        .map(line -> Path.of(line.substring(prefix.length())).getParent())
        .findFirst()
        .orElseThrow();
  }

  private static LaunchSpec spec(Path location) {
    return new LaunchSpec(
        NAME, location, null, List.of(), Map.of(), List.of(), Duration.ofSeconds(30), null);
  }
}
