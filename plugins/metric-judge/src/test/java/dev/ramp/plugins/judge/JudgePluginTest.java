package dev.ramp.plugins.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import dev.ramp.plugin.sdk.PluginServer;
import dev.ramp.plugin.v1.Measurement;
import dev.ramp.plugin.v1.MeasurementPhase;
import dev.ramp.plugin.v1.MeasurementRequest;
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
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plugin through its gRPC service on the in-process transport (real status codes and JSON),
 * against {@link FakePrometheus} on 127.0.0.1, on a clock the test moves.
 */
class JudgePluginTest {
  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  final AtomicReference<Instant> now = new AtomicReference<>(T0);
  final Clock clock =
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
  FakePrometheus prometheus;
  Server server;
  ManagedChannel channel;
  MetricProviderPluginBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    prometheus = new FakePrometheus();
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

  String config(String extra) {
    return Specs.configJson(
            "\"minSamples\":10,\"step\":\"30s\",\"horizon\":\"5m\"" + extra,
            Specs.metric("error-rate", "\"direction\":\"increase\""))
        .replace("http://127.0.0.1:9", prometheus.address());
  }

  MetricRequest request(String config) {
    return MetricRequest.newBuilder().setConfigJson(config).build();
  }

  Measurement resume(Measurement m) {
    return stub.resume(
        MeasurementRequest.newBuilder().setRequest(request(config(""))).setMeasurement(m).build());
  }

  static Double[] values(double from, int n) {
    return Arrays.stream(Specs.range(from, n)).boxed().toArray(Double[]::new);
  }

  static Double[] young(Double[] values, int present) {
    Double[] out = new Double[values.length];
    System.arraycopy(values, values.length - present, out, values.length - present, present);
    return out;
  }

