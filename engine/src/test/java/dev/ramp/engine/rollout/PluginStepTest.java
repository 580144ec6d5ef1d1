package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.engine.plugin.StepPluginClient;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plugin steps on the in-memory world, with a scripted plugin client and a fixed clock. */
class PluginStepTest {

  /** Answers from a script per plugin; records every call. */
  static final class FakePlugins implements StepPluginClient {
    final Map<String, PluginAvailability> availability = new HashMap<>();
    final Map<String, Deque<StepResult>> runs = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    final List<StepCall> received = new ArrayList<>();
    StepResult otherOps = StepResult.successful("done");

    FakePlugins ready(String name, StepResult... script) {
      availability.put(name, PluginAvailability.ready());
      runs.put(name, new ArrayDeque<>(List.of(script)));
      return this;
    }

    @Override
    public PluginAvailability availability(String name) {
      return availability.getOrDefault(
          name, PluginAvailability.of(PluginAvailability.State.UNKNOWN, "not configured"));
    }

    @Override
    public StepResult call(String name, StepOperation op, StepCall call) {
      calls.add(op.rpcName() + " " + name + " " + call.context().stepIndex());
      received.add(call);
      if (op != StepOperation.RUN) {
        return otherOps;
      }
      Deque<StepResult> script = runs.get(name);
      return script.size() > 1 ? script.poll() : script.peek();
    }
  }

  final FakePlugins plugins = new FakePlugins();

  static CanaryStep plugin(String name) {
    CanaryStep s = new CanaryStep();
    s.plugin = new CanaryStep.PluginStep();
    s.plugin.name = name;
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.put("url", "http://127.0.0.1/hook");
    s.plugin.config = config;
    return s;
  }

  static ObjectNode state(int calls) {
    return JsonNodeFactory.instance.objectNode().put("calls", calls);
  }

  World world(List<CanaryStep> steps) {
    World w = new World(5, steps);
    w.reconciler = new RolloutReconciler(plugins, PluginStepSettings.defaults());
    w.converge();
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    return w;
  }

  CanaryStatus.StepPluginStatus entry(World w, int idx, String op) {
    return w.status().canary.stepPluginStatuses.stream()
        .filter(e -> e.index == idx && op.equals(e.operation))
        .findFirst()
        .orElse(null);
  }

  @Test
  void runningTwiceThenSuccessfulKeepsTheStateAndTheKeyAndAdvances() {
    plugins.ready(
        "ramp.dev/check",
        StepResult.running("one", Duration.ofSeconds(3), state(1)),
        StepResult.running("two", Duration.ZERO, state(2)),
        StepResult.successful("ok").withState(state(3)));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/check")));
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    var e = entry(w, 1, "Run");
    assertThat(e.phase).isEqualTo("Running");
    assertThat(e.status.path("calls").asInt()).isEqualTo(1);
    assertThat(e.backoff).isEqualTo("3s");
    assertThat(e.executions).isEqualTo(1);
    assertThat(w.status().message).isEqualTo("step 2 of 2 (plugin ramp.dev/check) is running: one");
    assertThat(w.last.requeueAfter()).isEqualTo(Duration.ofSeconds(3));

    // Not due yet: no call.
    w.advance(Duration.ofSeconds(2));
    w.converge();
    assertThat(plugins.calls).hasSize(1);

    w.advance(Duration.ofSeconds(1));
    w.converge();
    e = entry(w, 1, "Run");
    assertThat(e.status.path("calls").asInt()).isEqualTo(2);
    // Zero requeue-after: the controller's default.
    assertThat(e.backoff).isEqualTo("10s");
    assertThat(plugins.received.get(1).state().path("calls").asInt()).isEqualTo(1);
    assertThat(plugins.received.get(1).config().path("url").asText())
        .isEqualTo("http://127.0.0.1/hook");

    w.advance(Duration.ofSeconds(10));
    w.converge();
    e = entry(w, 1, "Run");
    assertThat(e.phase).isEqualTo("Successful");
    assertThat(e.status.path("calls").asInt()).isEqualTo(3);
    assertThat(e.executions).isEqualTo(3);
    assertThat(e.finishedAt).isNotNull();
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(plugins.received)
        .extracting(c -> c.context().idempotencyKey())
        .containsOnly(plugins.received.get(0).context().idempotencyKey());
    assertThat(plugins.received).extracting(c -> c.context().attempt()).containsExactly(1, 2, 3);
    assertThat(plugins.received.get(0).context().rolloutUid()).isEqualTo("uid-1");
    // Events on phase changes only: Running once, Successful once.
    assertThat(w.events)
        .extracting(Plan.Event::reason)
        .filteredOn(r -> r.startsWith("StepPlugin"))
        .containsExactly("StepPluginRunRunning", "StepPluginRunSuccessful");

    // Persisted as SUCCESSFUL: never called again.
    w.advance(Duration.ofMinutes(5));
    w.converge();
    assertThat(plugins.calls).hasSize(3);
  }

