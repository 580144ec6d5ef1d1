package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.host.config.PluginLimits;
import dev.ramp.engine.model.GoDuration;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.engine.plugin.StepPluginClient;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    description = {
      "Start a plugin as the controller would, make one call, print the result, stop it.",
      "The call goes through the controller's own plugin host: same request, deadline, state"
          + " limit and error messages.",
      "Exit code: 0 SUCCESSFUL or RUNNING, 1 FAILED, 5 ERROR or a gRPC error (or the plugin did"
          + " not start), 3 bad input (or a plugin the controller would refuse)."
    })
final class PluginRunCommand implements Callable<Integer> {

  /** Exit code of an ERROR result, a transport error, or a plugin that did not start. */
  static final int ERROR_EXIT = PluginSupport.ERROR_EXIT;

  enum Kind {
    step
  }

  enum Operation {
    run(StepOperation.RUN),
    terminate(StepOperation.TERMINATE),
    abort(StepOperation.ABORT);

    final StepOperation step;

    Operation(StepOperation step) {
      this.step = step;
    }
  }

  @Parameters(index = "0", paramLabel = "LOCATION", description = "file://, https:// or a path.")
  String location;

  @Option(
      names = "--kind",
      defaultValue = "step",
      description = "Plugin kind: ${COMPLETION-CANDIDATES}.")
  Kind kind;

  @Option(names = "--name", defaultValue = "local/plugin", description = "Configured name.")
  String name;

  @Option(names = "--rollout", required = true, description = "The Rollout, YAML or JSON.")
  Path rollout;

  @Option(names = "--config", defaultValue = "{}", description = "The step's config, JSON.")
  String config;

  @Option(names = "--operation", defaultValue = "run", description = "${COMPLETION-CANDIDATES}.")
  Operation operation;

  @Option(names = "--state", description = "The state a previous call returned, JSON.")
  String state;

  @Option(
      names = "--step-index",
      defaultValue = "0",
      description =
          "The step's index in the context, 0-based as Argo's currentStepIndex (default 0: the"
              + " first step).")
  int stepIndex;

  @Option(names = "--sha256", description = "Expected sha256 of the plugin file.")
  String sha256;

  @Option(names = "--env", description = "Environment for the plugin, KEY=VALUE.")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(
      names = "--start-timeout",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description =
          "How long the plugin may take to print its handshake and answer health checks, as"
              + " startTimeout in ramp-config (default ${DEFAULT-VALUE}).")
  Duration startTimeout;

  @Option(
      names = "--deadline",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "Deadline of the call, as callDeadline in ramp-config (default ${DEFAULT-VALUE}).")
  Duration deadline;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode rolloutJson = PluginSupport.readDocument(rollout);
    JsonNode configJson = PluginSupport.parseJson("--config", config);
    JsonNode stateJson = PluginSupport.parseJson("--state", state);
    PluginEntry entry = entry();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PluginHost.Settings settings =
        PluginHost.Settings.defaults()
            .withRunnerJar(runnerJar())
            .withCacheDir(PluginSupport.cacheDir());
    try (PluginSupport.QuietHostLog quiet = PluginSupport.QuietHostLog.open();
        PluginHost host = new PluginHost(settings, new SimpleMeterRegistry(), err::println)) {
      host.apply(new PluginConfigSnapshot(List.of(entry), List.of()));
      StepPluginClient steps = host.stepClient();
      PluginSupport.awaitReady(name, () -> steps.availability(name), startTimeout);
      StepCall call =
          new StepCall(
              context(rolloutJson),
              rolloutJson,
              configJson,
              stateJson == null ? MissingNode.getInstance() : stateJson);
      StepResult result = steps.call(name, operation.step, call);
      print(out, result);
      out.flush();
      return switch (result.phase()) {
        case SUCCESSFUL, RUNNING -> 0;
        case FAILED -> 1;
        case ERROR -> ERROR_EXIT;
      };
    }
  }

  /** The one ramp-config entry the controller would run for these options. */
  private PluginEntry entry() {
    if (startTimeout.isZero() || startTimeout.isNegative()) {
      throw new CliException(
          "--start-timeout must be more than zero, got " + GoDuration.format(startTimeout));
    }
    if (deadline.isZero() || deadline.isNegative()) {
      throw new CliException(
          "--deadline must be more than zero, got " + GoDuration.format(deadline));
    }
    for (String key : env.keySet()) {
      if (key.equals("KUBECONFIG")) {
        // As in ramp-config: only the controller hands a plugin Kubernetes access.
        throw new CliException(
            "--env may not set KUBECONFIG; a plugin gets Kubernetes access only from the"
                + " controller (kubernetesAccess: true in ramp-config)");
      }
      if (PluginConfigSnapshot.CONTRACT_VARIABLES.contains(key)) {
        throw new CliException("--env may not set " + key + "; the host sets it for every plugin");
      }
    }
    return new PluginEntry(
        PluginKind.STEP,
        name,
        PluginSupport.locationUri(location),
        sha256 == null ? null : sha256.toLowerCase(Locale.ROOT),
        List.of(),
        env,
        false,
        new PluginLimits(deadline, PluginLimits.DEFAULT_MAX_CONCURRENT_CALLS, startTimeout),
        List.of(),
        false);
  }

  /** The runner that hosts JAR plugins, when it exists; the host refuses JARs without one. */
  private static Path runnerJar() {
    Path runner = PluginSupport.runnerJar();
    return Files.isRegularFile(runner) ? runner : null;
  }

  /** The context the controller sends for this rollout, step and operation (first attempt). */
  private PluginContext context(JsonNode rolloutJson) {
    JsonNode metadata = rolloutJson.path("metadata");
    JsonNode status = rolloutJson.path("status");
    String uid = metadata.path("uid").asText("");
    String podHash = status.path("currentPodHash").asText("");
    String stepHash = status.path("currentStepHash").asText("");
    return new PluginContext(
        uid,
        metadata.path("namespace").asText("default"),
        metadata.path("name").asText(""),
        podHash,
        stepIndex,
        stepHash,
        operation.step.rpcName(),
        1,
        operation.step.idempotencyKey(
            uid,
            podHash,
            stepHash,
            stepIndex,
            status.path("retries").isInt() ? status.path("retries").asInt() : null),
        name);
  }

  private static void print(PrintWriter out, StepResult result) {
    out.println("phase:   " + result.phase());
    out.println("message: " + result.message());
    if (!result.requeueAfter().isZero()) {
      out.println("requeue: " + GoDuration.format(result.requeueAfter()));
    }
    JsonNode state = result.state();
    if (state != null && !state.isMissingNode()) {
      out.println("state:   " + (state instanceof ObjectNode ? state.toPrettyString() : state));
    }
  }
}
