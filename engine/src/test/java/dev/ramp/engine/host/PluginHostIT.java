package dev.ramp.engine.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginAvailability.State;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import dev.ramp.plugin.api.StepResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host with real child processes over real Unix sockets. */
class PluginHostIT {
  // Each call a new delivery: the host reuses an answer given for the same key and attempt.
  private static final java.util.concurrent.atomic.AtomicInteger ATTEMPTS =
      new java.util.concurrent.atomic.AtomicInteger();

  @TempDir Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private PluginHost host;

  @BeforeEach
  void startHost() {
    host =
        new PluginHost(
            PluginHost.Settings.defaults()
                .withRunnerJar(null)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withHealth(Duration.ofMillis(500), Duration.ofSeconds(1), 2),
            registry);
  }

  @AfterEach
  void closeHost() {
    host.close();
  }

  private static PluginConfigSnapshot config(String stepPluginsYaml) {
    PluginConfigSnapshot snapshot =
        PluginConfigSnapshot.parse(Map.of("stepPlugins", stepPluginsYaml), 10);
    assertThat(snapshot.refused()).isEmpty();
    return snapshot;
  }

  /** A step plugin entry that runs the sleepy Python plugin under the given name. */
  private String sleepy(String name, String extra) throws Exception {
    Path wrapper = TestPlugins.sleepyPlugin(dir);
    return "- name: "
        + name
        + "\n"
        + "  location: /usr/bin/python3\n"
        + "  args: ['"
        + wrapper
        + "', '"
        + TestPlugins.PYTHON_DIR
        + "']\n"
        + extra;
  }

  private static StepCall call(String configJson, String stateJson) {
    return new StepCall(
        new PluginContext(
            "uid-1",
            "shop",
            "cart",
            "abc123",
            0,
            "h1",
            "Run",
            ATTEMPTS.incrementAndGet(),
            "k1",
            "x"),
        JsonNodeFactory.instance.objectNode().put("kind", "Rollout"),
        Json.parse(configJson),
        Json.parse(stateJson));
  }

  private StepResult run(String plugin, String configJson) {
    return host.stepClient().call(plugin, StepOperation.RUN, call(configJson, ""));
  }