  @Test
  void aCanaryLikeStablePassesWithItsTableInTheMetadata() {
    prometheus.byVersion.put("st4ble", values(0, 21));
    prometheus.byVersion.put("c4n4ry", values(0.5, 21));
    Measurement m = stub.run(request(config("")));
    assertThat(m.getPhase())
        .as(m.toString())
        .isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_SUCCESSFUL);
    assertThat(m.getValue()).isEqualTo("100");
    assertThat(m.getMetadataMap())
        .containsEntry("judge.error-rate.classification", "Pass")
        .containsEntry("judge.error-rate.canarySamples", "21")
        .containsEntry("judge.error-rate.stableSamples", "21")
        .containsEntry("judge.score", "100")
        .containsKeys("judge.error-rate.interval", "judge.error-rate.estimate", Report.TABLE);
    assertThat(m.getMetadataMap().get(Report.TABLE))
        .contains("METRIC", "98% INTERVAL", "error-rate", "Pass");
    assertThat(m.getMessage()).startsWith("judge score 100 (Successful; pass 95, marginal 75)");
    // the window: 10 minutes (the default lookback) to now, every 30 s, the same for both
    assertThat(prometheus.requests)
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.get("end")).isEqualTo(Long.toString(T0.getEpochSecond()));
              assertThat(r.get("start")).isEqualTo(Long.toString(T0.getEpochSecond() - 600));
              assertThat(r.get("step")).isEqualTo("30");
            });
    assertThat(prometheus.requests.get(0).get("query")).contains("hash=\"c4n4ry\"");
    assertThat(prometheus.requests.get(1).get("query")).contains("hash=\"st4ble\"");
  }

  @Test
  void aCanaryWithThreeTimesTheErrorsFailsNamingTheMetric() {
    prometheus.byVersion.put("st4ble", values(10, 21));
    prometheus.byVersion.put(
        "c4n4ry", Arrays.stream(values(10, 21)).map(v -> 3 * v).toArray(Double[]::new));
    Measurement m = stub.run(request(config("")));
    assertThat(m.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_FAILED);
    assertThat(m.getValue()).isEqualTo("0");
    assertThat(m.getMessage())
        .startsWith("judge score 0 (Failed; pass 95, marginal 75) | error-rate High")
        .contains("mean ratio 3,")
        .contains("samples 21/21");
  }

  @Test
  void aYoungCanaryIsRunningUntilItHasTheSamplesThenJudged() {
    prometheus.byVersion.put("st4ble", values(0, 21));
    prometheus.byVersion.put("c4n4ry", young(values(0.5, 21), 3));
    Measurement first = stub.run(request(config("")));
    assertThat(first.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_RUNNING);
    assertThat(first.getResumeAt().getSeconds()).isEqualTo(T0.plusSeconds(30).getEpochSecond());
    assertThat(first.getStartedAt().getSeconds()).isEqualTo(T0.getEpochSecond());
    assertThat(first.getMessage()).contains("error-rate: canary had 3 samples, 10 needed");
    assertThat(first.getMetadataMap()).containsEntry("judge.error-rate.classification", "Waiting");

    now.set(T0.plusSeconds(30));
    prometheus.byVersion.put("c4n4ry", young(values(0.5, 21), 12));
    Measurement judged = resume(first);
    assertThat(judged.getPhase())
        .as(judged.getMessage())
        .isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_SUCCESSFUL);
    assertThat(judged.getStartedAt()).isEqualTo(first.getStartedAt());
    assertThat(judged.getMetadataMap()).containsEntry("judge.error-rate.canarySamples", "12");
  }

  @Test
  void aCanaryStillWithoutDataAtTheHorizonIsInconclusiveNotNodata() {
    prometheus.byVersion.put("st4ble", values(0, 21));
    Measurement m = stub.run(request(config("")));
    assertThat(m.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_RUNNING);
    now.set(T0.plus(Duration.ofMinutes(4).plusSeconds(50)));
    Measurement last = resume(m);
    assertThat(last.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_RUNNING);
    assertThat(last.getResumeAt().getSeconds())
        .as("never past the horizon")
        .isEqualTo(T0.plus(Duration.ofMinutes(5)).getEpochSecond());
    now.set(T0.plus(Duration.ofMinutes(5)));
    prometheus.byVersion.put("c4n4ry", young(values(0.5, 21), 3));
    Measurement end = resume(last);
    assertThat(end.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_INCONCLUSIVE);
    assertThat(end.getMessage())
        .startsWith(
            "not enough data within the horizon of 5m: error-rate: canary had 3 samples, 10 needed");
  }

  @Test
  void neitherVersionHavingTheMetricIsKayentasNodataAndScoresZero() {
    Measurement m = stub.run(request(config("")));
    assertThat(m.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_FAILED);
    assertThat(m.getMetadataMap()).containsEntry("judge.error-rate.classification", "Nodata");
    assertThat(m.getMessage()).contains("50% or more metrics returned NODATA");
  }

  @Test
  void prometheusDownOrAnsweringGarbageIsAnErrorMeasurementNeverAVerdict() {
    prometheus.status = 503;
    prometheus.body = "service unavailable";
    Measurement m = stub.run(request(config("")));
    assertThat(m.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_ERROR);
    assertThat(m.getMessage())
        .contains("answered 503: service unavailable")
        .contains("nothing judged");
    String address = prometheus.address();
    prometheus.close();
    Measurement down = stub.run(request(config("").replace(prometheus.address(), address)));
    assertThat(down.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_ERROR);
    assertThat(down.getMessage()).startsWith("Prometheus at " + address + " did not answer");
    assertThat(down.getValue()).isEmpty();
  }

  @Test
  void aQueryPrometheusRefusesIsInvalidArgumentNamingIt() {
    prometheus.status = 400;
    prometheus.body = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}";
    assertThatThrownBy(() -> stub.run(request(config(""))))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("metrics[0].query: Prometheus refused the query: parse error");
            });
  }

  @Test
  void terminateWhileWaitingJudgesNothing() {
    Measurement running =
        Measurement.newBuilder()
            .setPhase(MeasurementPhase.MEASUREMENT_PHASE_RUNNING)
            .setStartedAt(Timestamp.newBuilder().setSeconds(T0.getEpochSecond()))
            .build();
    Measurement m =
        stub.terminate(
            MeasurementRequest.newBuilder()
                .setRequest(request(config("")))
                .setMeasurement(running)
                .build());
    assertThat(m.getPhase()).isEqualTo(MeasurementPhase.MEASUREMENT_PHASE_SUCCESSFUL);
    assertThat(m.getValue()).isEmpty();
    assertThat(prometheus.requests).isEmpty();
  }

  @Test
  void badConfigIsInvalidArgumentNamingTheField() {
    String base =
        "{\"address\":\"" + prometheus.address() + "\",\"canary\":\"a\",\"stable\":\"b\",";
    java.util.Map<String, String> cases =
        java.util.Map.of(
            "\"metrics\":[]",
            "metrics: is required",
            "\"metrics\":[{\"name\":\"m\",\"query\":\"x{h=\\\"${version}\\\"}\",\"direction\":\"up\"}]",
            "metrics[0].direction: 'up' must be one of",
            "\"metrics\":[{\"name\":\"m\",\"query\":\"sum(x)\"}]",
            "metrics[0].query: must contain ${version}");
    cases.forEach(
        (fields, message) ->
            assertThatThrownBy(() -> stub.run(request(base + fields + "}")))
                .as(fields)
                .isInstanceOfSatisfying(
                    StatusRuntimeException.class,
                    e -> {
                      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                      assertThat(e.getStatus().getDescription()).contains(message);
                    }));
    assertThat(prometheus.requests).isEmpty();
  }
}
