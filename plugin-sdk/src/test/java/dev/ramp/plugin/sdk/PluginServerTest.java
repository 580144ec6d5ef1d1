package dev.ramp.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import dev.ramp.plugin.api.BackendUnavailableException;
import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.MetricCall;
import dev.ramp.plugin.api.MetricProviderPlugin;
import dev.ramp.plugin.api.RouterCall;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.api.StepResult;
import dev.ramp.plugin.api.TrafficRouterPlugin;
import dev.ramp.plugin.api.TrafficRouting;
import dev.ramp.plugin.v1.CallContext;
import dev.ramp.plugin.v1.GarbageCollectRequest;
import dev.ramp.plugin.v1.GetInfoRequest;
import dev.ramp.plugin.v1.HeaderMatch;
import dev.ramp.plugin.v1.InfoGrpc;
import dev.ramp.plugin.v1.InitRequest;
import dev.ramp.plugin.v1.MeasurementPhase;
import dev.ramp.plugin.v1.MeasurementRequest;
import dev.ramp.plugin.v1.MetadataRequest;
import dev.ramp.plugin.v1.MetricProviderPluginGrpc;
import dev.ramp.plugin.v1.MetricRequest;
import dev.ramp.plugin.v1.PluginInfo;
import dev.ramp.plugin.v1.PluginKind;
import dev.ramp.plugin.v1.RouteMatch;
import dev.ramp.plugin.v1.RouterRequest;
import dev.ramp.plugin.v1.SetHeaderRouteRequest;
import dev.ramp.plugin.v1.SetMirrorRouteRequest;
import dev.ramp.plugin.v1.SetWeightRequest;
import dev.ramp.plugin.v1.StepPhase;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import dev.ramp.plugin.v1.StringMatch;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc;
import dev.ramp.plugin.v1.UpdateHashRequest;
import dev.ramp.plugin.v1.VerifyWeightRequest;
import dev.ramp.plugin.v1.WeightDestination;
import dev.ramp.plugin.v1.WeightVerification;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The adapters on gRPC's in-process transport: every RPC of the three kinds, Info, Health. */
class PluginServerTest {

  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Server server : servers) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private ManagedChannel serve(Object... plugins) throws Exception {
    PluginServer.Builder builder = PluginServer.builder("acme/test", "1.2.3");
    for (Object plugin : plugins) {
      builder.plugin(plugin);
    }
    PluginServer pluginServer = builder.build();
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder serverBuilder = InProcessServerBuilder.forName(name).directExecutor();
    pluginServer.services().forEach(serverBuilder::addService);
    servers.add(serverBuilder.build().start());
    pluginServer.markServing();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    return channel;
  }

  private static final CallContext CONTEXT =
      CallContext.newBuilder()
          .setRolloutUid("uid-1")
          .setNamespace("shop")
          .setRolloutName("checkout")
          .setPodTemplateHash("abc123")
          .setStepIndex(2)
          .setStepHash("steps-9")
          .setOperation("Run")
          .setAttempt(3)
          .setIdempotencyKey("uid-1/abc123/2/Run")
          .setPluginName("acme/test")
          .build();

  private static StepRequest step(String config, String state) {
    return StepRequest.newBuilder()
        .setContext(CONTEXT)
        .setRolloutJson("{\"metadata\":{\"name\":\"checkout\"}}")
        .setConfigJson(config)
        .setStateJson(state)
        .build();
  }

  private static StatusRuntimeException failure(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  /** A step plugin whose run is given by a function; terminate and abort echo the call. */
  private static StepPlugin step(Function<StepCall, StepResult> run) {
    return new StepPlugin() {
      @Override
      public StepResult run(StepCall call) {
        return run.apply(call);
      }

      @Override
      public StepResult abort(StepCall call) {
        return StepResult.successful("undid " + call.state().path("job").asText());
      }
    };
  }

  @Nested
  class Step {

    @Test
    void runSeesTheContextConfigAndStateAndReturnsPhaseRequeueAndState() throws Exception {
      List<StepCall> calls = new ArrayList<>();
      var stub =
          StepPluginGrpc.newBlockingStub(
              serve(
                  step(
                      call -> {
                        calls.add(call);
                        ObjectNode state = Json.MAPPER.createObjectNode();
                        state.put("polls", call.state().path("polls").asInt() + 1);
                        return StepResult.running("polling", Duration.ofMillis(1500), state);
                      })));

      dev.ramp.plugin.v1.StepResult result =
          stub.run(step("{\"url\":\"http://x\"}", "{\"polls\":4}"));

      assertThat(result.getPhase()).isEqualTo(StepPhase.STEP_PHASE_RUNNING);
      assertThat(result.getMessage()).isEqualTo("polling");
      assertThat(result.getRequeueAfter().getSeconds()).isEqualTo(1);
      assertThat(result.getRequeueAfter().getNanos()).isEqualTo(500_000_000);
      assertThat(result.getStateJson()).isEqualTo("{\"polls\":5}");
      StepCall call = calls.get(0);
      assertThat(call.context().rolloutUid()).isEqualTo("uid-1");
      assertThat(call.context().namespace()).isEqualTo("shop");
      assertThat(call.context().rolloutName()).isEqualTo("checkout");
      assertThat(call.context().podTemplateHash()).isEqualTo("abc123");
      assertThat(call.context().stepIndex()).isEqualTo(2);
      assertThat(call.context().stepHash()).isEqualTo("steps-9");
      assertThat(call.context().operation()).isEqualTo("Run");
      assertThat(call.context().attempt()).isEqualTo(3);
      assertThat(call.context().idempotencyKey()).isEqualTo("uid-1/abc123/2/Run");
      assertThat(call.context().pluginName()).isEqualTo("acme/test");
      assertThat(call.rollout().path("metadata").path("name").asText()).isEqualTo("checkout");
      assertThat(call.config().path("url").asText()).isEqualTo("http://x");
      assertThat(call.firstCall()).isFalse();
    }

    @Test
    void theFirstCallHasNoStateAnEmptyConfigObjectAndZeroValuesComeBackEmpty() throws Exception {
      List<StepCall> calls = new ArrayList<>();
      var stub =
          StepPluginGrpc.newBlockingStub(
              serve(
                  step(
                      call -> {
                        calls.add(call);
                        return StepResult.successful(null);
                      })));

      dev.ramp.plugin.v1.StepResult result = stub.run(step("", ""));

      assertThat(calls.get(0).firstCall()).isTrue();
      assertThat(calls.get(0).config().isObject()).isTrue();
      assertThat(calls.get(0).config().size()).isZero();
      assertThat(result.getPhase()).isEqualTo(StepPhase.STEP_PHASE_SUCCESSFUL);
      assertThat(result.getMessage()).isEmpty();
      assertThat(result.getStateJson()).isEmpty();
      assertThat(result.getRequeueAfter().getSeconds()).isZero();
      assertThat(result.getRequeueAfter().getNanos()).isZero();
    }

    @Test
    void everyJavaPhaseHasItsProtoPhase() throws Exception {
      for (dev.ramp.plugin.api.StepPhase phase : dev.ramp.plugin.api.StepPhase.values()) {
        var stub =
            StepPluginGrpc.newBlockingStub(
                serve(step(call -> new StepResult(phase, "p", Duration.ZERO, null))));

        assertThat(stub.run(step("{}", "")).getPhase().name())
            .isEqualTo("STEP_PHASE_" + phase.name());
      }
    }

    @Test
    void terminateAndAbortReachTheirMethodsWithTheState() throws Exception {
      var stub = StepPluginGrpc.newBlockingStub(serve(step(call -> StepResult.successful("ran"))));

      assertThat(stub.terminate(step("{}", "{\"job\":\"j-7\"}")).getMessage())
          .isEqualTo("nothing to terminate");
      dev.ramp.plugin.v1.StepResult aborted = stub.abort(step("{}", "{\"job\":\"j-7\"}"));
      assertThat(aborted.getPhase()).isEqualTo(StepPhase.STEP_PHASE_SUCCESSFUL);
      assertThat(aborted.getMessage()).isEqualTo("undid j-7");
    }

    @Test
    void exceptionsBecomeStatusCodesWithText() throws Exception {
      var stub =
          StepPluginGrpc.newBlockingStub(
              serve(
                  step(
                      call -> {
                        switch (call.config().path("fail").asText()) {
                          case "config" -> throw new InvalidConfigException("url", "is empty");
                          case "backend" -> throw new BackendUnavailableException("503 from ci");
                          default -> throw new IllegalStateException("bug in plugin");
                        }
                      })));

      assertThat(failure(() -> stub.run(step("{\"fail\":\"config\"}", ""))).getStatus())
          .satisfies(
              s -> {
                assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(s.getDescription()).isEqualTo("url: is empty");
              });
      assertThat(failure(() -> stub.run(step("{\"fail\":\"backend\"}", ""))).getStatus())
          .satisfies(
              s -> {
                assertThat(s.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(s.getDescription()).isEqualTo("503 from ci");
              });
      assertThat(failure(() -> stub.run(step("{\"fail\":\"other\"}", ""))).getStatus())
          .satisfies(
              s -> {
                assertThat(s.getCode()).isEqualTo(Status.Code.INTERNAL);
                assertThat(s.getDescription()).isEqualTo("IllegalStateException: bug in plugin");
              });
    }

    @Test
    void badJsonInTheRequestIsNamedByField() throws Exception {
      var stub = StepPluginGrpc.newBlockingStub(serve(step(call -> StepResult.successful("x"))));

      Status config = failure(() -> stub.run(step("{not json", ""))).getStatus();
      assertThat(config.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(config.getDescription()).startsWith("config_json is not valid JSON");

      Status state = failure(() -> stub.run(step("{}", "[1,"))).getStatus();
      assertThat(state.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(state.getDescription()).startsWith("state_json is not valid JSON");
    }

    @Test
    void aNullResultOrNegativeRequeueIsAPluginBug() throws Exception {
      var nullResult = StepPluginGrpc.newBlockingStub(serve(step(call -> null)));
      Status status = failure(() -> nullResult.run(step("{}", ""))).getStatus();
      assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
      assertThat(status.getDescription()).isEqualTo("run returned null instead of a StepResult");

      var negative =
          StepPluginGrpc.newBlockingStub(
              serve(step(call -> StepResult.running("x", Duration.ofSeconds(-1), null))));
      assertThat(failure(() -> negative.run(step("{}", ""))).getStatus().getDescription())
          .contains("negative requeueAfter (PT-1S)");
    }

    @Test
    void aStateOverSixtyFourKibIsRefusedWithItsSize() throws Exception {
      // {"s":"..."} is 8 bytes around the text.
      var stub =
          StepPluginGrpc.newBlockingStub(
              serve(
                  step(
                      call ->
                          StepResult.successful("big")
                              .withState(
                                  Json.tree(
                                      Map.of(
                                          "s",
                                          "x".repeat(call.config().path("chars").asInt())))))));

      assertThat(stub.run(step("{\"chars\":" + (65_536 - 8) + "}", "")).getStateJson())
          .hasSize(65_536);
      Status status =
          failure(() -> stub.run(step("{\"chars\":" + (65_536 - 7) + "}", ""))).getStatus();
      assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
      assertThat(status.getDescription())
          .contains("state of 65537 bytes")
          .contains("limit of 65536 bytes");
    }
  }

  /** A router that records what it was asked. */
  static final class RecordingRouter implements TrafficRouterPlugin {
    final List<String> calls = new ArrayList<>();
    TrafficRouting.HeaderRoute headerRoute;
    TrafficRouting.MirrorRoute mirrorRoute;
    List<TrafficRouting.WeightDestination> additional;

    @Override
    public void init() {
      calls.add("init");
    }

    @Override
    public void updateHash(
        RouterCall call,
        String canaryHash,
        String stableHash,
        List<TrafficRouting.WeightDestination> additional) {
      calls.add("updateHash " + canaryHash + " " + stableHash);
      this.additional = additional;
    }

    @Override
    public void setWeight(RouterCall call, TrafficRouting.DesiredWeight weight) {
      calls.add(
          "setWeight "
              + weight.weight()
              + "/"
              + weight.maxWeight()
              + " "
              + call.config().path("route").asText());
      this.additional = weight.additional();
    }

    @Override
    public void setHeaderRoute(RouterCall call, TrafficRouting.HeaderRoute route) {
      headerRoute = route;
    }

    @Override
    public void setMirrorRoute(RouterCall call, TrafficRouting.MirrorRoute route) {
      mirrorRoute = route;
    }

    @Override
    public TrafficRouting.WeightCheck verifyWeight(
        RouterCall call, TrafficRouting.DesiredWeight weight) {
      return weight.weight() == 10
          ? TrafficRouting.WeightCheck.verified()
          : TrafficRouting.WeightCheck.notVerified("at " + weight.weight());
    }

    @Override
    public void removeManagedRoutes(RouterCall call) {
      calls.add("removeManagedRoutes " + call.context().rolloutName());
    }
  }

  @Nested
  class Router {

    private final RouterRequest request =
        RouterRequest.newBuilder()
            .setContext(CONTEXT)
            .setRolloutJson("{}")
            .setConfigJson("{\"route\":\"web\"}")
            .build();

    private final WeightDestination experiment =
        WeightDestination.newBuilder()
            .setServiceName("exp")
            .setPodTemplateHash("e1")
            .setWeight(5)
            .build();

    @Test
    void initUpdateHashSetWeightAndRemoveReachThePlugin() throws Exception {
      RecordingRouter router = new RecordingRouter();
      var stub = TrafficRouterPluginGrpc.newBlockingStub(serve(router));

      stub.init(InitRequest.newBuilder().setPluginName("acme/test").build());
      stub.updateHash(
          UpdateHashRequest.newBuilder()
              .setRequest(request)
              .setCanaryHash("c1")
              .setStableHash("s1")
              .addAdditionalDestinations(experiment)
              .build());
      assertThat(router.additional)
          .containsExactly(new TrafficRouting.WeightDestination("exp", "e1", 5));
      stub.setWeight(
          SetWeightRequest.newBuilder().setRequest(request).setDesiredWeight(30).build());
      stub.removeManagedRoutes(request);

      assertThat(router.calls)
          .containsExactly(
              "init", "updateHash c1 s1", "setWeight 30/100 web", "removeManagedRoutes checkout");
      assertThat(router.additional).isEmpty();
    }

    @Test
    void weightsArriveOutOfTheMaxWeightAndManagedRoutesInOrder() throws Exception {
      RecordingRouter router = new RecordingRouter();
      var stub = TrafficRouterPluginGrpc.newBlockingStub(serve(router));
      RouterRequest withRoutes =
          request.toBuilder().addManagedRoutes("beta").addManagedRoutes("shadow").build();
      List<RouterCall> seen = new ArrayList<>();
      List<TrafficRouting.DesiredWeight> weights = new ArrayList<>();
      TrafficRouterPlugin capture =
          new TrafficRouterPlugin() {
            @Override
            public void updateHash(
                RouterCall call,
                String canaryHash,
                String stableHash,
                List<TrafficRouting.WeightDestination> additional) {}

            @Override
            public void setWeight(RouterCall call, TrafficRouting.DesiredWeight weight) {
              seen.add(call);
              weights.add(weight);
              router.setWeight(call, weight);
            }
          };
      var capturing = TrafficRouterPluginGrpc.newBlockingStub(serve(capture));

      capturing.setWeight(
          SetWeightRequest.newBuilder()
              .setRequest(withRoutes)
              .setDesiredWeight(300)
              .setMaxWeight(1000)
              .addAdditionalDestinations(experiment)
              .build());
      // A host from before max_weight sends 0: percentages.
      capturing.setWeight(
          SetWeightRequest.newBuilder().setRequest(withRoutes).setDesiredWeight(30).build());

      assertThat(router.calls).containsExactly("setWeight 300/1000 web", "setWeight 30/100 web");
      assertThat(seen.get(0).managedRoutes()).containsExactly("beta", "shadow");
      assertThat(weights.get(0).additional())
          .containsExactly(new TrafficRouting.WeightDestination("exp", "e1", 5));
      assertThat(weights.get(0).stableWeight()).isEqualTo(695);
      assertThat(
              stub.verifyWeight(
                      VerifyWeightRequest.newBuilder()
                          .setRequest(request)
                          .setDesiredWeight(20)
                          .setMaxWeight(200)
                          .build())
                  .getMessage())
          .isEqualTo("at 20");
    }

    @Test
    void anUnsetMirrorPercentageMeans100AndASetZeroStaysZero() throws Exception {
      RecordingRouter router = new RecordingRouter();
      var stub = TrafficRouterPluginGrpc.newBlockingStub(serve(router));

      stub.setMirrorRoute(
          SetMirrorRouteRequest.newBuilder().setRequest(request).setName("shadow").build());
      assertThat(router.mirrorRoute.percentage()).isEqualTo(100);
      stub.setMirrorRoute(
          SetMirrorRouteRequest.newBuilder()
              .setRequest(request)
              .setName("shadow")
              .setPercentage(0)
              .build());
      assertThat(router.mirrorRoute.percentage()).isZero();
    }

    @Test
    void headerRoutesCarryTheirMatchKinds() throws Exception {
      RecordingRouter router = new RecordingRouter();
      var stub = TrafficRouterPluginGrpc.newBlockingStub(serve(router));

      stub.setHeaderRoute(
          SetHeaderRouteRequest.newBuilder()
              .setRequest(request)
              .setName("beta")
              .addMatch(
                  HeaderMatch.newBuilder()
                      .setHeaderName("x-beta")
                      .setHeaderValue(StringMatch.newBuilder().setExact("yes")))
              .addMatch(
                  HeaderMatch.newBuilder()
                      .setHeaderName("x-agent")
                      .setHeaderValue(StringMatch.newBuilder().setRegex(".*Firefox.*")))
              .build());

      assertThat(router.headerRoute.name()).isEqualTo("beta");
      assertThat(router.headerRoute.match())
          .containsExactly(
              new TrafficRouting.HeaderMatch(
                  "x-beta", new TrafficRouting.StringMatch(TrafficRouting.MatchType.EXACT, "yes")),
              new TrafficRouting.HeaderMatch(
                  "x-agent",
                  new TrafficRouting.StringMatch(TrafficRouting.MatchType.REGEX, ".*Firefox.*")));
    }

    @Test
    void mirrorRoutesCarryMethodPathAndHeadersAndAnUnsetMatchMeansAny() throws Exception {
      RecordingRouter router = new RecordingRouter();
      var stub = TrafficRouterPluginGrpc.newBlockingStub(serve(router));

      stub.setMirrorRoute(
          SetMirrorRouteRequest.newBuilder()
              .setRequest(request)
              .setName("shadow")
              .setPercentage(25)
              .addMatch(
                  RouteMatch.newBuilder()
                      .setPath(StringMatch.newBuilder().setPrefix("/api"))
                      .putHeaders("x-tenant", StringMatch.newBuilder().setExact("t1").build()))
              .build());

      TrafficRouting.MirrorRoute route = router.mirrorRoute;
      assertThat(route.name()).isEqualTo("shadow");
      assertThat(route.percentage()).isEqualTo(25);
      TrafficRouting.RouteMatch match = route.match().get(0);
      assertThat(match.method()).isNull();
      assertThat(match.path())
          .isEqualTo(new TrafficRouting.StringMatch(TrafficRouting.MatchType.PREFIX, "/api"));
      assertThat(match.headers())
          .containsEntry(
              "x-tenant", new TrafficRouting.StringMatch(TrafficRouting.MatchType.EXACT, "t1"));
    }

    @Test
    void aMirrorHeaderWithoutValueIsInvalid() throws Exception {
      var stub = TrafficRouterPluginGrpc.newBlockingStub(serve(new RecordingRouter()));

      Status status =
          failure(
                  () ->
                      stub.setMirrorRoute(
                          SetMirrorRouteRequest.newBuilder()
                              .setRequest(request)
                              .setName("shadow")
                              .addMatch(
                                  RouteMatch.newBuilder()
                                      .putHeaders("x-empty", StringMatch.getDefaultInstance()))
                              .build()))
              .getStatus();

      assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(status.getDescription()).contains("x-empty");
    }

    @Test
    void verifyWeightAnswersEachVerification() throws Exception {
      var stub = TrafficRouterPluginGrpc.newBlockingStub(serve(new RecordingRouter()));

      assertThat(
              stub.verifyWeight(
                      VerifyWeightRequest.newBuilder()
                          .setRequest(request)
                          .setDesiredWeight(10)
                          .build())
                  .getVerification())
          .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_VERIFIED);
      assertThat(
              stub.verifyWeight(
                      VerifyWeightRequest.newBuilder()
                          .setRequest(request)
                          .setDesiredWeight(20)
                          .build())
                  .getVerification())
          .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_NOT_VERIFIED);
    }

    @Test
    void theApisDefaultsAnswerUnimplementedOrNotImplemented() throws Exception {
      TrafficRouterPlugin minimal =
          new TrafficRouterPlugin() {
            @Override
            public void updateHash(
                RouterCall call,
                String canaryHash,
                String stableHash,
                List<TrafficRouting.WeightDestination> additional) {}

            @Override
            public void setWeight(RouterCall call, TrafficRouting.DesiredWeight weight) {}
          };
      var stub = TrafficRouterPluginGrpc.newBlockingStub(serve(minimal));

      Status status =
          failure(
                  () ->
                      stub.setHeaderRoute(
                          SetHeaderRouteRequest.newBuilder().setRequest(request).build()))
              .getStatus();
      assertThat(status.getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(status.getDescription()).isEqualTo("header routes unsupported");
      assertThat(
              failure(
                      () ->
                          stub.setMirrorRoute(
                              SetMirrorRouteRequest.newBuilder().setRequest(request).build()))
                  .getStatus()
                  .getCode())
          .isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(
              stub.verifyWeight(VerifyWeightRequest.newBuilder().setRequest(request).build())
                  .getVerification())
          .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_NOT_IMPLEMENTED);
    }
  }

  @Nested
  class Metric {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.250Z");

    private final MetricRequest request =
        MetricRequest.newBuilder()
            .setContext(CONTEXT)
            .setAnalysisRunJson("{\"metadata\":{\"name\":\"run-1\"}}")
            .setMetricJson("{\"name\":\"error-rate\"}")
            .setConfigJson("{\"query\":\"up\"}")
            .build();

    /** Measures the query; resume finishes a RUNNING measurement; terminate fails it. */
    final class Provider implements MetricProviderPlugin {
      final List<String> calls = new ArrayList<>();

      @Override
      public void init() {
        calls.add("init");
      }

      @Override
      public Measurement run(MetricCall call) {
        calls.add("run " + call.metric().path("name").asText());
        return new Measurement(
            Measurement.Phase.RUNNING,
            "",
            Map.of("query", call.config().path("query").asText()),
            T0,
            null,
            T0.plusSeconds(30),
            "waiting");
      }

      @Override
      public Measurement resume(MetricCall call, Measurement measurement) {
        calls.add("resume " + measurement.phase() + " " + measurement.resumeAt());
        return Measurement.of("0.01", measurement.startedAt(), T0.plusSeconds(30));
      }

      @Override
      public Measurement terminate(MetricCall call, Measurement measurement) {
        return new Measurement(
            Measurement.Phase.FAILED,
            "",
            measurement.metadata(),
            measurement.startedAt(),
            T0.plusSeconds(1),
            null,
            "terminated");
      }

      @Override
      public void garbageCollect(MetricCall call, int limit) {
        calls.add("gc " + limit + " " + call.analysisRun().path("metadata").path("name").asText());
      }

      @Override
      public Map<String, String> metadata(MetricCall call) {
        return Map.of("resolvedQuery", call.config().path("query").asText());
      }
    }

    private static Timestamp ts(Instant i) {
      return Conversions.timestamp(i);
    }

    @Test
    void runReturnsARunningMeasurementWithTimesAndMetadata() throws Exception {
      Provider provider = new Provider();
      var stub = MetricProviderPluginGrpc.newBlockingStub(serve(provider));

      stub.init(InitRequest.getDefaultInstance());
      dev.ramp.plugin.v1.Measurement m = stub.run(request);

      assertThat(m.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_RUNNING);
      assertThat(m.getStartedAt()).isEqualTo(ts(T0));
      assertThat(m.hasFinishedAt()).isFalse();
      assertThat(m.getResumeAt()).isEqualTo(ts(T0.plusSeconds(30)));
      assertThat(m.getMetadataMap()).containsEntry("query", "up");
      assertThat(m.getMessage()).isEqualTo("waiting");
      assertThat(provider.calls).containsExactly("init", "run error-rate");
    }

    @Test
    void resumeAndTerminateReceiveTheMeasurement() throws Exception {
      Provider provider = new Provider();
      var stub = MetricProviderPluginGrpc.newBlockingStub(serve(provider));
      dev.ramp.plugin.v1.Measurement running = stub.run(request);

      dev.ramp.plugin.v1.Measurement resumed =
          stub.resume(
              MeasurementRequest.newBuilder().setRequest(request).setMeasurement(running).build());
      assertThat(resumed.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_SUCCESSFUL);
      assertThat(resumed.getValue()).isEqualTo("0.01");
      assertThat(resumed.getFinishedAt()).isEqualTo(ts(T0.plusSeconds(30)));
      assertThat(resumed.hasResumeAt()).isFalse();
      assertThat(provider.calls).contains("resume RUNNING " + T0.plusSeconds(30));

      dev.ramp.plugin.v1.Measurement terminated =
          stub.terminate(
              MeasurementRequest.newBuilder().setRequest(request).setMeasurement(running).build());
      assertThat(terminated.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_FAILED);
      assertThat(terminated.getMetadataMap()).containsEntry("query", "up");
    }

    @Test
    void anUnspecifiedPhaseFromTheHostReadsAsError() throws Exception {
      Provider provider = new Provider();
      var stub = MetricProviderPluginGrpc.newBlockingStub(serve(provider));

      stub.resume(
          MeasurementRequest.newBuilder()
              .setRequest(request)
              .setMeasurement(dev.ramp.plugin.v1.Measurement.getDefaultInstance())
              .build());

      assertThat(provider.calls).containsExactly("resume ERROR null");
    }

    @Test
    void garbageCollectAndMetadataReachThePlugin() throws Exception {
      Provider provider = new Provider();
      var stub = MetricProviderPluginGrpc.newBlockingStub(serve(provider));

      stub.garbageCollect(
          GarbageCollectRequest.newBuilder().setRequest(request).setLimit(10).build());
      assertThat(provider.calls).containsExactly("gc 10 run-1");
      assertThat(
              stub.getMetadata(MetadataRequest.newBuilder().setRequest(request).build())
                  .getMetadataMap())
          .containsExactly(Map.entry("resolvedQuery", "up"));
    }

    @Test
    void aBackendOutageIsUnavailable() throws Exception {
      MetricProviderPlugin down =
          call -> {
            throw new BackendUnavailableException("prometheus: connection refused");
          };
      var stub = MetricProviderPluginGrpc.newBlockingStub(serve(down));

      Status status = failure(() -> stub.run(request)).getStatus();
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.getDescription()).isEqualTo("prometheus: connection refused");
    }
  }

  @Test
  void infoNamesTheKindsServedAndHealthIsServingForPlugin() throws Exception {
    Object both = new BothKinds();
    ManagedChannel channel = serve(both);

    PluginInfo info =
        InfoGrpc.newBlockingStub(channel).getInfo(GetInfoRequest.getDefaultInstance());
    assertThat(info.getName()).isEqualTo("acme/test");
    assertThat(info.getVersion()).isEqualTo("1.2.3");
    assertThat(info.getContractVersion()).isEqualTo(1);
    assertThat(info.getKindsList())
        .containsExactly(PluginKind.PLUGIN_KIND_STEP, PluginKind.PLUGIN_KIND_METRIC_PROVIDER);
    assertThat(info.getRuntime()).startsWith("ramp-plugin-sdk-java/0.");

    var health = HealthGrpc.newBlockingStub(channel);
    assertThat(
            health.check(HealthCheckRequest.newBuilder().setService("plugin").build()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    assertThat(
            failure(
                    () ->
                        TrafficRouterPluginGrpc.newBlockingStub(channel)
                            .removeManagedRoutes(RouterRequest.getDefaultInstance()))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.UNIMPLEMENTED);
  }

  static final class BothKinds implements StepPlugin, MetricProviderPlugin {
    @Override
    public StepResult run(StepCall call) {
      return StepResult.successful("step");
    }

    @Override
    public Measurement run(MetricCall call) {
      return Measurement.error("none", Instant.EPOCH);
    }
  }

  @Test
  void theBuilderRefusesNoImplementationTwoOfAKindAndForeignObjects() {
    assertThatThrownBy(() -> PluginServer.builder("acme/x", "1").build())
        .hasMessageContaining("has no implementation");
    assertThatThrownBy(
            () ->
                PluginServer.builder("acme/x", "1").plugin(step(c -> null)).plugin(step(c -> null)))
        .hasMessageContaining("two StepPlugin implementations");
    assertThatThrownBy(() -> PluginServer.builder("acme/x", "1").plugin("a string"))
        .hasMessageContaining("java.lang.String implements none of");
    assertThatThrownBy(() -> PluginServer.builder(" ", "1"))
        .hasMessageContaining("plugin name is blank");
  }
}
