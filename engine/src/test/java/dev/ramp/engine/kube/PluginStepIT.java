package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.plugin.PluginAvailability;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugin steps end to end: the mock API server, the real plugin host, real Python plugins. */
class PluginStepIT extends RolloutItBase {
  static final Path PYTHON_DIR = Path.of("..", "tests", "python").toAbsolutePath().normalize();
  static final String CHECK = "ramp-tests/check";

  @TempDir Path dir;
  Path callLog;
  PluginHost host;
  final List<AutoCloseable> closing = new ArrayList<>();

  /** One line of the recording plugin's log. */
  record Call(String rollout, String operation, int index, int attempt, String key) {}

  @BeforeEach
  void startHost() throws Exception {
    assumeTrue(Files.isExecutable(PYTHON_DIR.resolve("step_plugin.py")), "no Python plugin");
    Process check =
        new ProcessBuilder("/usr/bin/python3", "-c", "import grpc, grpc_tools, google.protobuf")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assumeTrue(check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0, "python3 lacks grpc");
    callLog = dir.resolve("calls.log");
    Files.createFile(callLog);
    host =
        new PluginHost(
            PluginHost.Settings.defaults()
                .withRunnerJar(null)
                .withCacheDir(dir.resolve("cache"))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withHealth(Duration.ofMillis(500), Duration.ofSeconds(1), 2),
            new SimpleMeterRegistry());
    cluster.stepPlugins = host.stepClient();
    cluster.crashed = host::forgetAnswers;
  }