  @Test
  void aRunningRequeueBelowTheFloorIsRaisedToIt() {
    plugins.ready("ramp.dev/check", StepResult.running("", Duration.ofMillis(10), state(1)));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/check")));
    assertThat(entry(w, 1, "Run").backoff).isEqualTo("1s");
    w.reconciler =
        new RolloutReconciler(
            plugins,
            PluginStepSettings.defaults()
                .withRunning(Duration.ofMillis(50), Duration.ofMillis(200)));
    w.advance(Duration.ofSeconds(1));
    w.converge();
    assertThat(entry(w, 1, "Run").backoff).isEqualTo("50ms");
  }

  @Test
  void errorsBackOffDoublingAndKeepTheLastGoodState() {
    plugins.ready(
        "ramp.dev/check",
        StepResult.running("", Duration.ofSeconds(1), state(1)),
        StepResult.error("invalid config: url: missing"),
        StepResult.error("connection refused"),
        StepResult.successful("ok"));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/check")));
    w.advance(Duration.ofSeconds(1));
    w.converge();
    var e = entry(w, 1, "Run");
    assertThat(e.phase).isEqualTo("Error");
    assertThat(e.backoff).isEqualTo("5s");
    assertThat(e.status.path("calls").asInt()).isEqualTo(1);
    assertThat(w.status().message)
        .isEqualTo(
            "step 2 of 2 (plugin ramp.dev/check) failed to run, retrying after 5s: invalid config:"
                + " url: missing");
    w.advance(Duration.ofSeconds(4));
    w.converge();
    assertThat(plugins.calls).hasSize(2);
    w.advance(Duration.ofSeconds(1));
    w.converge();
    assertThat(entry(w, 1, "Run").backoff).isEqualTo("10s");
    assertThat(plugins.received.get(2).state().path("calls").asInt()).isEqualTo(1);
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    w.advance(Duration.ofSeconds(10));
    w.converge();
    assertThat(entry(w, 1, "Run").phase).isEqualTo("Successful");
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void theErrorBackoffStopsAtItsCap() {
    plugins.ready("ramp.dev/check", StepResult.error("down"));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/check")));
    for (int i = 0; i < 10; i++) {
      w.advance(Duration.ofMinutes(5));
      w.converge();
    }
    assertThat(entry(w, 1, "Run").backoff).isEqualTo("5m0s");
  }

  @Test
  void aFailedPluginAbortsAndEveryPluginThatRanGetsAbortOnceInReverse() {
    plugins
        .ready("ramp.dev/a", StepResult.successful("a done"))
        .ready("ramp.dev/b", StepResult.failed("error rate 7% over 5%"));
    World w =
        world(
            List.of(
                CanaryStep.setWeight(20),
                plugin("ramp.dev/a"),
                CanaryStep.setWeight(40),
                plugin("ramp.dev/b"),
                CanaryStep.setWeight(60)));
    assertThat(w.status().abort).isTrue();
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message)
        .isEqualTo("RolloutAborted: step 4 of 5 (plugin ramp.dev/b) failed: error rate 7% over 5%");
    assertThat(plugins.calls)
        .containsExactly(
            "Run ramp.dev/a 1", "Run ramp.dev/b 3", "Abort ramp.dev/b 3", "Abort ramp.dev/a 1");
    assertThat(entry(w, 3, "Abort").phase).isEqualTo("Successful");
    assertThat(w.replicasOf(w.status().currentPodHash)).isZero();
    w.advance(Duration.ofMinutes(1));
    w.converge();
    assertThat(plugins.calls).hasSize(4);

    // Retry clears the plugin statuses and runs the steps again.
    plugins.ready("ramp.dev/b", StepResult.successful("b done"));
    w.status().abort = null;
    w.status().abortedAt = null;
    w.status().currentStepIndex = 0;
    w.converge();
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(w.status().canary.stepPluginStatuses)
        .extracting(e -> e.operation + " " + e.index)
        .containsExactly("Run 1", "Run 3");
  }

  @Test
  void abortReachesThePluginsOnlyOnceTheReplicasAreBack() {
    plugins.ready("ramp.dev/a", StepResult.running("", Duration.ofSeconds(30), state(1)));
    World w = world(List.of(CanaryStep.setWeight(40), plugin("ramp.dev/a")));
    String canary = w.status().currentPodHash;
    assertThat(w.replicasOf(canary)).isEqualTo(2);
    w.status().abort = true;
    // Stable first, then the canary down: Abort waits while a ReplicaSet still has to move.
    Plan first = w.reconcile();
    assertThat(first.replicaSets().scales()).isNotEmpty();
    assertThat(plugins.calls).doesNotContain("Abort ramp.dev/a 1");
    assertThat(first.status().phase).isEqualTo("Degraded");
    w.converge();
    assertThat(w.replicasOf(canary)).isZero();
    assertThat(plugins.calls).endsWith("Abort ramp.dev/a 1");
  }

