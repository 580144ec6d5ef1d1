package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.StepPluginPhase;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import dev.ramp.plugin.api.StepResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The plugin steps of one reconcile: calls step plugins through the {@link
 * dev.ramp.engine.plugin.StepPluginClient} (the plugin host in a controller, a fake in a test) and
 * records each call in {@code status.canary.stepPluginStatuses[]}. {@code Run} is repeated while
 * the plugin answers RUNNING or ERROR (with its requeue, or a doubling backoff); {@code Terminate}
 * and {@code Abort} are called once.
 */
final class PluginSteps {
  private final Reconcile r;

  PluginSteps(Reconcile r) {
    this.r = r;
  }

  /** Runs plugin step {@code idx} as far as it goes now; true when the step is done. */
  boolean run(int idx, Step.Plugin p) {
    CanaryStatus.StepPluginStatus run = entry(idx, StepOperation.RUN);
    if (run != null && StepPluginPhase.Successful.is(run.phase)) {
      // Persisted as done: never called again for this index.
      return true;
    }
    PluginAvailability a = r.plugins.availability(p.name());
    switch (a.state()) {
      case READY:
        break;
      case UNKNOWN:
        r.invalidSpec =
            "spec.strategy.canary.steps["
                + idx
                + "].plugin.name: \""
                + p.name()
                + "\" is not a configured step plugin; add it to stepPlugins in the plugin"
                + " ConfigMap or fix the name";
        return false;
      case DISABLED:
        skipDisabled(idx, p, run);
        return true;
      default:
        waitFor(idx, p, a);
        return false;
    }
    String where = r.stepLabel(idx);
    if (run != null && run.backoff != null && run.updatedAt != null) {
      var due =
          java.time.Instant.parse(run.updatedAt).plus(Durations.parse(run.backoff, "backoff"));
      if (r.now.isBefore(due)) {
        r.requeueWithin(java.time.Duration.between(r.now, due));
        r.hold = holdMessage(where, run);
        return false;
      }
    }
    int attempt = run != null && run.executions != null ? run.executions + 1 : 1;
    StepResult res = call(idx, p.name(), StepOperation.RUN, run, attempt);
    CanaryStatus.StepPluginStatus e = run != null ? run : add(idx, p.name(), StepOperation.RUN);
    String before = run == null ? null : run.phase;
    e.executions = (e.executions == null ? 0 : e.executions) + 1;
    e.updatedAt = Reconcile.time(r.now);
    record(e, res, before);
    phaseEvent(e, before);
    if (StepPluginPhase.Successful.is(e.phase)) {
      return true;
    }
    r.hold = holdMessage(where, e);
    return false;
  }

  /** Records a Run's answer: RUNNING requeues, FAILED aborts, ERROR backs off. */
  private void record(CanaryStatus.StepPluginStatus e, StepResult res, String before) {
    switch (res.phase()) {
      case RUNNING -> {
        java.time.Duration wait = res.requeueAfter();
        if (wait.isZero() || wait.isNegative()) {
          wait = r.pluginSettings.runningDefault();
        }
        if (wait.compareTo(r.pluginSettings.runningFloor()) < 0) {
          wait = r.pluginSettings.runningFloor();
        }
        answered(e, StepPluginPhase.Running, res);
        r.pluginProgressed = true;
        e.backoff = Durations.format(wait);
        r.requeueWithin(wait);
      }
      case SUCCESSFUL -> finished(e, StepPluginPhase.Successful, res);
      case FAILED -> {
        finished(e, StepPluginPhase.Failed, res);
        r.abort();
      }
      default -> backOff(e, res, before);
    }
  }

  /** ERROR: the last good state stays; retried after a wait that doubles up to its cap. */
  private void backOff(CanaryStatus.StepPluginStatus e, StepResult res, String before) {
    java.time.Duration wait =
        r.pluginSettings.errorBackoffAfter(StepPluginPhase.Error.is(before) ? e.backoff : null);
    e.phase = StepPluginPhase.Error.name();
    e.message = res.message();
    e.backoff = Durations.format(wait);
    r.requeueWithin(wait);
  }

  /** An entry in Error whose backoff has passed; one still waiting requeues for its end. */
  private boolean retryDue(CanaryStatus.StepPluginStatus e) {
    if (!StepPluginPhase.Error.is(e.phase) || e.backoff == null || e.updatedAt == null) {
      return false;
    }
    var due = java.time.Instant.parse(e.updatedAt).plus(Durations.parse(e.backoff, "backoff"));
    if (r.now.isBefore(due)) {
      r.requeueWithin(java.time.Duration.between(r.now, due));
      return false;
    }
    return true;
  }

