package dev.ramp.tests;

import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import dev.ramp.plugin.v1.CallContext;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step plugin's {@code Run} round trip through the whole host stack (client interface → deadline,
 * circuit breaker, bulkhead → gRPC over a Unix socket → runner → plugin) against a bare gRPC unary
 * call to the same plugin process kind over the same kind of socket, in one run. Prints p50, p99,
 * calls/s and the ratio; asserts nothing.
 *
 * <p>Run: {@code mvn -B -Pbench verify -pl tests -am -Dbench.calls=20000}
 */
class StepCallBenchmark {
  // Each call a new delivery: the host reuses an answer given for the same key and attempt.
  private static final java.util.concurrent.atomic.AtomicInteger ATTEMPTS =
      new java.util.concurrent.atomic.AtomicInteger();

  @TempDir Path cache;

  @Test
  void hostStackAgainstBareGrpc() {
    int calls = Integer.getInteger("bench.calls", 20_000);
    int warmup = Math.max(2_000, calls / 5);
    String config = "{\"message\":\"ok\"}";

    PluginHost host =
        new PluginHost(
            PluginHost.Settings.defaults()
                .withRunnerJar(TestPlugins.runnerJar())
                .withCacheDir(cache),
            new SimpleMeterRegistry());
    try (host;
        PluginProcess bare = new PluginLauncher(line -> {}).launch(TestPlugins.echoSpec("bare"))) {
      host.apply(
          PluginConfigSnapshot.parse(
              Map.of(
                  "stepPlugins",
                  "- {name: ramp-tests/echo, location: '" + TestPlugins.echoJar() + "'}"),
              10));
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> host.stepClient().availability("ramp-tests/echo").isReady());

      // Each call a new delivery, recorded after it as the controller records its answers.
      Supplier<Boolean> viaHost =
          () -> {
            int attempt = ATTEMPTS.incrementAndGet();
            StepCall call =
                new StepCall(
                    new PluginContext(
                        "uid", "ns", "bench", "hash", 0, "sh", "Run", attempt, "key", "x"),
                    Json.parse("{}"),
                    Json.parse(config),
                    Json.parse(""));
            boolean ok =
                host.stepClient().call("ramp-tests/echo", StepOperation.RUN, call).phase()
                    == StepPhase.SUCCESSFUL;
            host.stepClient()
                .recorded(
                    java.util.List.of(
                        new dev.ramp.engine.plugin.CallKey(
                            "ramp-tests/echo", "Run", "key", attempt)));
            return ok;
          };

      StepRequest request =
          StepRequest.newBuilder()
              .setContext(
                  CallContext.newBuilder()
                      .setRolloutUid("uid")
                      .setNamespace("ns")
                      .setRolloutName("bench")
                      .setOperation("Run")
                      .setAttempt(1)
                      .setIdempotencyKey("key"))
              .setRolloutJson("{}")
              .setConfigJson(config)
              .build();
      var stub = StepPluginGrpc.newBlockingStub(bare.channel());
      Supplier<Boolean> viaBareGrpc =
          () ->
              stub.withDeadlineAfter(30, TimeUnit.SECONDS).run(request).getPhase()
                  == dev.ramp.plugin.v1.StepPhase.STEP_PHASE_SUCCESSFUL;

      // Interleaved rounds so that both see the same machine.
      long[] hostNanos = new long[calls];
      long[] bareNanos = new long[calls];
      run(viaHost, warmup, new long[warmup]);
      run(viaBareGrpc, warmup, new long[warmup]);
      int half = calls / 2;
      long hostWall = run(viaHost, half, hostNanos);
      long bareWall = run(viaBareGrpc, half, bareNanos);
      hostWall += runInto(viaHost, half, calls, hostNanos);
      bareWall += runInto(viaBareGrpc, half, calls, bareNanos);

      System.out.printf(
          "%nstep plugin Run round trip, echo JAR plugin under the runner, %d calls each, %d cores%n",
          calls, Runtime.getRuntime().availableProcessors());
      Stats h = Stats.of(hostNanos, hostWall);
      Stats b = Stats.of(bareNanos, bareWall);
      System.out.printf("  %-28s %s%n", "whole host stack", h);
      System.out.printf("  %-28s %s%n", "bare gRPC unary", b);
      System.out.printf("  ratio host/bare: p50 %.2fx  p99 %.2fx%n", h.p50 / b.p50, h.p99 / b.p99);
    }
  }

  private static long run(Supplier<Boolean> call, int n, long[] into) {
    return runInto(call, 0, n, into);
  }

  private static long runInto(Supplier<Boolean> call, int from, int to, long[] into) {
    long start = System.nanoTime();
    for (int i = from; i < to; i++) {
      long t = System.nanoTime();
      if (!call.get()) {
        throw new IllegalStateException("a call did not answer SUCCESSFUL");
      }
      into[i] = System.nanoTime() - t;
    }
    return System.nanoTime() - start;
  }

  private record Stats(double p50, double p99, double perSecond) {
    static Stats of(long[] nanos, long wallNanos) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      return new Stats(
          sorted[sorted.length / 2] / 1e6,
          sorted[(int) (sorted.length * 0.99)] / 1e6,
          sorted.length / (wallNanos / 1e9));
    }

    @Override
    public String toString() {
      return String.format("p50 %.3f ms  p99 %.3f ms  %,.0f calls/s", p50, p99, perSecond);
    }
  }
}
