package dev.ramp.engine.host;

import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.plugin.MetricProviderClient;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginCallException;
import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.MetricCall;
import dev.ramp.plugin.v1.GarbageCollectRequest;
import dev.ramp.plugin.v1.MeasurementRequest;
import dev.ramp.plugin.v1.MetadataRequest;
import dev.ramp.plugin.v1.MetricProviderPluginGrpc;
import dev.ramp.plugin.v1.MetricProviderPluginGrpc.MetricProviderPluginBlockingStub;
import dev.ramp.plugin.v1.MetricRequest;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Metric-provider calls over gRPC; idempotent per the contract, so retried once on UNAVAILABLE. A
 * measurement's {@code Run}, {@code Resume} and {@code Terminate} go through the host's answer
 * memory, as step calls do: the answer for a call key is reused until the controller records it.
 */
final class GrpcMetricProviderClient implements MetricProviderClient {

  private final PluginCalls calls;
  private final Function<String, PluginAvailability> availability;
  private final Clock clock;

  GrpcMetricProviderClient(
      PluginCalls calls, Function<String, PluginAvailability> availability, Clock clock) {
    this.calls = calls;
    this.availability = availability;
    this.clock = clock;
  }

  @Override
  public PluginAvailability availability(String pluginName) {
    return availability.apply(pluginName);
  }

  private <T> T call(
      String plugin, String method, Function<MetricProviderPluginBlockingStub, T> rpc) {
    return calls.call(
        PluginKind.METRIC_PROVIDER,
        plugin,
        method,
        true,
        (channel, deadline) ->
            rpc.apply(
                MetricProviderPluginGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)));
  }

  private static MetricRequest request(String plugin, MetricCall call, String method) {
    return MetricRequest.newBuilder()
        .setContext(ProtoMapping.context(call.context(), plugin, method))
        .setAnalysisRunJson(ProtoMapping.json(call.analysisRun()))
        .setMetricJson(ProtoMapping.json(call.metric()))
        .setConfigJson(ProtoMapping.config(call.config()))
        .build();
  }

  @Override
  public Measurement run(String plugin, MetricCall call) {
    MetricRequest request = request(plugin, call, "Run");
    return measure(plugin, "Run", call, s -> s.run(request));
  }

  @Override
  public void recorded(java.util.Collection<CallKey> keys) {
    calls.recorded(keys);
  }

  @Override
  public Measurement resume(String plugin, MetricCall call, Measurement measurement) {
    MeasurementRequest request =
        MeasurementRequest.newBuilder()
            .setRequest(request(plugin, call, "Resume"))
            .setMeasurement(toProto(measurement))
            .build();
    return measure(plugin, "Resume", call, s -> s.resume(request));
  }

  @Override
  public Measurement terminate(String plugin, MetricCall call, Measurement measurement) {
    MeasurementRequest request =
        MeasurementRequest.newBuilder()
            .setRequest(request(plugin, call, "Terminate"))
            .setMeasurement(toProto(measurement))
            .build();
    return measure(plugin, "Terminate", call, s -> s.terminate(request));
  }

  @Override
  public void garbageCollect(String plugin, MetricCall call, int limit) {
    GarbageCollectRequest request =
        GarbageCollectRequest.newBuilder()
            .setRequest(request(plugin, call, "GarbageCollect"))
            .setLimit(limit)
            .build();
    call(plugin, "GarbageCollect", s -> s.garbageCollect(request));
  }

  @Override
  public Map<String, String> metadata(String plugin, MetricCall call) {
    MetadataRequest request =
        MetadataRequest.newBuilder().setRequest(request(plugin, call, "GetMetadata")).build();
    return Map.copyOf(call(plugin, "GetMetadata", s -> s.getMetadata(request)).getMetadataMap());
  }

  private Measurement measure(
      String plugin,
      String method,
      MetricCall call,
      Function<MetricProviderPluginBlockingStub, dev.ramp.plugin.v1.Measurement> rpc) {
    CallKey key =
        new CallKey(plugin, method, call.context().idempotencyKey(), call.context().attempt());
    try {
      dev.ramp.plugin.v1.Measurement answer =
          calls.callOnce(
              key,
              PluginKind.METRIC_PROVIDER,
              plugin,
              method,
              true,
              (channel, deadline) ->
                  rpc.apply(
                      MetricProviderPluginGrpc.newBlockingStub(channel)
                          .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)));
      return fromProto(plugin, method, answer);
    } catch (PluginCallException e) {
      return Measurement.error(e.getMessage(), clock.instant());
    }
  }

  private Measurement fromProto(String plugin, String method, dev.ramp.plugin.v1.Measurement m) {
    Measurement.Phase phase =
        switch (m.getPhase()) {
          case MEASUREMENT_PHASE_RUNNING -> Measurement.Phase.RUNNING;
          case MEASUREMENT_PHASE_SUCCESSFUL -> Measurement.Phase.SUCCESSFUL;
          case MEASUREMENT_PHASE_FAILED -> Measurement.Phase.FAILED;
          case MEASUREMENT_PHASE_INCONCLUSIVE -> Measurement.Phase.INCONCLUSIVE;
          case MEASUREMENT_PHASE_ERROR -> Measurement.Phase.ERROR;
          default -> null;
        };
    if (phase == null) {
      return Measurement.error(
          "plugin returned no phase (metric-provider plugin " + plugin + ", " + method + ")",
          clock.instant());
    }
    return new Measurement(
        phase,
        m.getValue(),
        m.getMetadataMap(),
        ProtoMapping.instant(m.hasStartedAt(), m.getStartedAt()),
        ProtoMapping.instant(m.hasFinishedAt(), m.getFinishedAt()),
        ProtoMapping.instant(m.hasResumeAt(), m.getResumeAt()),
        m.getMessage());
  }

  private static dev.ramp.plugin.v1.Measurement toProto(Measurement m) {
    dev.ramp.plugin.v1.Measurement.Builder b =
        dev.ramp.plugin.v1.Measurement.newBuilder()
            .setPhase(
                switch (m.phase()) {
                  case RUNNING -> dev.ramp.plugin.v1.MeasurementPhase.MEASUREMENT_PHASE_RUNNING;
                  case SUCCESSFUL ->
                      dev.ramp.plugin.v1.MeasurementPhase.MEASUREMENT_PHASE_SUCCESSFUL;
                  case FAILED -> dev.ramp.plugin.v1.MeasurementPhase.MEASUREMENT_PHASE_FAILED;
                  case INCONCLUSIVE ->
                      dev.ramp.plugin.v1.MeasurementPhase.MEASUREMENT_PHASE_INCONCLUSIVE;
                  case ERROR -> dev.ramp.plugin.v1.MeasurementPhase.MEASUREMENT_PHASE_ERROR;
                })
            .setValue(m.value())
            .putAllMetadata(m.metadata())
            .setMessage(m.message());
    if (m.startedAt() != null) {
      b.setStartedAt(ProtoMapping.timestamp(m.startedAt()));
    }
    if (m.finishedAt() != null) {
      b.setFinishedAt(ProtoMapping.timestamp(m.finishedAt()));
    }
    if (m.resumeAt() != null) {
      b.setResumeAt(ProtoMapping.timestamp(m.resumeAt()));
    }
    return b.build();
  }
}
