package dev.ramp.plugin.sdk.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.plugin.v1.StepPhase;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepPluginGrpc.StepPluginBlockingStub;
import dev.ramp.plugin.v1.StepRequest;
import dev.ramp.plugin.v1.StepResult;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/** The checks of a step plugin: Run, state round trip, Terminate, Abort, bad input. */
final class StepConformance {

  /** The contract's bound on a step's state. */
  static final int MAX_STATE_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Session session;
  private final String config;

  StepConformance(Session session, JsonNode sampleConfig) {
    this.session = session;
    this.config = sampleConfig == null ? "{}" : sampleConfig.toString();
  }

  void run() {
    Answer<StepResult> first = call("Run", "");
    String state = "";
    if (phaseAnswer("step: Run answers a phase", first)) {
      state = first.response().getStateJson();
      checkState("step: Run's state is JSON within 64 KiB", state);
      Answer<StepResult> again = call("Run", state);
      if (again.ok() && again.response().getPhase() == StepPhase.STEP_PHASE_ERROR) {
        session.notVerified(
            "step: state round-trips",
            "a second Run with the returned state answered ERROR ("
                + abbreviate(again.response().getMessage(), 160)
                + "): allowed, but not a working answer");
      } else if (again.ok() && again.response().getPhase() != StepPhase.STEP_PHASE_UNSPECIFIED) {
        session.pass(
            "step: state round-trips",
            "a second Run with the returned state answered " + phase(again.response()));
      } else {
        session.fail(
            "step: state round-trips",
            "a second Run with the state the first returned ("
                + abbreviate(state)
                + ") answered "
                + (again.ok() ? phase(again.response()) : again.describe())
                + "; the plugin must accept its own state back");
      }
    } else {
      session.skip("step: Run's state is JSON within 64 KiB", "Run gave no result");
      session.skip("step: state round-trips", "Run gave no result");
    }
    phaseAnswer("step: Terminate answers", call("Terminate", state));
    phaseAnswer("step: Abort answers", call("Abort", state));
    invalidConfig("step: config that is not an object is INVALID_ARGUMENT", "[1,2]");
    String mistyped = mistyped(config);
    if (mistyped == null) {
      session.recommendationSkipped(
          "step: config of wrong types is INVALID_ARGUMENT",
          "the sample config has no fields to give wrong types; pass a sample config");
    } else {
      invalidConfig("step: config of wrong types is INVALID_ARGUMENT", mistyped);
    }
    oversizedState();
  }

  private Answer<StepResult> call(String operation, String state) {
    return call(operation, config, state);
  }

  private Answer<StepResult> call(String operation, String configJson, String state) {
    StepRequest request =
        StepRequest.newBuilder()
            .setContext(session.context(operation))
            .setRolloutJson(Session.ROLLOUT_JSON)
            .setConfigJson(configJson)
            .setStateJson(state)
            .build();
    StepPluginBlockingStub stub =
        session.withDeadline(StepPluginGrpc.newBlockingStub(session.plugin.channel()));
    return Answer.of(
        () ->
            switch (operation) {
              case "Run" -> stub.run(request);
              case "Terminate" -> stub.terminate(request);
              case "Abort" -> stub.abort(request);
              default -> throw new IllegalArgumentException(operation);
            });
  }

  /** Passes when the call answered OK with a phase; records the check either way. */
  private boolean phaseAnswer(String name, Answer<StepResult> answer) {
    if (!answer.ok()) {
      String hint =
          answer.code() == Status.Code.INVALID_ARGUMENT
              ? "; if the plugin needs config, pass a valid sample config to verify()"
              : "";
      session.fail(name, "answered " + answer.describe() + hint + "; " + session.afterwards());
      return false;
    }
    if (answer.response().getPhase() == StepPhase.STEP_PHASE_UNSPECIFIED) {
      session.fail(
          name,
          "answered phase UNSPECIFIED, which the controller reads as ERROR; set phase to RUNNING,"
              + " SUCCESSFUL, FAILED or ERROR");
      return false;
    }
    if (answer.response().getPhase() == StepPhase.STEP_PHASE_ERROR) {
      // The contract allows ERROR (the controller retries), but it shows nothing works.
      session.notVerified(
          name,
          "answered ERROR ("
              + abbreviate(answer.response().getMessage(), 160)
              + "): allowed, but not a working answer; pass a config with which it can succeed");
      return true;
    }
    session.pass(name, "answered " + phase(answer.response()));
    return true;
  }

