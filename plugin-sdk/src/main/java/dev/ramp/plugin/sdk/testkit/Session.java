package dev.ramp.plugin.sdk.testkit;

import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import dev.ramp.plugin.sdk.testkit.ConformanceReport.Check;
import dev.ramp.plugin.sdk.testkit.ConformanceReport.Outcome;
import dev.ramp.plugin.v1.CallContext;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the checks of one {@link PluginTestKit#verify} run share: the plugin and the report. */
final class Session {

  /**
   * The Rollout sent with every call: small, but shaped like the controller's. Its canary strategy
   * names the Services a traffic router routes between and the managed routes the router checks
   * use, so that a router can act on them rather than refuse the request.
   */
  static final String ROLLOUT_JSON =
      "{\"apiVersion\":\"ramp.dev/v1alpha1\",\"kind\":\"Rollout\","
          + "\"metadata\":{\"name\":\"ramp-testkit\",\"namespace\":\"default\","
          + "\"uid\":\"00000000-0000-4000-8000-000000000001\",\"generation\":1},"
          + "\"spec\":{\"replicas\":1,\"strategy\":{\"canary\":{"
          + "\"canaryService\":\"ramp-testkit-canary\",\"stableService\":\"ramp-testkit-stable\","
          + "\"trafficRouting\":{\"managedRoutes\":[{\"name\":\"ramp-testkit-header\"},"
          + "{\"name\":\"ramp-testkit-mirror\"}]}}}},\"status\":{}}";

  private static final Duration EXIT_SETTLE = Duration.ofMillis(500);

  final PluginProcess plugin;
  final String configuredName;
  final Duration deadline;
  private final List<Check> checks;
  private int calls;

  Session(PluginProcess plugin, String configuredName, Duration deadline, List<Check> checks) {
    this.plugin = plugin;
    this.configuredName = configuredName;
    this.deadline = deadline;
    this.checks = checks;
  }

  <S extends AbstractStub<S>> S withDeadline(S stub) {
    return stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The call context the controller would send, with a fresh idempotency key per call. */
  CallContext context(String operation) {
    calls++;
    return CallContext.newBuilder()
        .setRolloutUid("00000000-0000-4000-8000-000000000001")
        .setNamespace("default")
        .setRolloutName("ramp-testkit")
        .setPodTemplateHash("6f9c7d5b8")
        .setStepIndex(0)
        .setStepHash("7c4d9e1a")
        .setOperation(operation)
        .setAttempt(1)
        .setIdempotencyKey("ramp-testkit-" + operation + "-" + calls)
        .setPluginName(configuredName)
        .build();
  }

  boolean healthy() {
    return healthStatus().equals("SERVING");
  }

  /** SERVING, another serving status, or the status code the check failed with. */
  String healthStatus() {
    Answer<ServingStatus> answer =
        Answer.of(
            () ->
                withDeadline(HealthGrpc.newBlockingStub(plugin.channel()))
                    .check(
                        HealthCheckRequest.newBuilder()
                            .setService(PluginLauncher.HEALTH_SERVICE)
                            .build())
                    .getStatus());
    return answer.ok() ? answer.response().name() : answer.describe();
  }

  /**
   * Whether an RPC got a real answer from the plugin rather than a transport failure. Any status
   * the contract names is an answer; UNAVAILABLE is one only while the plugin is still alive and
   * healthy (a plugin reports its backend down with it).
   */
  void answered(String name, Answer<?> answer) {
    if (answer.ok()) {
      pass(name, "answered OK");
      return;
    }
    Status.Code code = answer.code();
    switch (code) {
      case DEADLINE_EXCEEDED -> fail(name, "no answer within " + seconds() + "; " + afterwards());
      case UNAVAILABLE -> {
        if (!exitedSoon() && healthy()) {
          pass(name, "answered " + answer.describe() + " (a backend the plugin needs is down?)");
        } else {
          fail(name, "transport failure " + answer.describe() + "; " + afterwards());
        }
      }
      case UNKNOWN, INTERNAL, CANCELLED ->
          fail(
              name,
              "answered "
                  + answer.describe()
                  + ": an unexpected error in the plugin; answer with the contract's status codes"
                  + " (INVALID_ARGUMENT, FAILED_PRECONDITION, UNAVAILABLE, UNIMPLEMENTED)");
      default -> pass(name, "answered " + answer.describe());
    }
  }

  /** What became of the plugin after a call went wrong. */
  String afterwards() {
    if (exitedSoon()) {
      return "the plugin process exited with code " + plugin.onExit().join();
    }
    return "the plugin is still running, health " + healthStatus();
  }

  /**
   * Whether the plugin has exited, allowing a moment for an exit that is under way: a crash fails
   * the call (its socket closes) just before the process is reaped.
   */
  boolean exitedSoon() {
    try {
      plugin.onExit().get(EXIT_SETTLE.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !plugin.isAlive();
    }
  }

  String seconds() {
    return deadline.toMillis() % 1000 == 0
        ? deadline.toSeconds() + " s"
        : deadline.toMillis() + " ms";
  }

  void pass(String name, String message) {
    checks.add(new Check(name, Outcome.PASSED, message));
  }

  void fail(String name, String message) {
    checks.add(new Check(name, Outcome.FAILED, message));
  }

  /** A recommendation: its failure does not fail the report. */
  void recommend(String name, boolean met, String message) {
    checks.add(new Check(name, met ? Outcome.PASSED : Outcome.FAILED, message, false));
  }

  void recommendationSkipped(String name, String message) {
    checks.add(new Check(name, Outcome.SKIPPED, message, false));
  }

  void notVerified(String name, String message) {
    checks.add(new Check(name, Outcome.NOT_VERIFIED, message));
  }

  void skip(String name, String message) {
    checks.add(new Check(name, Outcome.SKIPPED, message));
  }
}