  @AfterEach
  void stopHost() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    if (host != null) {
      host.close();
    }
  }

  /** A wrapper from the test resources, copied into its own directory. */
  Path resource(String name, String subdir) throws IOException {
    Path target = Files.createDirectories(dir.resolve(subdir)).resolve(name);
    try (InputStream in = PluginStepIT.class.getResourceAsStream("/plugins/" + name)) {
      Files.write(target, in.readAllBytes());
    }
    return target;
  }

  /** A stepPlugins entry running the recording Python plugin under {@code name}. */
  String recording(String name) throws IOException {
    Path wrapper = resource("recording_step_plugin.py", "recording");
    return "- name: "
        + name
        + "\n  location: /usr/bin/python3\n  args: ['"
        + wrapper
        + "', '"
        + PYTHON_DIR
        + "', '"
        + callLog
        + "']\n  maxConcurrentCalls: 2\n";
  }

  /** A stepPlugins entry running the sleepy Python plugin (config sleepMs hangs a call). */
  String sleepy(String name, String extra) throws IOException {
    Path wrapper = resource("sleepy_step_plugin.py", name.replace('/', '-'));
    return "- name: "
        + name
        + "\n  location: /usr/bin/python3\n  args: ['"
        + wrapper
        + "', '"
        + PYTHON_DIR
        + "']\n"
        + extra;
  }

  void apply(String yaml) {
    PluginConfigSnapshot snapshot =
        PluginConfigSnapshot.parse(Map.of("stepPlugins", yaml), Cluster.WORKERS);
    assertThat(snapshot.refused()).isEmpty();
    host.apply(snapshot);
  }

  void awaitAvailability(String name, PluginAvailability.State state) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> host.stepClient().availability(name).state() == state);
  }

  static CanaryStep plugin(String name, String configJson) {
    CanaryStep s = new CanaryStep();
    s.plugin = new CanaryStep.PluginStep();
    s.plugin.name = name;
    s.plugin.config = Json.MAPPER.valueToTree(parse(configJson));
    return s;
  }

  static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  List<Call> calls() throws IOException {
    List<Call> out = new ArrayList<>();
    for (String line : Files.readAllLines(callLog)) {
      String[] f = line.split(" ");
      out.add(
          new Call(
              f[0],
              f[1],
              Integer.parseInt(f[2]),
              Integer.parseInt(f[3]),
              f.length > 4 ? f[4] : ""));
    }
    return out;
  }

  List<Call> calls(String operation, int index) throws IOException {
    return calls().stream()
        .filter(c -> c.operation().equals(operation) && c.index() == index)
        .toList();
  }

  static CanaryStatus.StepPluginStatus entry(Rollout r, int index, String operation) {
    if (r.getStatus().canary == null || r.getStatus().canary.stepPluginStatuses == null) {
      return null;
    }
    return r.getStatus().canary.stepPluginStatuses.stream()
        .filter(e -> e.index == index && operation.equals(e.operation))
        .findFirst()
        .orElse(null);
  }

  static Predicate<Rollout> run(int index, String phase, int calls) {
    return r -> {
      CanaryStatus.StepPluginStatus e = entry(r, index, "Run");
      return e != null
          && phase.equals(e.phase)
          && e.status != null
          && e.status.path("calls").asInt() == calls;
    };
  }

  /** Deploys v1 of a rollout with these steps; Healthy at once. */
  void deploy(String name, List<CanaryStep> steps) {
    cluster.create(Cluster.rollout(name, 5, steps));
    awaitRollout(name, phase("Healthy", steps.size()));
  }

  static final List<CanaryStep> SIX_STEPS =
      List.of(
          CanaryStep.setWeight(20),
          CanaryStep.pause("10s"),
          plugin(CHECK, "{\"runningCalls\": 2, \"requeueMs\": 1000, \"message\": \"checked\"}"),
          CanaryStep.setWeight(50),
          CanaryStep.pause(null),
          CanaryStep.setWeight(80));

  /** The six-step canary; with {@code chaos}, a fresh controller at every step and write. */
  void sixSteps(boolean chaos) throws Exception {
    apply(recording(CHECK));
    awaitAvailability(CHECK, PluginAvailability.State.READY);
    cluster.restartController();
    deploy("demo", SIX_STEPS);
    if (chaos) {
      cluster.chaos = true;
      cluster.restartController();
    }
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    awaitRollout("demo", phase("Paused", 1));
    cluster.clock.advance(Duration.ofSeconds(10));
    cluster.clockAdvanced();

    Rollout r = awaitRollout("demo", run(2, "Running", 1));
    assertThat(r.getStatus().currentStepIndex).isEqualTo(2);
    assertThat(r.getStatus().message)
        .isEqualTo("step 3 of 6 (plugin ramp-tests/check) is running: call 1 of 2");
    assertThat(entry(r, 2, "Run").backoff).isEqualTo("1s");
    if (chaos) {
      cluster.restartController();
    }
    cluster.clock.advance(Duration.ofSeconds(1));
    cluster.clockAdvanced();
    r = awaitRollout("demo", run(2, "Running", 2));
    assertThat(entry(r, 2, "Run").message).isEqualTo("call 2 of 2");
    cluster.clock.advance(Duration.ofSeconds(1));
    cluster.clockAdvanced();

    r = awaitRollout("demo", phase("Paused", 4));
    CanaryStatus.StepPluginStatus done = entry(r, 2, "Run");
    assertThat(done.phase).isEqualTo("Successful");
    assertThat(done.message).isEqualTo("checked");
    assertThat(done.status.path("calls").asInt()).isEqualTo(3);
    assertThat(done.executions).isEqualTo(3);
    int runsWhenDone = calls("Run", 2).size();
    if (chaos) {
      cluster.restartController();
    }
    actions.promote(Cluster.NS, "demo");
    r = awaitRollout("demo", phase("Healthy", 6));
    cluster.clock.advance(Duration.ofMinutes(1));
    cluster.clockAdvanced();
    awaitRollout("demo", phase("Healthy", 6));

    List<Call> runs = calls("Run", 2);
    // Never called again once SUCCESSFUL was persisted.
    assertThat(runs).hasSize(runsWhenDone);
    // One key for every delivery of this step's Run, repeats included.
    assertThat(runs).extracting(Call::key).containsOnly(runs.get(0).key());
    assertThat(runs.get(0).key()).hasSize(32);
    if (chaos) {
      // A controller killed after the plugin answered calls again: same key, same attempt.
      assertThat(runs).extracting(Call::attempt).isSorted();
      for (int attempt = 1; attempt <= 3; attempt++) {
        int a = attempt;
        assertThat(runs.stream().filter(c -> c.attempt() == a).count())
            .as("deliveries of attempt %d", a)
            .isGreaterThanOrEqualTo(2);
      }
    } else {
      assertThat(runs).extracting(Call::attempt).containsExactly(1, 2, 3);
    }
    // Events on plugin phase changes only.
    assertThat(cluster.events("demo").stream().filter(e -> e.startsWith("StepPlugin")))
        .containsExactly(
            "StepPluginRunRunning: step 3 of 6 (plugin ramp-tests/check) Run: Running: call 1 of 2",
            "StepPluginRunSuccessful: step 3 of 6 (plugin ramp-tests/check) Run: Successful: checked");
  }

  @Test
  void sixStepCanaryWithAPluginStepThatRunsTwiceThenSucceeds() throws Exception {
    sixSteps(false);
  }

  /** True when this status records step {@code index}'s Run as done and {@code read} did not. */
  static boolean recordsRunDone(Rollout read, dev.ramp.engine.model.RolloutStatus st, int index) {
    Rollout after = new Rollout();
    after.setStatus(st);
    CanaryStatus.StepPluginStatus now = entry(after, index, "Run");
    CanaryStatus.StepPluginStatus before =
        read.getStatus() == null ? null : entry(read, index, "Run");
    return now != null
        && "Successful".equals(now.phase)
        && (before == null || !"Successful".equals(before.phase));
  }

  /** Deploys v1 with a quick plugin step on the recording plugin, and starts v2. */
  void quickPluginStepCanary() throws Exception {
    apply(recording(CHECK));
    awaitAvailability(CHECK, PluginAvailability.State.READY);
    cluster.restartController();
    deploy("demo", List.of(plugin(CHECK, "{\"message\": \"once\"}"), CanaryStep.setWeight(50)));
  }

  @Test
  void aCacheThatLagsBehindTheControllersOwnWriteNeverRepeatsAPluginCall() throws Exception {
    // After the status write that records the plugin's answer, the Rollout cache serves the
    // object as it was before that write, once: what an informer does until our write arrives.
    java.util.concurrent.atomic.AtomicReference<Rollout> stale =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger staleServed =
        new java.util.concurrent.atomic.AtomicInteger();
    cluster.beforeEachStatusWrite(
        (read, st) -> {
          if (recordsRunDone(read, st, 0) && staleServed.get() == 0) {
            stale.set(read);
          }
        });
    quickPluginStepCanary();
    cluster.cachedReads =
        informer ->
            key -> {
              Rollout old = stale.getAndSet(null);
              if (old != null) {
                staleServed.incrementAndGet();
                return old;
              }
              return informer.get(key);
            };
    cluster.restartController();
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    Rollout r = awaitRollout("demo", phase("Healthy", 2));
    assertThat(staleServed.get()).as("the lagging read was served").isEqualTo(1);
    assertThat(entry(r, 0, "Run").executions).isEqualTo(1);
    assertThat(calls("Run", 0)).extracting(Call::attempt).containsExactly(1);
  }

  @Test
  void aStatusWriteThatMeetsAConflictReusesThePluginsAnswer() throws Exception {
    // Another writer changes the Rollout between the plugin's answer and the status write that
    // records it: the write meets 409 and the reconcile runs again, from the server's copy.
    java.util.concurrent.atomic.AtomicInteger conflicts =
        new java.util.concurrent.atomic.AtomicInteger();
    cluster.beforeEachStatusWrite(
        (read, st) -> {
          if (recordsRunDone(read, st, 0) && conflicts.getAndIncrement() == 0) {
            cluster
                .client
                .resources(Rollout.class)
                .inNamespace(Cluster.NS)
                .withName("demo")
                .edit(
                    x -> {
                      x.getMetadata().setAnnotations(Map.of("example.com/touched", "yes"));
                      return x;
                    });
          }
        });
    quickPluginStepCanary();
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    Rollout r = awaitRollout("demo", phase("Healthy", 2));
    assertThat(conflicts.get()).as("status writes that recorded the answer").isGreaterThan(1);
    assertThat(r.getMetadata().getAnnotations()).containsEntry("example.com/touched", "yes");
    assertThat(entry(r, 0, "Run").executions).isEqualTo(1);
    assertThat(calls("Run", 0)).extracting(Call::attempt).containsExactly(1);
  }

  @Test
  void freshControllerAtEveryStepAndBeforeEveryStatusWriteCompletesWithStableKeys()
      throws Exception {
    sixSteps(true);
    System.out.printf(
        "figure: chaos six-step canary: %d controllers, %d Run deliveries for 3 answers%n",
        cluster.starts.get(), calls("Run", 2).size());
  }

  @Test
  void abortCallsAbortInReverseOrderAndPromoteFullTerminatesTheRunningPluginOnce()
      throws Exception {
    apply(recording(CHECK));
    awaitAvailability(CHECK, PluginAvailability.State.READY);
    cluster.restartController();
    List<CanaryStep> steps =
        List.of(
            CanaryStep.setWeight(20),
            plugin(CHECK, "{}"),
            CanaryStep.setWeight(40),
            plugin(CHECK, "{\"runningCalls\": 1, \"requeueMs\": 1000}"),
            CanaryStep.pause(null));
    deploy("demo", steps);

    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    awaitRollout("demo", run(3, "Running", 1));

    // Abort while step 3 runs: Abort on 3, then on 1.
    actions.abort(Cluster.NS, "demo");
    Rollout r =
        awaitRollout(
            "demo", x -> "Degraded".equals(x.getStatus().phase) && entry(x, 1, "Abort") != null);
    assertThat(entry(r, 3, "Abort").phase).isEqualTo("Successful");
    assertThat(entry(r, 1, "Abort").message).isEqualTo("aborted");
    assertThat(calls().stream().filter(c -> !c.operation().equals("Run")))
        .extracting(c -> c.operation() + " " + c.index())
        .containsExactly("Abort 3", "Abort 1");
    cluster.clock.advance(Duration.ofMinutes(2));
    cluster.clockAdvanced();
    awaitRollout("demo", x -> "Degraded".equals(x.getStatus().phase));

    // Retry starts the plugin record afresh; promote full ends the running plugin once.
    actions.retry(Cluster.NS, "demo");
    r = awaitRollout("demo", x -> run(3, "Running", 1).test(x) && entry(x, 3, "Abort") == null);
    assertThat(r.getStatus().canary.stepPluginStatuses)
        .extracting(e -> e.operation + " " + e.index)
        .containsExactly("Run 1", "Run 3");
    // After the retry the steps run again as new operations: new idempotency keys.
    assertThat(
            calls().stream()
                .filter(c -> c.operation().equals("Run") && c.index() == 1)
                .map(Call::key)
                .distinct())
        .hasSize(2);
    actions.promoteFull(Cluster.NS, "demo");
    r = awaitRollout("demo", phase("Healthy", 5));
    assertThat(entry(r, 3, "Terminate").phase).isEqualTo("Successful");
    cluster.clock.advance(Duration.ofMinutes(2));
    cluster.clockAdvanced();
    awaitRollout("demo", phase("Healthy", 5));
    assertThat(calls().stream().filter(c -> !c.operation().equals("Run")))
        .extracting(c -> c.operation() + " " + c.index())
        .containsExactly("Abort 3", "Abort 1", "Terminate 3");

    // A new template runs both plugins to the end; abort at the pause after them.
    actions.setImage(Cluster.NS, "demo", "app", "demo:3");
    // The new canary's run, not the last one's (that one has its Terminate entry).
    awaitRollout("demo", x -> run(3, "Running", 1).test(x) && entry(x, 3, "Terminate") == null);
    cluster.clock.advance(Duration.ofSeconds(1));
    cluster.clockAdvanced();
    awaitRollout("demo", phase("Paused", 4));
    actions.abort(Cluster.NS, "demo");
    awaitRollout(
        "demo", x -> "Degraded".equals(x.getStatus().phase) && entry(x, 1, "Abort") != null);
    List<Call> others = calls().stream().filter(c -> !c.operation().equals("Run")).toList();
    assertThat(others)
        .extracting(c -> c.operation() + " " + c.index())
        .containsExactly("Abort 3", "Abort 1", "Terminate 3", "Abort 3", "Abort 1");
    // Another canary, other keys.
    assertThat(others.get(3).key()).isNotEqualTo(others.get(0).key());
  }

  @Test
  void aPluginDisabledInTheConfigMapMidRolloutIsSkippedAndRecorded() throws Exception {
    String entry = recording(CHECK);
    writeConfig(entry);
    PluginConfigInformer informer =
        new PluginConfigInformer(cluster.client, Cluster.NS, Cluster.WORKERS, host::apply);
    closing.add(informer);
    informer.start();
    awaitAvailability(CHECK, PluginAvailability.State.READY);
    cluster.restartController();
    deploy(
        "demo",
        List.of(
            CanaryStep.setWeight(20),
            plugin(CHECK, "{\"runningCalls\": 1000, \"requeueMs\": 5000}"),
            CanaryStep.setWeight(60)));
    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    awaitRollout("demo", run(1, "Running", 1));

    long edited = System.nanoTime();
    writeConfig(entry + "  disabled: true\n");
    awaitAvailability(CHECK, PluginAvailability.State.DISABLED);
    // The running step looks again after its requeue (5 s on the controller's clock).
    cluster.clock.advance(Duration.ofSeconds(5));
    cluster.clockAdvanced();
    Rollout r = awaitRollout("demo", phase("Healthy", 3));
    System.out.printf(
        "figure: ConfigMap disable to rollout past the step: %d ms%n",
        (System.nanoTime() - edited) / 1_000_000);
    CanaryStatus.StepPluginStatus e = entry(r, 1, "Run");
    assertThat(e.disabled).isTrue();
    assertThat(e.phase).isEqualTo("Successful");
    assertThat(e.status.path("calls").asInt()).isEqualTo(1);
    // One Run before the plugin was disabled, delivered once (no crash here).
    assertThat(calls("Run", 1)).extracting(Call::attempt).containsExactly(1);
    assertThat(cluster.events("demo"))
        .contains(
            "StepPluginDisabled: step 2 of 3 (plugin ramp-tests/check) Run: Successful: plugin disabled in"
                + " the plugin ConfigMap; step skipped");
  }

  long hungWithError(List<String> names) {
    return names.stream()
        .filter(n -> n.startsWith("hung-"))
        .map(cluster::get)
        .filter(x -> entry(x, 0, "Run") != null && "Error".equals(entry(x, 0, "Run").phase))
        .count();
  }

  void writeConfig(String stepPlugins) {
    cluster
        .client
        .configMaps()
        .inNamespace(Cluster.NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("ramp-config")
                .withNamespace(Cluster.NS)
                .endMetadata()
                .withData(Map.of("stepPlugins", stepPlugins))
                .build())
        .createOr(c -> c.update());
  }

  @Test
  void tenRolloutsOnAHungPluginDoNotStopAnEleventhOnAnotherPlugin() throws Exception {
    apply(
        sleepy("acme/hung", "  callDeadline: 120s\n  maxConcurrentCalls: 2\n")
            + sleepy("acme/quick", "  maxConcurrentCalls: 2\n"));
    awaitAvailability("acme/hung", PluginAvailability.State.READY);
    awaitAvailability("acme/quick", PluginAvailability.State.READY);
    cluster.restartController();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      String name = i < 10 ? "hung-" + i : "quick";
      Rollout r =
          Cluster.rollout(
              name,
              1,
              List.of(
                  i < 10
                      ? plugin("acme/hung", "{\"sleepMs\": 600000}")
                      : plugin("acme/quick", "{\"message\": \"quick\"}"),
                  CanaryStep.setWeight(50)));
      r.getSpec().strategy.canary.canaryService = null;
      r.getSpec().strategy.canary.stableService = null;
      cluster.create(r);
      names.add(name);
    }
    for (String name : names) {
      awaitRollout(name, phase("Healthy", 2));
    }
    for (String name : names) {
      actions.setImage(Cluster.NS, name, "app", "demo:2");
    }
    try {
      long started = System.nanoTime();
      Rollout quick = awaitRollout("quick", phase("Healthy", 2));
      System.out.printf(
          "figure: eleventh rollout Healthy beside ten on a hung plugin: %d ms%n",
          (System.nanoTime() - started) / 1_000_000);
      assertThat(entry(quick, 0, "Run").phase).isEqualTo("Successful");
      // The bulkhead holds two hung calls (their rollouts' reconciles wait in them); the other
      // eight were refused at once and wait out their backoff at step 0.
      await().atMost(Duration.ofSeconds(30)).until(() -> hungWithError(names) >= 8);
      int refused = 0;
      for (int i = 0; i < 10; i++) {
        Rollout hung = cluster.get("hung-" + i);
        if (entry(hung, 0, "Run") == null) {
          // Its reconcile is inside one of the two hung calls: no status written yet.
          continue;
        }
        refused++;
        assertThat(hung.getStatus().phase).isEqualTo("Progressing");
        assertThat(hung.getStatus().currentStepIndex).isZero();
        assertThat(entry(hung, 0, "Run").message).contains("acme/hung");
      }
      assertThat(refused).isGreaterThanOrEqualTo(8);
    } finally {
      // End the hung calls: kill the hung plugin, which this test started.
      Path hungWrapper = dir.resolve("acme-hung");
      ProcessHandle.current()
          .descendants()
          .filter(p -> p.info().commandLine().orElse("").contains(hungWrapper.toString()))
          .forEach(ProcessHandle::destroyForcibly);
    }
  }
}
