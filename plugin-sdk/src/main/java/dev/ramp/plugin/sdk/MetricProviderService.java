package dev.ramp.plugin.sdk;

import dev.ramp.plugin.api.MetricProviderPlugin;
import dev.ramp.plugin.v1.GarbageCollectRequest;
import dev.ramp.plugin.v1.GarbageCollectResponse;
import dev.ramp.plugin.v1.InitRequest;
import dev.ramp.plugin.v1.InitResponse;
import dev.ramp.plugin.v1.Measurement;
import dev.ramp.plugin.v1.MeasurementRequest;
import dev.ramp.plugin.v1.MetadataRequest;
import dev.ramp.plugin.v1.MetadataResponse;
import dev.ramp.plugin.v1.MetricProviderPluginGrpc;
import dev.ramp.plugin.v1.MetricRequest;
import io.grpc.stub.StreamObserver;
import java.util.Map;

/** Serves a {@link MetricProviderPlugin} as {@code ramp.plugin.v1.MetricProviderPlugin}. */
final class MetricProviderService extends MetricProviderPluginGrpc.MetricProviderPluginImplBase {

  private final MetricProviderPlugin plugin;

  MetricProviderService(MetricProviderPlugin plugin) {
    this.plugin = plugin;
  }

  @Override
  public void init(InitRequest request, StreamObserver<InitResponse> observer) {
    Calls.unary(
        "Init",
        observer,
        () -> {
          plugin.init();
          return InitResponse.getDefaultInstance();
        });
  }

  @Override
  public void run(MetricRequest request, StreamObserver<Measurement> observer) {
    Calls.unary(
        "Run",
        observer,
        () -> Conversions.measurement("run", plugin.run(Conversions.metricCall(request))));
  }

  @Override
  public void resume(MeasurementRequest request, StreamObserver<Measurement> observer) {
    Calls.unary(
        "Resume",
        observer,
        () ->
            Conversions.measurement(
                "resume",
                plugin.resume(
                    Conversions.metricCall(request.getRequest()),
                    Conversions.measurement(request.getMeasurement()))));
  }

  @Override
  public void terminate(MeasurementRequest request, StreamObserver<Measurement> observer) {
    Calls.unary(
        "Terminate",
        observer,
        () ->
            Conversions.measurement(
                "terminate",
                plugin.terminate(
                    Conversions.metricCall(request.getRequest()),
                    Conversions.measurement(request.getMeasurement()))));
  }

  @Override
  public void garbageCollect(
      GarbageCollectRequest request, StreamObserver<GarbageCollectResponse> observer) {
    Calls.unary(
        "GarbageCollect",
        observer,
        () -> {
          plugin.garbageCollect(Conversions.metricCall(request.getRequest()), request.getLimit());
          return GarbageCollectResponse.getDefaultInstance();
        });
  }

  @Override
  public void getMetadata(MetadataRequest request, StreamObserver<MetadataResponse> observer) {
    Calls.unary(
        "GetMetadata",
        observer,
        () -> {
          Map<String, String> metadata =
              plugin.metadata(Conversions.metricCall(request.getRequest()));
          return MetadataResponse.newBuilder()
              .putAllMetadata(metadata == null ? Map.of() : metadata)
              .build();
        });
  }
}
