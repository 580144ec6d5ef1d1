package dev.ramp.plugin.sdk.testkit;

import dev.ramp.plugin.v1.GarbageCollectRequest;
import dev.ramp.plugin.v1.InitRequest;
import dev.ramp.plugin.v1.Measurement;
import dev.ramp.plugin.v1.MeasurementPhase;
import dev.ramp.plugin.v1.MeasurementRequest;
import dev.ramp.plugin.v1.MetadataRequest;
import dev.ramp.plugin.v1.MetricProviderPluginGrpc;
import dev.ramp.plugin.v1.MetricProviderPluginGrpc.MetricProviderPluginBlockingStub;
import dev.ramp.plugin.v1.MetricRequest;
import io.grpc.Status;
import java.util.function.Supplier;

/** The checks of a metric provider: every RPC gets a real answer, in the controller's order. */
final class MetricConformance {

  private static final String ANALYSIS_RUN_JSON =
      "{\"apiVersion\":\"ramp.dev/v1alpha1\",\"kind\":\"AnalysisRun\","
          + "\"metadata\":{\"name\":\"ramp-testkit-run\",\"namespace\":\"default\"}}";

  private final Session session;
  private final String config;

  MetricConformance(Session session, String config) {
    this.session = session;
    this.config = config;
  }

  void run() {
    Answer<?> init =
        Answer.of(
            () ->
                stub()
                    .init(InitRequest.newBuilder().setPluginName(session.configuredName).build()));
    if (init.code() == Status.Code.UNIMPLEMENTED) {
      session.fail(
          "metricProvider: Init answers",
          "answered " + init.describe() + "; does the plugin serve MetricProviderPlugin?");
    } else {
      session.answered("metricProvider: Init answers", init);
    }
    Answer<Measurement> run = Answer.of(() -> stub().run(request("Run")));
    session.answered("metricProvider: Run answers", run);
    // Resume and Terminate continue the measurement Run started, or a running one.
    Measurement measurement =
        run.ok()
            ? run.response()
            : Measurement.newBuilder().setPhase(MeasurementPhase.MEASUREMENT_PHASE_RUNNING).build();
    check(
        "Resume",
        () ->
            stub()
                .resume(
                    MeasurementRequest.newBuilder()
                        .setRequest(request("Resume"))
                        .setMeasurement(measurement)
                        .build()));
    check(
        "Terminate",
        () ->
            stub()
                .terminate(
                    MeasurementRequest.newBuilder()
                        .setRequest(request("Terminate"))
                        .setMeasurement(measurement)
                        .build()));
    check(
        "GarbageCollect",
        () ->
            stub()
                .garbageCollect(
                    GarbageCollectRequest.newBuilder()
                        .setRequest(request("GarbageCollect"))
                        .setLimit(10)
                        .build()));
    check(
        "GetMetadata",
        () ->
            stub()
                .getMetadata(
                    MetadataRequest.newBuilder().setRequest(request("GetMetadata")).build()));
  }

  private void check(String rpc, Supplier<?> call) {
    session.answered("metricProvider: " + rpc + " answers", Answer.of(call));
  }

  private MetricProviderPluginBlockingStub stub() {
    return session.withDeadline(MetricProviderPluginGrpc.newBlockingStub(session.plugin.channel()));
  }

  private MetricRequest request(String operation) {
    return MetricRequest.newBuilder()
        .setContext(session.context(operation))
        .setAnalysisRunJson(ANALYSIS_RUN_JSON)
        .setMetricJson("{\"name\":\"ramp-testkit-metric\"}")
        .setConfigJson(config)
        .build();
  }
}
