package dev.ramp.plugins.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.sdk.PluginServer;
import dev.ramp.plugin.v1.Measurement;
import dev.ramp.plugin.v1.MeasurementPhase;
import dev.ramp.plugin.v1.MeasurementRequest;
import dev.ramp.plugin.v1.MetadataRequest;
import dev.ramp.plugin.v1.MetricProviderPluginGrpc;
import dev.ramp.plugin.v1.MetricProviderPluginGrpc.MetricProviderPluginBlockingStub;
import dev.ramp.plugin.v1.MetricRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sequential judge ({@code mode: sequential}) through the plugin's gRPC service, against {@link
 * FakePrometheus}'s counters, on a clock the test moves: one RUNNING measurement resumed each
 * interval, its state in its metadata.
 */
class SequentialPluginTest {
  static final Instant T0 = JudgePluginTest.T0;

  final AtomicReference<Instant> now = new AtomicReference<>(T0);
  FakePrometheus prometheus;
  Server server;
  ManagedChannel channel;
  MetricProviderPluginBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    prometheus = new FakePrometheus();
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    PluginServer plugin =
        PluginServer.builder("ramp/judge", "test")
            .plugin(new JudgePlugin(clock, HttpClient.newHttpClient()))
            .build();
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    plugin.services().forEach(builder::addService);
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = MetricProviderPluginGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    prometheus.close();
  }

  static final String METRIC = "{\"name\":\"judge\",\"interval\":\"1m\",\"count\":10}";
  static final String REQUESTS = "reqs_total{hash=\"${version}\"}";
  static final String ERRORS = "errs_total{hash=\"${version}\"}";

  final Map<String, Double> total = new TreeMap<>();

  String sequential(String extra) {
    return "{\"mode\":\"sequential\",\"address\":\""
        + prometheus.address()
        + "\",\"canary\":\"c4n4ry\",\"stable\":\"st4ble\",\"requests\":"
        + Json.MAPPER.valueToTree(REQUESTS)
        + ",\"errors\":"
        + Json.MAPPER.valueToTree(ERRORS)
        + ",\"minRequests\":100"
        + extra
        + "}";
  }

  MetricRequest call(String config, String analysisRun) {
    return MetricRequest.newBuilder()
        .setConfigJson(config)
        .setMetricJson(METRIC)
        .setAnalysisRunJson(analysisRun)
        .build();
  }

  Measurement look(Measurement m) {
    return stub.resume(
        MeasurementRequest.newBuilder()
            .setRequest(call(sequential(""), "{}"))
            .setMeasurement(m)
            .build());
  }

  /** One interval of traffic: the counters of pod a of each version grow by these. */
  void serve(long canaryRequests, long canaryErrors, long stableRequests, long stableErrors) {
    add("c4n4ry", canaryRequests, canaryErrors);
    add("st4ble", stableRequests, stableErrors);
  }

  void add(String version, long requests, long errors) {
    String r = REQUESTS.replace("${version}", version);
    String e = ERRORS.replace("${version}", version);
    total.merge(r, (double) requests, Double::sum);
    total.merge(e, (double) errors, Double::sum);
    prometheus.counters.put(r, Map.of("a", total.get(r)));
    prometheus.counters.put(e, Map.of("a", total.get(e)));
  }

  Measurement begin() {
    serve(0, 0, 0, 0);
    Measurement m = stub.run(call(sequential(""), "{}"));
    assertThat(m.getPhase())
        .as(m.getMessage())
        .isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_RUNNING);
    assertThat(m.getResumeAt().getSeconds()).isEqualTo(T0.plusSeconds(60).getEpochSecond());
    return m;
  }

  @Test
  void aCanaryWithFiveTimesTheErrorsFailsBeforeTheHorizon() {
    Measurement m = begin();
    int looks = 0;
    while (m.getPhase() == MeasurementPhase.MEASUREMENT_PHASE_RUNNING && looks < 10) {
      serve(1000, 25, 9000, 45);
      now.set(now.get().plus(Duration.ofMinutes(1)));
      m = look(m);
      looks++;
    }
    assertThat(m.getPhase())
        .as(m.getMessage())
        .isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_FAILED);
    assertThat(looks).as("looks before the verdict, of 10 to the horizon").isLessThan(5);
    assertThat(m.getMessage())
        .startsWith("sequential judge Failed at look " + looks + ": e-value ")
        .contains("≥ 20 (α 0.05)")
        .contains("rate ratio 5");
    assertThat(Double.parseDouble(m.getValue())).isGreaterThanOrEqualTo(20);
    assertThat(m.getMetadataMap())
        .containsEntry("judge.sequential.looks", Integer.toString(looks))
        .containsEntry("judge.sequential.outcome", "Failed")
        .containsEntry("judge.sequential.canaryErrors", Long.toString(25L * looks))
        .containsKeys(SequentialState.KEY, Report.TABLE);
    assertThat(m.getMetadataMap().get(Report.TABLE)).contains("VERSION", "canary", "2.5%");
    assertThat(m.getStartedAt().getSeconds()).isEqualTo(T0.getEpochSecond());
  }

  @Test
  void aCanaryLikeStableSucceedsAtTheHorizonWithItsMinimumDetectableEffect() {
    Measurement m = begin();
    for (int k = 1; k <= 9; k++) {
      serve(1000, 10, 9000, 90);
      now.set(T0.plus(Duration.ofMinutes(k)));
      m = look(m);
      assertThat(m.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_RUNNING);
      assertThat(m.getResumeAt().getSeconds())
          .isEqualTo(T0.plus(Duration.ofMinutes(k + 1)).getEpochSecond());
    }
    serve(1000, 10, 9000, 90);
    now.set(T0.plus(Duration.ofMinutes(10)));
    m = look(m);
    assertThat(m.getPhase())
        .as(m.getMessage())
        .isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_SUCCESSFUL);
    assertThat(m.getMessage())
        .startsWith("sequential judge Successful at look 10: horizon 10m reached, e-value ")
        .contains("minimum detectable rate ratio ");
    double mde =
        Double.parseDouble(m.getMetadataMap().get("judge.sequential.minimumDetectableRatio"));
    assertThat(mde).isBetween(1.1, 3.0);
    assertThat(m.getMetadataMap()).containsEntry("judge.sequential.canaryRequests", "10000");
  }

  @Test
  void noLookCountsUntilBothVersionsServedMinRequestsThenTheyJoinTheFirstInterval() {
    Measurement m = begin();
    serve(40, 30, 4000, 40);
    now.set(T0.plusSeconds(60));
    m = look(m);
    assertThat(m.getMessage()).contains("waiting for 100 requests at each version");
    assertThat(m.getMetadataMap()).containsEntry("judge.sequential.canaryRequests", "0");
    serve(60, 0, 4000, 40);
    now.set(T0.plusSeconds(120));
    m = look(m);
    assertThat(m.getMetadataMap())
        .containsEntry("judge.sequential.canaryRequests", "100")
        .containsEntry("judge.sequential.canaryErrors", "30")
        .containsEntry("judge.sequential.looks", "2");
  }

  @Test
  void aCounterResetIsCountedFromZeroNotAsANegativeIncrease() {
    Measurement m = begin();
    serve(1000, 10, 9000, 90);
    now.set(T0.plusSeconds(60));
    m = look(m);
    // pod a of the canary restarts: its counters begin again (at 500 requests, 5 errors)
    String r = REQUESTS.replace("${version}", "c4n4ry");
    String e = ERRORS.replace("${version}", "c4n4ry");
    prometheus.counters.put(r, Map.of("a", 500.0));
    prometheus.counters.put(e, Map.of("a", 5.0));
    add("st4ble", 4500, 45);
    now.set(T0.plusSeconds(120));
    m = look(m);
    assertThat(m.getMetadataMap())
        .containsEntry("judge.sequential.canaryRequests", "1500")
        .containsEntry("judge.sequential.canaryErrors", "15");
  }

  @Test
  void prometheusDownIsAnErrorThatKeepsTheStateAndTheNextMeasurementContinuesIt() {
    Measurement m = begin();
    serve(1000, 10, 9000, 90);
    now.set(T0.plusSeconds(60));
    m = look(m);
    prometheus.status = 503;
    prometheus.body = "down";
    now.set(T0.plusSeconds(120));
    Measurement error = look(m);
    assertThat(error.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_ERROR);
    assertThat(error.getMessage())
        .contains("answered 503: down")
        .endsWith("the test continues from look 1 at the next one");
    assertThat(error.getMetadataMap()).containsKey(SequentialState.KEY);

    // the controller's next measurement is a Run; the run's status holds the Error's state
    prometheus.status = 200;
    prometheus.body = null;
    serve(1000, 10, 9000, 90);
    now.set(T0.plusSeconds(130));
    Measurement next = stub.run(call(sequential(""), analysisRun(error.getMetadataMap())));
    assertThat(next.getMetadataMap())
        .as(next.getMessage())
        .containsEntry("judge.sequential.looks", "2")
        .containsEntry("judge.sequential.canaryErrors", "20");
  }

  @Test
  void aRunAfterTheTestEndedAnswersItsVerdictWithoutAskingPrometheus() {
    Measurement m = begin();
    while (m.getPhase() == MeasurementPhase.MEASUREMENT_PHASE_RUNNING) {
      serve(1000, 25, 9000, 45);
      now.set(now.get().plus(Duration.ofMinutes(1)));
      m = look(m);
    }
    int asked = prometheus.requests.size();
    Measurement again = stub.run(call(sequential(""), analysisRun(m.getMetadataMap())));
    assertThat(again.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_FAILED);
    assertThat(again.getMessage()).startsWith("the sequential test of this run had ended: ");
    assertThat(prometheus.requests).hasSize(asked);
  }

  @Test
  void terminateStopsTheTestWithoutAVerdictAndGetMetadataDescribesIt() {
    Measurement m = begin();
    serve(1000, 10, 9000, 90);
    now.set(T0.plusSeconds(60));
    m = look(m);
    Measurement stopped =
        stub.terminate(
            MeasurementRequest.newBuilder()
                .setRequest(call(sequential(""), "{}"))
                .setMeasurement(m)
                .build());
    assertThat(stopped.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_SUCCESSFUL);
    assertThat(stopped.getValue()).isEmpty();
    assertThat(stopped.getMessage()).startsWith("sequential judge terminated at look 1, e-value ");
    assertThat(
            stub.getMetadata(
                    MetadataRequest.newBuilder().setRequest(call(sequential(""), "{}")).build())
                .getMetadataMap())
        .containsEntry("judge.window", "a look every 1m, horizon 10m, minRequests 100")
        .containsEntry("judge.requests", REQUESTS);
  }

  static String analysisRun(Map<String, String> metadata) {
    var run = Json.MAPPER.createObjectNode();
    var result = run.putObject("status").putArray("metricResults").addObject();
    result.put("name", "judge");
    var measurement = result.putArray("measurements").addObject();
    measurement.put("phase", "Error");
    measurement.set("metadata", Json.MAPPER.valueToTree(metadata));
    return run.toString();
  }

  @Test
  void badSequentialConfigIsInvalidArgumentNamingTheField() {
    Map<String, String> cases =
        Map.of(
            sequential("").replace("sequential", "bayes"), "mode: 'bayes' must be one of",
            sequential(",\"alpha\":2"), "alpha: '2' must be a number",
            sequential("").replace("reqs_total{", "rate(reqs_total{").replace("}\",", "}[1m])\","),
                "requests: must select the raw counter",
            sequential("").replace("${version}", "x"), "requests: must contain ${version}",
            sequential(",\"direction\":\"decrease\""), "direction: 'decrease' must be one of",
            sequential(",\"lookback\":\"5m\""), "lookback: is not a field");
    cases.forEach(
        (config, message) ->
            assertThatThrownBy(() -> stub.run(call(config, "{}")))
                .as(config)
                .isInstanceOfSatisfying(
                    StatusRuntimeException.class,
                    e -> {
                      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                      assertThat(e.getStatus().getDescription()).contains(message);
                    }));
    MetricRequest noCount =
        call(sequential(""), "{}").toBuilder()
            .setMetricJson("{\"name\":\"judge\",\"interval\":\"1m\"}")
            .build();
    assertThatThrownBy(() -> stub.run(noCount)).hasMessageContaining("horizon: is required");
    MetricRequest noInterval =
        call(sequential(""), "{}").toBuilder().setMetricJson("{\"name\":\"judge\"}").build();
    assertThatThrownBy(() -> stub.run(noInterval)).hasMessageContaining("interval: is required");
    assertThat(prometheus.requests).isEmpty();
  }
}
