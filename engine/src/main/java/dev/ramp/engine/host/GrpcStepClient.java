package dev.ramp.engine.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginCallException;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.engine.plugin.StepPluginClient;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginException;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import dev.ramp.plugin.api.StepResult;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Step calls over gRPC. Never retried here: a plugin's answer is kept per call key until the
 * controller records it, so Run, Terminate and Abort reach the plugin once in normal operation;
 * only a crash of the controller delivers them again, with the same idempotency key.
 */
final class GrpcStepClient implements StepPluginClient {

  /** The contract's limit on a step's state. */
  static final int MAX_STATE_BYTES = 64 * 1024;

  private final PluginCalls calls;
  private final Function<String, PluginAvailability> availability;

  GrpcStepClient(PluginCalls calls, Function<String, PluginAvailability> availability) {
    this.calls = calls;
    this.availability = availability;
  }

  @Override
  public PluginAvailability availability(String pluginName) {
    return availability.apply(pluginName);
  }

  @Override
  public StepResult call(String pluginName, StepOperation operation, StepCall call) {
    StepRequest request =
        StepRequest.newBuilder()
            .setContext(ProtoMapping.context(call.context(), pluginName, operation.rpcName()))
            .setRolloutJson(ProtoMapping.json(call.rollout()))
            .setConfigJson(ProtoMapping.config(call.config()))
            .setStateJson(ProtoMapping.json(call.state()))
            .build();
    dev.ramp.plugin.v1.StepResult reply;
    try {
      reply =
          calls.callOnce(
              new CallKey(
                  pluginName,
                  operation.rpcName(),
                  call.context().idempotencyKey(),
                  call.context().attempt()),
              PluginKind.STEP,
              pluginName,
              operation.rpcName(),
              (channel, deadline) -> {
                StepPluginGrpc.StepPluginBlockingStub stub =
                    StepPluginGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
                return switch (operation) {
                  case RUN -> stub.run(request);
                  case TERMINATE -> stub.terminate(request);
                  case ABORT -> stub.abort(request);
                };
              });
    } catch (PluginCallException e) {
      return StepResult.error(e.getMessage());
    }
    return result(pluginName, operation, reply);
  }

  @Override
  public void recorded(Collection<CallKey> keys) {
    calls.recorded(keys);
  }

  static StepResult result(
      String pluginName, StepOperation operation, dev.ramp.plugin.v1.StepResult reply) {
    String who = " (step plugin " + pluginName + ", " + operation.rpcName() + ")";
    StepPhase phase =
        switch (reply.getPhase()) {
          case STEP_PHASE_RUNNING -> StepPhase.RUNNING;
          case STEP_PHASE_SUCCESSFUL -> StepPhase.SUCCESSFUL;
          case STEP_PHASE_FAILED -> StepPhase.FAILED;
          case STEP_PHASE_ERROR -> StepPhase.ERROR;
          default -> null;
        };
    if (phase == null) {
      return StepResult.error(
          "plugin returned no phase"
              + (reply.getMessage().isEmpty() ? "" : ": " + reply.getMessage())
              + who);
    }
    int stateBytes = reply.getStateJson().getBytes(StandardCharsets.UTF_8).length;
    if (stateBytes > MAX_STATE_BYTES) {
      return StepResult.error(
          "plugin returned a state of "
              + stateBytes
              + " bytes, above the limit of "
              + MAX_STATE_BYTES
              + who);
    }
    JsonNode state;
    try {
      state = Json.parse(reply.getStateJson());
    } catch (PluginException e) {
      return StepResult.error("plugin returned a state that is " + e.getMessage() + who);
    }
    Duration requeue =
        Duration.ofSeconds(
            reply.getRequeueAfter().getSeconds(), reply.getRequeueAfter().getNanos());
    return new StepResult(phase, reply.getMessage(), requeue, state);
  }
}