  @Test
  void anAbortThatCannotReachThePluginIsRetriedWithBackoffUnderTheSameKey() {
    plugins.ready("ramp.dev/a", StepResult.running("", Duration.ofSeconds(30), state(1)));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/a")));
    plugins.otherOps = StepResult.error("plugin ramp.dev/a is backing off: crashed");
    w.status().abort = true;
    w.converge();
    var abort = entry(w, 1, "Abort");
    assertThat(abort.phase).isEqualTo("Error");
    assertThat(abort.backoff).isEqualTo("5s");
    assertThat(w.last.requeueAfter()).isEqualTo(Duration.ofSeconds(5));
    int callsBefore = plugins.calls.size();
    w.advance(Duration.ofSeconds(4));
    w.converge();
    assertThat(plugins.calls).hasSize(callsBefore);

    plugins.otherOps = StepResult.successful("cleaned up");
    w.advance(Duration.ofSeconds(1));
    w.converge();
    abort = entry(w, 1, "Abort");
    assertThat(abort.phase).isEqualTo("Successful");
    assertThat(abort.message).isEqualTo("cleaned up");
    assertThat(abort.executions).isEqualTo(2);
    List<StepCall> aborts =
        plugins.received.stream().filter(c -> c.context().operation().equals("Abort")).toList();
    assertThat(aborts).extracting(c -> c.context().attempt()).containsExactly(1, 2);
    assertThat(aborts.get(1).context().idempotencyKey())
        .isEqualTo(aborts.get(0).context().idempotencyKey());
    w.advance(Duration.ofMinutes(5));
    w.converge();
    assertThat(plugins.calls.stream().filter(c -> c.startsWith("Abort"))).hasSize(2);
  }

  @Test
  void anAbortAnsweredRunningCountsAsFailed() {
    plugins.ready("ramp.dev/a", StepResult.running("", Duration.ofSeconds(30), state(1)));
    plugins.otherOps = StepResult.running("still cleaning", Duration.ofSeconds(5), null);
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/a")));
    w.status().abort = true;
    w.converge();
    var abort = entry(w, 1, "Abort");
    assertThat(abort.phase).isEqualTo("Failed");
    assertThat(abort.message)
        .isEqualTo(
            "Abort answered RUNNING, but Abort is not asynchronous: counted as failed (still"
                + " cleaning)");
    assertThat(plugins.received.get(1).state().path("calls").asInt()).isEqualTo(1);
  }

  @Test
  void promoteFullDuringARunningPluginTerminatesItOnce() {
    plugins.ready("ramp.dev/a", StepResult.running("", Duration.ofSeconds(30), state(1)));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/a")));
    w.status().promoteFull = true;
    w.converge();
    w.advance(Duration.ofMinutes(1));
    w.converge();
    assertThat(plugins.calls).containsExactly("Run ramp.dev/a 1", "Terminate ramp.dev/a 1");
    assertThat(entry(w, 1, "Terminate").phase).isEqualTo("Successful");
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void aPlainPromotePastARunningPluginTerminatesIt() {
    plugins.ready("ramp.dev/a", StepResult.running("", Duration.ofSeconds(30), state(1)));
    World w =
        world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/a"), CanaryStep.pause(null)));
    w.status().currentStepIndex = 2;
    w.converge();
    assertThat(plugins.calls).containsExactly("Run ramp.dev/a 1", "Terminate ramp.dev/a 1");
    assertThat(w.status().phase).isEqualTo("Paused");
  }

  @Test
  void aNewTemplateTerminatesTheRunningPluginAndStartsAfresh() {
    plugins.ready("ramp.dev/a", StepResult.running("", Duration.ofSeconds(30), state(1)));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/a")));
    String firstKey = plugins.received.get(0).context().idempotencyKey();
    w.rollout.getSpec().template = World.template("demo:3");
    w.converge();
    assertThat(plugins.calls)
        .containsExactly("Run ramp.dev/a 1", "Terminate ramp.dev/a 1", "Run ramp.dev/a 1");
    assertThat(plugins.received.get(2).context().idempotencyKey()).isNotEqualTo(firstKey);
    assertThat(w.status().canary.stepPluginStatuses)
        .extracting(e -> e.operation)
        .containsExactly("Run");
  }

  @Test
  void aDisabledPluginIsSkippedAndRecorded() {
    plugins.ready("ramp.dev/a", StepResult.running("", Duration.ofSeconds(30), state(1)));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/a")));
    plugins.availability.put(
        "ramp.dev/a",
        PluginAvailability.of(PluginAvailability.State.DISABLED, "disabled in the ConfigMap"));
    w.converge();
    var e = entry(w, 1, "Run");
    assertThat(e.disabled).isTrue();
    assertThat(e.phase).isEqualTo("Successful");
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(plugins.calls).hasSize(1);
  }

  /** A step held past the progress deadline ends Degraded naming what it waited for. */
  @Test
  void theProgressDeadlineOfAHeldStepNamesWhatTheStepWaitedFor() {
    plugins.ready("ramp.dev/a", StepResult.successful("ok"));
    plugins.availability.put(
        "ramp.dev/a",
        PluginAvailability.of(
            PluginAvailability.State.REFUSED, "sha256 mismatch: expected aa, got bb"));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/a")));
    w.advance(Duration.ofSeconds(601));
    w.reconcile();
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message)
        .startsWith("ProgressDeadlineExceeded: ReplicaSet ")
        .endsWith(
            " has timed out progressing; step 2 of 2 (plugin ramp.dev/a) waits: sha256 mismatch:"
                + " expected aa, got bb");
    assertThat(w.status().condition(ConditionType.Progressing).message)
        .endsWith("step 2 of 2 (plugin ramp.dev/a) waits: sha256 mismatch: expected aa, got bb");
  }

