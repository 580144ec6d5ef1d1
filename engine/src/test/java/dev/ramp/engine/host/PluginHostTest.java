package dev.ramp.engine.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.host.config.PluginLimits;
import dev.ramp.engine.plugin.PluginAvailability.State;
import dev.ramp.engine.plugin.PluginCallException;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.MetricCall;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.RouterCall;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import dev.ramp.plugin.api.StepResult;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.v1.MeasurementPhase;
import dev.ramp.plugin.v1.MetricProviderPluginGrpc;
import dev.ramp.plugin.v1.MetricRequest;
import dev.ramp.plugin.v1.RouterResponse;
import dev.ramp.plugin.v1.SetWeightRequest;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PluginHostTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final FakePlugins plugins = new FakePlugins();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<Server> servers = new ArrayList<>();
  private final PluginHost host =
      new PluginHost(
          plugins, plugins, scheduler, scheduler, PluginHost.Settings.defaults(), registry);

  @AfterEach
  void tearDown() throws InterruptedException {
    servers.forEach(Server::shutdownNow);
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  private void serve(String name, BindableService service) throws Exception {
    servers.add(
        InProcessServerBuilder.forName(name).addService(service).executor(pool).build().start());
  }

  /** A step plugin whose every call answers with {@code behaviour}. */
  private static StepPluginGrpc.StepPluginImplBase step(
      Function<StepRequest, dev.ramp.plugin.v1.StepResult> behaviour) {
    return new StepPluginGrpc.StepPluginImplBase() {
      @Override
      public void run(StepRequest request, StreamObserver<dev.ramp.plugin.v1.StepResult> out) {
        try {
          out.onNext(behaviour.apply(request));
          out.onCompleted();
        } catch (io.grpc.StatusRuntimeException e) {
          out.onError(e);
        }
      }
    };
  }

  private static dev.ramp.plugin.v1.StepResult successful(String message) {
    return dev.ramp.plugin.v1.StepResult.newBuilder()
        .setPhase(dev.ramp.plugin.v1.StepPhase.STEP_PHASE_SUCCESSFUL)
        .setMessage(message)
        .build();
  }

  static PluginEntry entry(PluginKind kind, String name, PluginLimits limits) {
    return new PluginEntry(
        kind,
        name,
        Path.of("/bin/" + name.replace('/', '-')).toUri(),
        null,
        List.of(),
        null,
        false,
        limits,
        List.of(),
        false);
  }

  static PluginEntry entry(String name) {
    return entry(PluginKind.STEP, name, PluginLimits.defaults());
  }

  private static PluginConfigSnapshot snapshot(PluginEntry... entries) {
    return new PluginConfigSnapshot(List.of(entries), List.of());
  }

  private static StepCall stepCall(String config) {
    return new StepCall(
        new PluginContext("uid-1", "shop", "cart", "abc123", 2, "h1", "Run", 1, "key-1", "x"),
        JsonNodeFactory.instance.objectNode().put("kind", "Rollout"),
        Json.parse(config),
        null);
  }

  private StepResult run(String plugin) {
    return host.stepClient().call(plugin, StepOperation.RUN, stepCall("{}"));
  }

  @Test
  void startsConfiguredPluginsAndCallsThem() throws Exception {
    List<StepRequest> seen = new ArrayList<>();
    serve(
        "acme/a",
        step(
            r -> {
              seen.add(r);
              return dev.ramp.plugin.v1.StepResult.newBuilder()
                  .setPhase(dev.ramp.plugin.v1.StepPhase.STEP_PHASE_RUNNING)
                  .setMessage("waiting")
                  .setRequeueAfter(com.google.protobuf.Duration.newBuilder().setSeconds(7))
                  .setStateJson("{\"job\":42}")
                  .build();
            }));
    host.apply(snapshot(entry("acme/a")));
    assertThat(host.stepClient().availability("acme/a").state()).isEqualTo(State.STARTING);
    scheduler.runDue();

    assertThat(host.stepClient().availability("acme/a").isReady()).isTrue();
    StepResult result =
        host.stepClient().call("acme/a", StepOperation.RUN, stepCall("{\"url\":\"u\"}"));

    assertThat(result.phase()).isEqualTo(StepPhase.RUNNING);
    assertThat(result.message()).isEqualTo("waiting");
    assertThat(result.requeueAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(result.state().get("job").asInt()).isEqualTo(42);
    StepRequest request = seen.get(0);
    assertThat(request.getContext().getPluginName()).isEqualTo("acme/a");
    assertThat(request.getContext().getOperation()).isEqualTo("Run");
    assertThat(request.getContext().getIdempotencyKey()).isEqualTo("key-1");
    assertThat(request.getContext().getStepIndex()).isEqualTo(2);
    assertThat(request.getConfigJson()).isEqualTo("{\"url\":\"u\"}");
    assertThat(request.getRolloutJson()).contains("Rollout");
    assertThat(request.getStateJson()).isEmpty();
  }

  @Test
  void unknownDisabledAndRefusedPluginsAnswerErrorWithTheReason() {
    host.apply(
        new PluginConfigSnapshot(
            List.of(entry("acme/off").withDisabled(true)),
            List.of(
                new PluginConfigSnapshot.Refused(
                    PluginKind.STEP, "acme/bad", "location 'x' must be absolute"))));
    scheduler.runDue();

    assertThat(host.stepClient().availability("acme/off").state()).isEqualTo(State.DISABLED);
    assertThat(host.stepClient().availability("acme/bad").state()).isEqualTo(State.REFUSED);
    assertThat(host.stepClient().availability("acme/none").state()).isEqualTo(State.UNKNOWN);
    assertThat(host.trafficRouterClient().availability("acme/off").state())
        .isEqualTo(State.UNKNOWN);

    StepResult off = run("acme/off");
    assertThat(off.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(off.message()).contains("step plugin acme/off is disabled");
    assertThat(run("acme/bad").message()).contains("refused", "must be absolute");
    assertThat(run("acme/none").message())
        .isEqualTo("no step plugin acme/none is configured in ramp-config");
    assertThat(plugins.started).isEmpty();
  }

  @Test
  void resultsOutsideTheContractBecomeErrors() throws Exception {
    serve("acme/nophase", step(r -> dev.ramp.plugin.v1.StepResult.newBuilder().build()));
    serve(
        "acme/big",
        step(
            r ->
                dev.ramp.plugin.v1.StepResult.newBuilder()
                    .setPhase(dev.ramp.plugin.v1.StepPhase.STEP_PHASE_SUCCESSFUL)
                    .setStateJson("\"" + "x".repeat(70_000) + "\"")
                    .build()));
    serve(
        "acme/strict",
        step(
            r -> {
              throw Status.INVALID_ARGUMENT.withDescription("url is required").asRuntimeException();
            }));
    host.apply(snapshot(entry("acme/nophase"), entry("acme/big"), entry("acme/strict")));
    scheduler.runDue();

    assertThat(run("acme/nophase").message())
        .isEqualTo("plugin returned no phase (step plugin acme/nophase, Run)");
    StepResult big = run("acme/big");
    assertThat(big.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(big.message()).contains("state of 70002 bytes, above the limit of 65536");
    assertThat(big.state().isMissingNode()).isTrue();
    StepResult strict = run("acme/strict");
    assertThat(strict.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(strict.message())
        .isEqualTo(
            "invalid config: url is required (step plugin acme/strict, Run, INVALID_ARGUMENT)");
    // Terminate is not served by the fake: UNIMPLEMENTED, still only an ERROR.
    StepResult terminate =
        host.stepClient().call("acme/strict", StepOperation.TERMINATE, stepCall("{}"));
    assertThat(terminate.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(terminate.message()).contains("does not implement Terminate", "UNIMPLEMENTED");
  }

  @Test
  void aFullBulkheadRejectsAtOnceAndOtherPluginsGoOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    serve(
        "acme/slow",
        step(
            r -> {
              entered.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return successful("slow done");
            }));
    serve("acme/fast", step(r -> successful("fast")));
    host.apply(
        snapshot(
            entry(
                PluginKind.STEP,
                "acme/slow",
                new PluginLimits(Duration.ofSeconds(30), 1, Duration.ofSeconds(20))),
            entry("acme/fast")));
    scheduler.runDue();

    CompletableFuture<StepResult> inFlight = CompletableFuture.supplyAsync(() -> run("acme/slow"));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    StepResult rejected = run("acme/slow");
    assertThat(rejected.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(rejected.message()).isEqualTo("step plugin acme/slow is busy (1 calls in flight)");
    assertThat(run("acme/fast").message()).isEqualTo("fast");
    assertThat(inFlight).isNotDone();

    release.countDown();
    assertThat(inFlight.get(10, TimeUnit.SECONDS).message()).isEqualTo("slow done");
  }

  @Test
  void aCallPastItsDeadlineIsAnErrorNamingTheDeadline() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    serve(
        "acme/hung",
        step(
            r -> {
              try {
                never.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return successful("late");
            }));
    host.apply(
        snapshot(
            entry(
                PluginKind.STEP,
                "acme/hung",
                new PluginLimits(Duration.ofMillis(200), 4, Duration.ofSeconds(20)))));
    scheduler.runDue();

    StepResult result = run("acme/hung");

    assertThat(result.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(result.message())
        .isEqualTo(
            "no answer within the call deadline of 200ms (step plugin acme/hung, Run,"
                + " DEADLINE_EXCEEDED)");
    never.countDown();
  }

  @Test
  void transportFailuresOpenTheCircuitUntilAHealthCheckPasses() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    serve(
        "acme/flaky",
        step(
            r -> {
              calls.incrementAndGet();
              throw Status.UNAVAILABLE.withDescription("jenkins down").asRuntimeException();
            }));
    host.apply(snapshot(entry("acme/flaky")));
    scheduler.runDue();

    for (int i = 0; i < 5; i++) {
      assertThat(run("acme/flaky").message())
          .isEqualTo("unavailable: jenkins down (step plugin acme/flaky, Run, UNAVAILABLE)");
    }
    assertThat(run("acme/flaky").message())
        .startsWith("circuit open for step plugin acme/flaky after repeated transport failures");
    // Step calls are not retried by the host, and an open circuit reaches no plugin.
    assertThat(calls).hasValue(5);

    scheduler.advance(Duration.ofSeconds(5));
    assertThat(run("acme/flaky").message()).contains("jenkins down");
    assertThat(calls).hasValue(6);
  }

  @Test
  void invalidConfigNeverOpensTheCircuit() throws Exception {
    serve(
        "acme/strict",
        step(
            r -> {
              throw Status.INVALID_ARGUMENT.withDescription("bad").asRuntimeException();
            }));
    host.apply(snapshot(entry("acme/strict")));
    scheduler.runDue();
    for (int i = 0; i < 20; i++) {
      assertThat(run("acme/strict").message()).startsWith("invalid config: bad");
    }
  }

  @Test
  void routerCallsAreRetriedOnceOnUnavailable() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    serve(
        "acme/mesh",
        new TrafficRouterPluginGrpc.TrafficRouterPluginImplBase() {
          @Override
          public void init(
              dev.ramp.plugin.v1.InitRequest request,
              StreamObserver<dev.ramp.plugin.v1.InitResponse> out) {
            out.onNext(dev.ramp.plugin.v1.InitResponse.getDefaultInstance());
            out.onCompleted();
          }

          @Override
          public void setWeight(SetWeightRequest request, StreamObserver<RouterResponse> out) {
            if (calls.incrementAndGet() % 2 == 1) {
              out.onError(Status.UNAVAILABLE.withDescription("blip").asRuntimeException());
              return;
            }
            out.onNext(
                RouterResponse.newBuilder()
                    .setMessage("weight " + request.getDesiredWeight())
                    .build());
            out.onCompleted();
          }
        });
    host.apply(snapshot(entry(PluginKind.TRAFFIC_ROUTER, "acme/mesh", PluginLimits.defaults())));
    scheduler.runDue();
    RouterCall call = new RouterCall(PluginContext.none("acme/mesh", "SetWeight"), null, null);

    assertThat(host.trafficRouterClient().setWeight("acme/mesh", call, DesiredWeight.percent(20)))
        .isEqualTo("weight 20");
    assertThat(calls).hasValue(2);
    try {
      host.trafficRouterClient().verifyWeight("acme/mesh", call, DesiredWeight.percent(20));
      org.assertj.core.api.Assertions.fail("expected UNIMPLEMENTED");
    } catch (PluginCallException e) {
      assertThat(e.reason()).isEqualTo(PluginCallException.Reason.UNIMPLEMENTED);
      assertThat(e.statusCode()).isEqualTo("UNIMPLEMENTED");
    }
  }

  @Test
  void aMeasurementIsAnsweredOncePerCallKeyAndCarriesWhatItMeasures() throws Exception {
    List<MetricRequest> seen = new ArrayList<>();
    serve(
        "acme/judge",
        new MetricProviderPluginGrpc.MetricProviderPluginImplBase() {
          @Override
          public void run(
              MetricRequest request, StreamObserver<dev.ramp.plugin.v1.Measurement> out) {
            seen.add(request);
            out.onNext(
                dev.ramp.plugin.v1.Measurement.newBuilder()
                    .setPhase(MeasurementPhase.MEASUREMENT_PHASE_SUCCESSFUL)
                    .setValue(String.valueOf(seen.size()))
                    .build());
            out.onCompleted();
          }
        });
    host.apply(snapshot(entry(PluginKind.METRIC_PROVIDER, "acme/judge", PluginLimits.defaults())));
    scheduler.runDue();
    PluginContext context =
        new PluginContext(
            "uid-1",
            "shop",
            "cart",
            "abc123",
            -1,
            "",
            "Run",
            1,
            "measure-1",
            "acme/judge",
            new PluginContext.Analysis("cart-7c9-2", "run-uid", "error-rate", 3));
    MetricCall call = new MetricCall(context, null, null, Json.parse("{}"));

    assertThat(host.metricProviderClient().run("acme/judge", call).value()).isEqualTo("1");
    // A reconcile that runs again before its status write landed: the same answer, no call.
    assertThat(host.metricProviderClient().run("acme/judge", call).value()).isEqualTo("1");
    assertThat(seen).hasSize(1);
    var sent = seen.get(0).getContext();
    assertThat(sent.getAnalysisRunName()).isEqualTo("cart-7c9-2");
    assertThat(sent.getAnalysisRunUid()).isEqualTo("run-uid");
    assertThat(sent.getMetricName()).isEqualTo("error-rate");
    assertThat(sent.getMeasurementIndex()).isEqualTo(3);
    assertThat(sent.getIdempotencyKey()).isEqualTo("measure-1");

    host.metricProviderClient()
        .recorded(List.of(new dev.ramp.engine.plugin.CallKey("acme/judge", "Run", "measure-1", 1)));
    assertThat(host.metricProviderClient().run("acme/judge", call).value()).isEqualTo("2");
  }

  @Test
  void metricMeasurementsMapAndFailuresAreErrorMeasurements() throws Exception {
    serve(
        "acme/prom",
        new MetricProviderPluginGrpc.MetricProviderPluginImplBase() {
          @Override
          public void init(
              dev.ramp.plugin.v1.InitRequest request,
              StreamObserver<dev.ramp.plugin.v1.InitResponse> out) {
            out.onNext(dev.ramp.plugin.v1.InitResponse.getDefaultInstance());
            out.onCompleted();
          }

          @Override
          public void run(
              MetricRequest request, StreamObserver<dev.ramp.plugin.v1.Measurement> out) {
            if (request.getConfigJson().contains("broken")) {
              out.onError(Status.INTERNAL.withDescription("nil pointer").asRuntimeException());
              return;
            }
            out.onNext(
                dev.ramp.plugin.v1.Measurement.newBuilder()
                    .setPhase(MeasurementPhase.MEASUREMENT_PHASE_SUCCESSFUL)
                    .setValue("0.99")
                    .putMetadata("query", "up")
                    .setStartedAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(100))
                    .build());
            out.onCompleted();
          }
        });
    host.apply(snapshot(entry(PluginKind.METRIC_PROVIDER, "acme/prom", PluginLimits.defaults())));
    scheduler.runDue();

    Measurement ok =
        host.metricProviderClient()
            .run(
                "acme/prom",
                new MetricCall(
                    PluginContext.none("acme/prom", "Run"), null, null, Json.parse("{}")));
    assertThat(ok.phase()).isEqualTo(Measurement.Phase.SUCCESSFUL);
    assertThat(ok.value()).isEqualTo("0.99");
    assertThat(ok.metadata()).containsEntry("query", "up");
    assertThat(ok.startedAt()).isEqualTo(java.time.Instant.ofEpochSecond(100));
    assertThat(ok.resumeAt()).isNull();

    Measurement broken =
        host.metricProviderClient()
            .run(
                "acme/prom",
                new MetricCall(
                    PluginContext.none("acme/prom", "Run"),
                    null,
                    null,
                    Json.parse("{\"q\":\"broken\"}")));
    assertThat(broken.phase()).isEqualTo(Measurement.Phase.ERROR);
    assertThat(broken.message())
        .isEqualTo("plugin error: nil pointer (metric-provider plugin acme/prom, Run, INTERNAL)");
  }

  @Test
  void aChangedEntryStartsItsNewProcessBeforeTheOldOneStopsAndCallsInFlightFinish()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    serve(
        "acme/a",
        step(
            r -> {
              if (r.getConfigJson().contains("block")) {
                entered.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return successful("ok");
            }));
    host.apply(snapshot(entry("acme/a")));
    scheduler.runDue();
    FakePlugins.FakeProcess old = plugins.last();
    CompletableFuture<StepResult> inFlight =
        CompletableFuture.supplyAsync(
            () -> host.stepClient().call("acme/a", StepOperation.RUN, stepCall("{\"block\":1}")));
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    PluginEntry changed =
        new PluginEntry(
            PluginKind.STEP,
            "acme/a",
            Path.of("/bin/acme-a").toUri(),
            null,
            List.of("--v2"),
            null,
            false,
            PluginLimits.defaults(),
            List.of(),
            false);
    host.apply(snapshot(changed));
    // The new process is not up yet: the old one still serves.
    assertThat(host.stepClient().availability("acme/a").isReady()).isTrue();
    assertThat(run("acme/a").message()).isEqualTo("ok");
    assertThat(plugins.started).hasSize(1);

    scheduler.runDue();
    assertThat(plugins.started).hasSize(2);
    assertThat(plugins.last().entry.args()).containsExactly("--v2");
    scheduler.runDue();
    assertThat(old.closed).as("closed while a call is in flight").isFalse();

    release.countDown();
    assertThat(inFlight.get(10, TimeUnit.SECONDS).message()).isEqualTo("ok");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              scheduler.runDue();
              return old.closed;
            });
    assertThat(plugins.last().closed).isFalse();
    assertThat(run("acme/a").message()).isEqualTo("ok");
  }

  @Test
  void disablingRemovingAndReEnablingTakeEffectOnApply() throws Exception {
    serve("acme/a", step(r -> successful("ok")));
    host.apply(snapshot(entry("acme/a")));
    scheduler.runDue();
    FakePlugins.FakeProcess first = plugins.last();

    host.apply(snapshot(entry("acme/a").withDisabled(true)));
    scheduler.runDue();
    assertThat(host.stepClient().availability("acme/a").state()).isEqualTo(State.DISABLED);
    assertThat(first.closed).isTrue();

    host.apply(snapshot(entry("acme/a")));
    scheduler.runDue();
    assertThat(run("acme/a").message()).isEqualTo("ok");
    FakePlugins.FakeProcess second = plugins.last();
    assertThat(second).isNotSameAs(first);

    host.apply(PluginConfigSnapshot.empty());
    scheduler.runDue();
    assertThat(host.stepClient().availability("acme/a").state()).isEqualTo(State.UNKNOWN);
    assertThat(second.closed).isTrue();
    assertThat(registry.scrape()).doesNotContain("ramp_plugin_state{plugin=\"acme/a\"");
  }

  @Test
  void aKeyWhoseYamlBreaksKeepsItsPluginsRunning() throws Exception {
    host.apply(
        PluginConfigSnapshot.parse(
            Map.of(
                "stepPlugins", "- {name: acme/a, location: /bin/a}",
                "metricProviderPlugins", "- {name: acme/m, location: /bin/m}"),
            10));
    scheduler.runDue();

    host.apply(
        PluginConfigSnapshot.parse(
            Map.of(
                "stepPlugins", "- {name: acme/a, location: [unclosed",
                "metricProviderPlugins", ""),
            10));
    scheduler.runDue();

    assertThat(host.stepClient().availability("acme/a").isReady()).isTrue();
    assertThat(host.availability(PluginKind.STEP, "stepPlugins").reason())
        .startsWith("stepPlugins is not valid YAML");
    assertThat(host.metricProviderClient().availability("acme/m").state()).isEqualTo(State.UNKNOWN);
    assertThat(plugins.startedOf("acme/a"))
        .hasSize(1)
        .allSatisfy(p -> assertThat(p.closed).isFalse());
  }

  @Test
  void anUnchangedSnapshotRestartsNothing() throws Exception {
    host.apply(snapshot(entry("acme/a")));
    scheduler.runDue();
    host.apply(snapshot(entry("acme/a")));
    scheduler.runDue();
    assertThat(plugins.started).hasSize(1);
  }

  @Test
  void closeStopsEveryPlugin() {
    host.apply(snapshot(entry("acme/a"), entry("acme/b")));
    scheduler.runDue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(host::close);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              scheduler.runDue();
              return closing.isDone();
            });
    assertThat(plugins.started).allSatisfy(p -> assertThat(p.closed).isTrue());
    host.apply(snapshot(entry("acme/c")));
    assertThat(plugins.started).hasSize(2);
  }

  @Test
  void metricsAreScrapedInPrometheusFormat() throws Exception {
    serve("acme/a", step(r -> successful("ok")));
    host.apply(snapshot(entry("acme/a")));
    scheduler.runDue();
    run("acme/a");
    run("acme/missing");
    plugins.last().crash(1, scheduler);
    scheduler.advance(Duration.ofSeconds(1));

    String text = registry.scrape();

    assertThat(text)
        .contains("ramp_plugin_calls_total{method=\"Run\",outcome=\"ok\",plugin=\"acme/a\"} 1.0")
        .contains(
            "ramp_plugin_calls_total{method=\"Run\",outcome=\"not_ready\",plugin=\"acme/missing\"}")
        .contains("ramp_plugin_call_seconds_count{method=\"Run\",plugin=\"acme/a\"} 1")
        .contains("ramp_plugin_restarts_total{plugin=\"acme/a\"} 1.0")
        .contains("ramp_plugin_state{plugin=\"acme/a\",state=\"ready\"} 1.0")
        .contains("ramp_plugin_state{plugin=\"acme/a\",state=\"backing_off\"} 0.0");
  }
}