  private static void answered(
      CanaryStatus.StepPluginStatus e, StepPluginPhase phase, StepResult res) {
    e.phase = phase.name();
    e.message = res.message();
    e.status = stateOf(res);
  }

  private void finished(CanaryStatus.StepPluginStatus e, StepPluginPhase phase, StepResult res) {
    answered(e, phase, res);
    e.backoff = null;
    e.finishedAt = Reconcile.time(r.now);
  }

  /** A plugin switched off in the ConfigMap: its step is skipped and recorded as disabled. */
  private void skipDisabled(int idx, Step.Plugin p, CanaryStatus.StepPluginStatus run) {
    CanaryStatus.StepPluginStatus e = run != null ? run : add(idx, p.name(), StepOperation.RUN);
    String before = run == null ? null : run.phase;
    e.disabled = true;
    e.phase = StepPluginPhase.Successful.name();
    e.message = "plugin disabled in the plugin ConfigMap; step skipped";
    e.backoff = null;
    e.updatedAt = Reconcile.time(r.now);
    e.finishedAt = Reconcile.time(r.now);
    phaseEvent(e, before);
  }

  /** A plugin that cannot take calls now (starting, backing off, refused): the step waits. */
  private void waitFor(int idx, Step.Plugin p, PluginAvailability a) {
    r.pluginWaiting = true;
    r.hold = r.stepLabel(idx) + " waits: " + a.reason();
    Conditions.set(
        r.st,
        dev.ramp.engine.model.ConditionType.StepPluginAvailable,
        Conditions.FALSE,
        switch (a.state()) {
          case STARTING -> Reason.StepPluginStarting;
          case BACKING_OFF -> Reason.StepPluginBackingOff;
          default -> Reason.StepPluginRefused;
        },
        "Step plugin " + p.name() + " cannot take calls: " + a.reason(),
        r.now);
    r.requeueWithin(r.pluginSettings.unavailableRetry());
  }

  private static String holdMessage(String where, CanaryStatus.StepPluginStatus e) {
    String msg = e.message == null || e.message.isEmpty() ? "" : ": " + e.message;
    if (StepPluginPhase.Error.is(e.phase)) {
      return where + " failed to run, retrying after " + e.backoff + msg;
    }
    return where + " is running" + msg;
  }

  /** Abort on every plugin that ran, in reverse order of the runs, each once. */
  void abortAll() {
    List<CanaryStatus.StepPluginStatus> runs =
        r.pluginEntries().stream()
            .filter(e -> StepOperation.RUN.rpcName().equals(e.operation))
            .filter(e -> !Boolean.TRUE.equals(e.disabled))
            .sorted(
                Comparator.comparing(
                        (CanaryStatus.StepPluginStatus e) -> e.startedAt == null ? "" : e.startedAt)
                    .thenComparing(e -> e.index)
                    .reversed())
            .toList();
    for (CanaryStatus.StepPluginStatus run : runs) {
      once(run, StepOperation.ABORT);
    }
  }

  /**
   * Terminate on a plugin step left running: by promote full ({@code all}), a new template or step
   * list ({@code all}), or a plain promote that moved past it.
   */
  void terminateRunning(boolean all) {
    if (r.aborted()) {
      return;
    }
    for (CanaryStatus.StepPluginStatus run : List.copyOf(r.pluginEntries())) {
      boolean running =
          StepPluginPhase.Running.is(run.phase) || StepPluginPhase.Error.is(run.phase);
      if (StepOperation.RUN.rpcName().equals(run.operation)
          && running
          && (all || !Objects.equals(run.index, r.st.currentStepIndex))) {
        once(run, StepOperation.TERMINATE);
      }
    }
  }

  /**
   * Calls Abort or Terminate and records it, once: they are not asynchronous. An ERROR (the plugin
   * could not be reached, or failed to answer) is retried with the same backoff as Run's, under the
   * same idempotency key; an answer is final.
   */
  private void once(CanaryStatus.StepPluginStatus run, StepOperation op) {
    CanaryStatus.StepPluginStatus e = entry(run.index, op);
    if (e != null && !retryDue(e)) {
      return;
    }
    String before = e == null ? null : e.phase;
    if (e == null) {
      e = add(run.index, run.name, op);
    }
    if (r.plugins.availability(run.name).state() == PluginAvailability.State.DISABLED) {
      e.disabled = true;
      e.phase = StepPluginPhase.Successful.name();
      e.message = "plugin disabled in the plugin ConfigMap; " + op.rpcName() + " skipped";
      e.backoff = null;
      e.finishedAt = Reconcile.time(r.now);
      phaseEvent(e, before);
      return;
    }
    int attempt = (e.executions == null ? 0 : e.executions) + 1;
    StepResult res = call(run.index, run.name, op, run, attempt);
    e.executions = attempt;
    e.updatedAt = Reconcile.time(r.now);
    if (res.phase() == StepPhase.ERROR) {
      backOff(e, res, before);
      phaseEvent(e, before);
      return;
    }
    e.phase =
        res.phase() == StepPhase.SUCCESSFUL
            ? StepPluginPhase.Successful.name()
            : StepPluginPhase.Failed.name();
    e.message =
        res.phase() == StepPhase.RUNNING
            ? op.rpcName()
                + " answered RUNNING, but "
                + op.rpcName()
                + " is not asynchronous: counted as failed"
                + (res.message().isEmpty() ? "" : " (" + res.message() + ")")
            : res.message();
    e.status = stateOf(res);
    e.backoff = null;
    e.finishedAt = Reconcile.time(r.now);
    phaseEvent(e, before);
  }

