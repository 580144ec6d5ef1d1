package dev.ramp.tests.echo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.api.StepResult;
import java.time.Duration;
import org.pf4j.Extension;

/**
 * A step for tests and benchmarks. Config: {@code runningCalls} (RUNNING that many times first),
 * {@code result} ("SUCCESSFUL" or "FAILED"), {@code message}. Its state counts calls and records
 * the idempotency key of each, so tests can see what the controller sent.
 */
@Extension
public class EchoStep implements StepPlugin {

  /** The step's config. */
  public record Config(Integer runningCalls, String result, String message) {}

  @Override
  public StepResult run(StepCall call) {
    Config config = call.config(Config.class);
    int running = config.runningCalls() == null ? 0 : config.runningCalls();
    if (running < 0) {
      throw new InvalidConfigException("runningCalls", "must be >= 0, was " + running);
    }
    String result = config.result() == null ? "SUCCESSFUL" : config.result();
    if (!result.equals("SUCCESSFUL") && !result.equals("FAILED")) {
      throw new InvalidConfigException(
          "result", "must be \"SUCCESSFUL\" or \"FAILED\", was \"" + result + "\"");
    }
    int calls = call.state().path("calls").asInt(0) + 1;
    ObjectNode state = Json.MAPPER.createObjectNode().put("calls", calls);
    state.put("lastKey", call.context().idempotencyKey());
    if (calls <= running) {
      return StepResult.running("call " + calls + " of " + running, Duration.ofMillis(100), state);
    }
    String message = config.message() == null ? "echo" : config.message();
    return (result.equals("FAILED") ? StepResult.failed(message) : StepResult.successful(message))
        .withState(state);
  }
}