  private void checkState(String name, String state) {
    int bytes = state.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_STATE_BYTES) {
      session.fail(name, "state is " + bytes + " bytes; the controller refuses more than 64 KiB");
      return;
    }
    if (state.isEmpty()) {
      session.pass(name, "no state (the step keeps none)");
      return;
    }
    try {
      JSON.readTree(state);
      session.pass(name, bytes + " bytes of JSON");
    } catch (java.io.IOException e) {
      session.fail(name, "state is not JSON (" + abbreviate(state) + "); return JSON text or none");
    }
  }

  private void invalidConfig(String name, String badConfig) {
    Answer<StepResult> answer = call("Run", badConfig, "");
    if (answer.code() == Status.Code.INVALID_ARGUMENT) {
      session.recommend(name, true, "answered " + answer.describe());
    } else {
      // A recommendation: a plugin that takes no config may accept any.
      session.recommend(
          name,
          false,
          "config "
              + abbreviate(badConfig)
              + " answered "
              + (answer.ok() ? "OK with " + phase(answer.response()) : answer.describe())
              + "; a plugin that reads config should refuse a bad one with INVALID_ARGUMENT"
              + " naming the field (one that takes no config may accept any)");
    }
  }

  private void oversizedState() {
    String name = "step: oversized state is refused or handled";
    ObjectNode big = JSON.createObjectNode();
    big.put("ramp-testkit-padding", "x".repeat(MAX_STATE_BYTES + 1024));
    Answer<StepResult> answer = call("Run", big.toString());
    switch (answer.code()) {
      case OK, INVALID_ARGUMENT, FAILED_PRECONDITION, RESOURCE_EXHAUSTED, OUT_OF_RANGE -> {
        if (!session.exitedSoon()) {
          session.pass(
              name, "a " + big.toString().length() + "-byte state answered " + answer.describe());
        } else {
          session.fail(name, "answered, but then " + session.afterwards());
        }
      }
      default ->
          session.fail(
              name,
              "a "
                  + big.toString().length()
                  + "-byte state answered "
                  + answer.describe()
                  + "; refuse it with INVALID_ARGUMENT or FAILED_PRECONDITION; "
                  + session.afterwards());
    }
  }

  /**
   * The sample config with every top-level value replaced by one of another type, chosen so that
   * lenient binders (Jackson coerces numbers to strings) still cannot accept it.
   */
  static String mistyped(String sample) {
    JsonNode node;
    try {
      node = JSON.readTree(sample);
    } catch (java.io.IOException e) {
      return null;
    }
    if (!(node instanceof ObjectNode object) || object.isEmpty()) {
      return null;
    }
    ObjectNode wrong = JSON.createObjectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      if (value.isTextual()) {
        wrong.putObject(field.getKey()).put("ramp-testkit", "an object where a string belongs");
      } else if (value.isNumber()) {
        wrong.put(field.getKey(), "ramp-testkit: not a number");
      } else if (value.isBoolean()) {
        wrong.put(field.getKey(), "ramp-testkit: not a boolean");
      } else if (value.isArray()) {
        wrong.put(field.getKey(), "ramp-testkit: not an array");
      } else if (value.isObject()) {
        wrong.putArray(field.getKey()).add(1).add(2);
      } else {
        wrong.set(field.getKey(), value);
      }
    }
    return wrong.toString();
  }

  private static String phase(StepResult result) {
    return result.getPhase().name().replace("STEP_PHASE_", "");
  }

  private static String abbreviate(String text) {
    return abbreviate(text, 60);
  }

  private static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