  private void awaitReady(String... names) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              for (String name : names) {
                assertThat(host.stepClient().availability(name))
                    .as(name)
                    .isEqualTo(PluginAvailability.ready());
              }
            });
  }

  @Test
  void hostsThePythonPluginLikeAnyOther() throws Exception {
    TestPlugins.assumePython();
    host.apply(
        config("- name: ramp-tests/python\n  location: file://" + TestPlugins.PYTHON_PLUGIN));
    awaitReady("ramp-tests/python");

    StepResult first =
        host.stepClient()
            .call("ramp-tests/python", StepOperation.RUN, call("{\"runningCalls\":1}", ""));
    assertThat(first.phase()).isEqualTo(StepPhase.RUNNING);
    assertThat(first.requeueAfter()).isEqualTo(Duration.ofSeconds(1));
    StepResult second =
        host.stepClient()
            .call(
                "ramp-tests/python",
                StepOperation.RUN,
                call("{\"runningCalls\":1,\"message\":\"done\"}", first.state().toString()));
    assertThat(second.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(second.message()).isEqualTo("done");
    assertThat(second.state().get("calls").asInt()).isEqualTo(2);

    StepResult invalid = run("ramp-tests/python", "{\"result\":\"MAYBE\"}");
    assertThat(invalid.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(invalid.message())
        .startsWith("invalid config: config.result must be")
        .endsWith("(step plugin ramp-tests/python, Run, INVALID_ARGUMENT)");
  }

  @Test
  void killMinus9DuringACallIsAnErrorAndThePluginIsBackAfterItsBackoff() throws Exception {
    TestPlugins.assumePython();
    host.apply(config(sleepy("acme/victim", "")));
    awaitReady("acme/victim");
    long pid = host.pid(PluginKind.STEP, "acme/victim");

    CompletableFuture<StepResult> inFlight =
        CompletableFuture.supplyAsync(() -> run("acme/victim", "{\"sleepMs\":60000}"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> host.callsInFlight(PluginKind.STEP, "acme/victim") == 1);
    long killedAt = System.nanoTime();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();

    StepResult interrupted = inFlight.get(30, TimeUnit.SECONDS);
    assertThat(interrupted.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(interrupted.message()).contains("acme/victim", "UNAVAILABLE");

    awaitReady("acme/victim");
    // A figure for the record, not an assertion: kill -9 to ready again (backoff 200 ms).
    System.out.printf(
        "figure: kill -9 to READY again: %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
    assertThat(host.pid(PluginKind.STEP, "acme/victim")).isNotEqualTo(pid);
    assertThat(run("acme/victim", "{}").phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(registry.find("ramp.plugin.restarts").tag("plugin", "acme/victim").counter().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aHungCallHoldsNothingButItsOwnSlotAndEndsAtItsDeadline() throws Exception {
    TestPlugins.assumePython();
    host.apply(config(sleepy("acme/hung", "  callDeadline: 60s\n") + sleepy("acme/quick", "")));
    awaitReady("acme/hung", "acme/quick");

    CompletableFuture<StepResult> hung =
        CompletableFuture.supplyAsync(() -> run("acme/hung", "{\"sleepMs\":600000}"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> host.callsInFlight(PluginKind.STEP, "acme/hung") == 1);

    List<StepResult> quick = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      quick.add(run("acme/quick", "{\"message\":\"quick " + i + "\"}"));
    }
    // A figure for the record, not an assertion.
    System.out.printf(
        "figure: 20 Run calls to the Python plugin beside a hung one: %.2f ms each%n",
        (System.nanoTime() - started) / 20 / 1e6);
    // All twenty finished while the hung call is still waiting.
    assertThat(hung).isNotDone();
    assertThat(quick).extracting(StepResult::phase).containsOnly(StepPhase.SUCCESSFUL);
    assertThat(quick.get(19).message()).isEqualTo("quick 19");

    StepResult timedOut = hung.get(120, TimeUnit.SECONDS);
    assertThat(timedOut.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(timedOut.message())
        .isEqualTo(
            "no answer within the call deadline of 60s (step plugin acme/hung, Run,"
                + " DEADLINE_EXCEEDED)");
  }

  @Test
  void brokenPluginsAreReportedByNameAndWhatHappened() throws Exception {
    Path garbage =
        TestPlugins.script(
            dir, "garbage.sh", "echo 'hello, I am not a plugin'\necho '1|x|y'\nexit 0");
    Path tcp = TestPlugins.script(dir, "tcp.sh", "echo '1|1|tcp|127.0.0.1:4242|grpc'\nread x");
    Path exits = TestPlugins.script(dir, "exits.sh", "echo 'cannot open config' >&2\nexit 3");
    Path silent = TestPlugins.script(dir, "silent.sh", "read x");
    Path netrpc =
        TestPlugins.script(
            dir,
            "netrpc.sh",
            "echo \"1|1|unix|$PLUGIN_UNIX_SOCKET_DIR/plugin.sock|netrpc\"\nread x");
    String yaml =
        "- {name: acme/garbage, location: '"
            + garbage
            + "'}\n"
            + "- {name: acme/exits, location: '"
            + exits
            + "'}\n"
            + "- {name: acme/silent, location: '"
            + silent
            + "', startTimeout: 1s}\n"
            + "- {name: acme/netrpc, location: '"
            + netrpc
            + "'}\n"
            + "- {name: acme/tcp, location: '"
            + tcp
            + "'}\n";
    if (Files.isExecutable(TestPlugins.PYTHON_PLUGIN)) {
      // Started without going through the host: no cookie, so it explains and exits.
      Path nocookie =
          TestPlugins.script(
              dir,
              "nocookie.sh",
              "unset RAMP_PLUGIN_COOKIE\nexec /usr/bin/python3 '"
                  + TestPlugins.PYTHON_PLUGIN
                  + "'");
      yaml += "- {name: acme/nocookie, location: '" + nocookie + "'}\n";
    }
    host.apply(config(yaml));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(host.stepClient().availability("acme/garbage").state())
                  .isEqualTo(State.BACKING_OFF);
              assertThat(host.stepClient().availability("acme/tcp").state())
                  .isEqualTo(State.REFUSED);
              assertThat(host.stepClient().availability("acme/netrpc").state())
                  .isEqualTo(State.REFUSED);
              assertThat(host.stepClient().availability("acme/exits").state())
                  .isEqualTo(State.BACKING_OFF);
              assertThat(host.stepClient().availability("acme/silent").state())
                  .isEqualTo(State.BACKING_OFF);
            });
    assertThat(host.stepClient().availability("acme/garbage").reason())
        .contains("acme/garbage", "exited with code 0 before its handshake", "restarting in");
    assertThat(host.stepClient().availability("acme/tcp").reason()).contains("acme/tcp", "tcp");
    assertThat(host.stepClient().availability("acme/netrpc").reason())
        .contains("acme/netrpc", "netrpc");
    assertThat(host.stepClient().availability("acme/exits").reason())
        .contains("acme/exits", "3", "restarting in");
    assertThat(host.stepClient().availability("acme/silent").reason())
        .contains("acme/silent", "handshake", "restarting in");
    if (Files.isExecutable(TestPlugins.PYTHON_PLUGIN)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(host.stepClient().availability("acme/nocookie").reason())
                      .contains("acme/nocookie", "RAMP_PLUGIN_COOKIE"));
    }
    StepResult result = run("acme/netrpc", "{}");
    assertThat(result.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(result.message()).contains("step plugin acme/netrpc is refused", "netrpc");
  }

  @Test
  void aWrongChecksumOrAnUnreadableFileIsRefusedAndOthersStart() throws Exception {
    TestPlugins.assumePython();
    Path plugin = TestPlugins.script(dir, "plugin.sh", "read x");
    Path unreadable = TestPlugins.script(dir, "unreadable.sh", "read x");
    Files.setPosixFilePermissions(unreadable, java.util.Set.of());
    host.apply(
        config(
            "- {name: acme/tampered, location: '"
                + plugin
                + "', sha256: '"
                + "0".repeat(64)
                + "'}\n"
                + "- {name: acme/unreadable, location: '"
                + unreadable
                + "'}\n"
                + "- {name: acme/missing, location: '"
                + dir.resolve("nothing-here")
                + "'}\n"
                + "- {name: acme/good, location: '"
                + TestPlugins.PYTHON_PLUGIN
                + "'}\n"));

    awaitReady("acme/good");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(host.stepClient().availability("acme/tampered").state())
                  .isEqualTo(State.REFUSED);
              assertThat(host.stepClient().availability("acme/unreadable").state())
                  .isEqualTo(State.REFUSED);
              assertThat(host.stepClient().availability("acme/missing").state())
                  .isEqualTo(State.REFUSED);
            });
    assertThat(host.stepClient().availability("acme/tampered").reason())
        .contains("acme/tampered", "sha256");
    assertThat(host.stepClient().availability("acme/unreadable").reason())
        .contains("acme/unreadable");
    assertThat(host.stepClient().availability("acme/missing").reason())
        .contains("acme/missing", "nothing-here");
    assertThat(run("acme/good", "{}").phase()).isEqualTo(StepPhase.SUCCESSFUL);
  }

  @Test
  void closeLeavesNoProcessBehindChildrenIncluded() throws Exception {
    TestPlugins.assumePython();
    // A plugin that starts a child of its own before it becomes the Python plugin.
    Path forking =
        TestPlugins.script(
            dir,
            "forking.sh",
            "sleep 600 &\nexec /usr/bin/python3 '" + TestPlugins.PYTHON_PLUGIN + "'");
    host.apply(
        config(
            "- {name: acme/forking, location: '"
                + forking
                + "'}\n"
                + "- {name: acme/plain, location: '"
                + TestPlugins.PYTHON_PLUGIN
                + "'}\n"));
    awaitReady("acme/forking", "acme/plain");
    List<ProcessHandle> spawned = ProcessHandle.current().descendants().toList();
    assertThat(spawned.size()).isGreaterThanOrEqualTo(3);

    host.close();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(spawned).noneMatch(ProcessHandle::isAlive));
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
        .isEmpty();
  }

  @Test
  void removingAPluginStopsItsProcess() throws Exception {
    TestPlugins.assumePython();
    host.apply(config("- {name: acme/temp, location: '" + TestPlugins.PYTHON_PLUGIN + "'}"));
    awaitReady("acme/temp");
    ProcessHandle process = ProcessHandle.of(host.pid(PluginKind.STEP, "acme/temp")).orElseThrow();

    host.apply(PluginConfigSnapshot.empty());

    await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
    assertThat(host.stepClient().availability("acme/temp").state()).isEqualTo(State.UNKNOWN);
  }
}