  private StepResult call(
      int idx, String name, StepOperation op, CanaryStatus.StepPluginStatus run, int attempt) {
    var meta = r.rollout.getMetadata();
    PluginContext ctx =
        new PluginContext(
            Reconcile.nz(meta.getUid()),
            Reconcile.nz(meta.getNamespace()),
            Reconcile.nz(meta.getName()),
            Reconcile.nz(r.st.currentPodHash),
            idx,
            Reconcile.nz(r.st.currentStepHash),
            op.rpcName(),
            attempt,
            op.idempotencyKey(
                meta.getUid(), r.st.currentPodHash, r.st.currentStepHash, idx, r.st.retries),
            name);
    Step step = r.valid != null && idx >= 0 && idx < r.steps().size() ? r.steps().get(idx) : null;
    JsonNode config =
        step instanceof Step.Plugin p && p.config() != null
            ? p.config()
            : JsonNodeFactory.instance.objectNode();
    JsonNode state = run == null || run.status == null ? MissingNode.getInstance() : run.status;
    r.calls.add(new CallKey(name, op.rpcName(), ctx.idempotencyKey(), ctx.attempt()));
    return r.plugins.call(name, op, new StepCall(ctx, Json.tree(r.rollout), config, state));
  }

  private static JsonNode stateOf(StepResult res) {
    return res.state() == null || res.state().isMissingNode() ? null : res.state();
  }

  private void phaseEvent(CanaryStatus.StepPluginStatus e, String before) {
    if (Objects.equals(before, e.phase)) {
      return;
    }
    boolean bad = StepPluginPhase.Failed.is(e.phase) || StepPluginPhase.Error.is(e.phase);
    String reason =
        Boolean.TRUE.equals(e.disabled)
            ? Reason.StepPluginDisabled.name()
            : "StepPlugin" + e.operation + e.phase;
    String message =
        (e.index == null ? "plugin " + e.name : r.stepLabel(e.index))
            + " "
            + e.operation
            + ": "
            + e.phase
            + (e.message == null || e.message.isEmpty() ? "" : ": " + e.message);
    r.event(bad ? Plan.Event.warning(reason, message) : Plan.Event.normal(reason, message));
  }

  /** The failed plugin step that aborted the rollout, described; null when none did. */
  String failedStep() {
    return r.pluginEntries().stream()
        .filter(e -> StepOperation.RUN.rpcName().equals(e.operation))
        .filter(e -> StepPluginPhase.Failed.is(e.phase))
        .findFirst()
        .map(
            e ->
                r.stepLabel(e.index)
                    + " failed"
                    + (e.message == null || e.message.isEmpty() ? "" : ": " + e.message))
        .orElse(null);
  }

  boolean has(StepOperation op) {
    return r.pluginEntries().stream().anyMatch(e -> op.rpcName().equals(e.operation));
  }

  /** Forgets every plugin record: they belonged to an earlier canary or run. */
  void forget() {
    if (r.st.canary != null) {
      r.st.canary.stepPluginStatuses = null;
    }
  }

  private CanaryStatus.StepPluginStatus entry(int idx, StepOperation op) {
    return r.pluginEntries().stream()
        .filter(e -> e.index != null && e.index == idx && op.rpcName().equals(e.operation))
        .findFirst()
        .orElse(null);
  }

  private CanaryStatus.StepPluginStatus add(int idx, String name, StepOperation op) {
    if (r.st.canary == null) {
      r.st.canary = new CanaryStatus();
    }
    if (r.st.canary.stepPluginStatuses == null) {
      r.st.canary.stepPluginStatuses = new ArrayList<>();
    }
    CanaryStatus.StepPluginStatus e = new CanaryStatus.StepPluginStatus();
    e.index = idx;
    e.name = name;
    e.operation = op.rpcName();
    e.startedAt = Reconcile.time(r.now);
    e.updatedAt = Reconcile.time(r.now);
    r.st.canary.stepPluginStatuses.add(e);
    return e;
  }
}
