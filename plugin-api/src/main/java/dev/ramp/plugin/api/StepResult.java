package dev.ramp.plugin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.Objects;

/**
 * What a step plugin call returns.
 *
 * @param requeueAfter for {@link StepPhase#RUNNING}: when to call again; {@link Duration#ZERO}
 *     leaves it to the controller's default
 * @param state opaque JSON the controller stores (at most 64 KiB) and hands back on the next call;
 *     a missing node keeps none
 */
public record StepResult(StepPhase phase, String message, Duration requeueAfter, JsonNode state) {

  public StepResult {
    Objects.requireNonNull(phase, "phase");
    message = message == null ? "" : message;
    requeueAfter = requeueAfter == null ? Duration.ZERO : requeueAfter;
    state = state == null ? MissingNode.getInstance() : state;
  }

  public static StepResult running(String message, Duration requeueAfter, JsonNode state) {
    return new StepResult(StepPhase.RUNNING, message, requeueAfter, state);
  }

  public static StepResult successful(String message) {
    return new StepResult(StepPhase.SUCCESSFUL, message, Duration.ZERO, null);
  }

  public static StepResult failed(String message) {
    return new StepResult(StepPhase.FAILED, message, Duration.ZERO, null);
  }

  public static StepResult error(String message) {
    return new StepResult(StepPhase.ERROR, message, Duration.ZERO, null);
  }

  /** The same result carrying a state (e.g. a successful result that records what it did). */
  public StepResult withState(JsonNode newState) {
    return new StepResult(phase, message, requeueAfter, newState);
  }
}
