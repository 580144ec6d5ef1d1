package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import dev.ramp.plugin.v1.CallContext;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import dev.ramp.plugin.v1.StepResult;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    description = {
      "Start a plugin as the controller would, make one call, print the result, stop it.",
      "Exit code: 0 SUCCESSFUL or RUNNING, 1 FAILED, 5 ERROR or a gRPC error, 3 bad input."
    })
final class PluginRunCommand implements Callable<Integer> {

  enum Kind {
    step
  }

  enum Operation {
    run,
    terminate,
    abort
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

  @Option(names = "--step-index", defaultValue = "0")
  int stepIndex;

  @Option(names = "--sha256", description = "Expected sha256 of the plugin file.")
  String sha256;

  @Option(names = "--env", description = "Environment for the plugin, KEY=VALUE.")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--start-timeout", defaultValue = "20s", converter = DurationConverter.class)
  Duration startTimeout;

  @Option(names = "--deadline", defaultValue = "30s", converter = DurationConverter.class)
  Duration deadline;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode rolloutJson = PluginSupport.readDocument(rollout);
    JsonNode configJson = PluginSupport.parseJson("--config", config);
    JsonNode stateJson = PluginSupport.parseJson("--state", state);
    LaunchSpec launch = PluginSupport.spec(name, location, sha256, List.of(), env, startTimeout);
    PrintWriter out = spec.commandLine().getOut();
    PluginLauncher launcher = new PluginLauncher(line -> spec.commandLine().getErr().println(line));
    try (PluginProcess process = launcher.launch(launch)) {
      StepRequest request =
          StepRequest.newBuilder()
              .setContext(context(rolloutJson))
              .setRolloutJson(rolloutJson.toString())
              .setConfigJson(configJson.toString())
              .setStateJson(stateJson == null ? "" : stateJson.toString())
              .build();
      var stub =
          StepPluginGrpc.newBlockingStub(process.channel())
              .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
      StepResult result =
          switch (operation) {
            case run -> stub.run(request);
            case terminate -> stub.terminate(request);
            case abort -> stub.abort(request);
          };
      print(out, result);
      return switch (result.getPhase()) {
        case STEP_PHASE_SUCCESSFUL, STEP_PHASE_RUNNING -> 0;
        case STEP_PHASE_FAILED -> 1;
        default -> 5;
      };
    } catch (StatusRuntimeException e) {
      out.println("phase:   ERROR");
      out.println(
          "message: "
              + e.getStatus().getCode()
              + (e.getStatus().getDescription() == null
                  ? ""
                  : ": " + e.getStatus().getDescription()));
      return 5;
    }
  }

  private CallContext context(JsonNode rolloutJson) {
    JsonNode metadata = rolloutJson.path("metadata");
    String uid = metadata.path("uid").asText("");
    String key =
        UUID.nameUUIDFromBytes((uid + "/" + stepIndex + "/" + operation).getBytes()).toString();
    return CallContext.newBuilder()
        .setRolloutUid(uid)
        .setNamespace(metadata.path("namespace").asText("default"))
        .setRolloutName(metadata.path("name").asText(""))
        .setPodTemplateHash(rolloutJson.path("status").path("currentPodHash").asText(""))
        .setStepIndex(stepIndex)
        .setStepHash(rolloutJson.path("status").path("currentStepHash").asText(""))
        .setOperation(
            switch (operation) {
              case run -> "Run";
              case terminate -> "Terminate";
              case abort -> "Abort";
            })
        .setAttempt(1)
        .setIdempotencyKey(key)
        .setPluginName(name)
        .build();
  }

  private static void print(PrintWriter out, StepResult result) {
    String phase = result.getPhase().name().replace("STEP_PHASE_", "");
    out.println("phase:   " + (phase.equals("UNSPECIFIED") ? "ERROR (no phase set)" : phase));
    out.println("message: " + result.getMessage());
    if (result.hasRequeueAfter()) {
      out.println(
          "requeue: "
              + Duration.ofSeconds(
                  result.getRequeueAfter().getSeconds(), result.getRequeueAfter().getNanos()));
    }
    if (!result.getStateJson().isEmpty()) {
      JsonNode parsed = PluginSupport.parseJson("state", result.getStateJson());
      out.println("state:   " + (parsed instanceof ObjectNode ? parsed.toPrettyString() : parsed));
    }
  }
}