  @Test
  void aPluginThatCannotTakeCallsHoldsTheStepWithACondition() {
    plugins.ready("ramp.dev/a", StepResult.successful("ok"));
    plugins.availability.put(
        "ramp.dev/a",
        PluginAvailability.of(PluginAvailability.State.BACKING_OFF, "crashed; restarting in 4s"));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/a")));
    assertThat(plugins.calls).isEmpty();
    var c = w.status().condition(ConditionType.StepPluginAvailable);
    assertThat(c.reason).isEqualTo("StepPluginBackingOff");
    assertThat(c.message)
        .isEqualTo("Step plugin ramp.dev/a cannot take calls: crashed; restarting in 4s");
    assertThat(w.status().message)
        .isEqualTo("step 2 of 2 (plugin ramp.dev/a) waits: crashed; restarting in 4s");
    assertThat(w.last.requeueAfter()).isEqualTo(Duration.ofSeconds(5));
    plugins.availability.put("ramp.dev/a", PluginAvailability.ready());
    w.converge();
    assertThat(w.status().condition(ConditionType.StepPluginAvailable)).isNull();
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void aStateTheHostRefusedAsTooLargeIsAnErrorAndTheLastStateStays() {
    // The 64 KiB limit is the host's (PluginHostTest): it answers ERROR, the state not passed on.
    String refused =
        "plugin returned a state of 71690 bytes, above the limit of 65536 (step plugin"
            + " ramp.dev/a, Run)";
    plugins.ready(
        "ramp.dev/a",
        StepResult.running("", Duration.ofSeconds(1), state(1)),
        StepResult.error(refused));
    World w = world(List.of(CanaryStep.setWeight(20), plugin("ramp.dev/a")));
    w.advance(Duration.ofSeconds(1));
    w.converge();
    var e = entry(w, 1, "Run");
    assertThat(e.phase).isEqualTo("Error");
    assertThat(e.message).isEqualTo(refused);
    assertThat(e.status.path("calls").asInt()).isEqualTo(1);
  }

  @Test
  void idempotencyKeysDifferByOperationStepAndRetryAndAreStable() {
    String run = StepOperation.RUN.idempotencyKey("u", "h", "s", 1, null);
    assertThat(StepOperation.RUN.idempotencyKey("u", "h", "s", 1, null)).isEqualTo(run).hasSize(32);
    // No retry yet: the same key as before the retries field existed.
    assertThat(StepOperation.RUN.idempotencyKey("u", "h", "s", 1, 0)).isEqualTo(run);
    assertThat(StepOperation.ABORT.idempotencyKey("u", "h", "s", 1, null)).isNotEqualTo(run);
    assertThat(StepOperation.RUN.idempotencyKey("u", "h", "s", 2, null)).isNotEqualTo(run);
    // After `ramp retry` the step runs again as a new operation.
    assertThat(StepOperation.RUN.idempotencyKey("u", "h", "s", 1, 1)).isNotEqualTo(run);
  }

  @Test
  void backoffDurationsRoundTrip() {
    assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h0m0s");
    assertThat(Durations.parse("1m30s", "backoff")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void settingsRefuseANonPositiveDuration() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PluginStepSettings.defaults().withRunning(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be positive");
  }
}
