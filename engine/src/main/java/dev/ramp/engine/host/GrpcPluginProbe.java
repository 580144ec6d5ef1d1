package dev.ramp.engine.host;

import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.plugin.v1.InitRequest;
import dev.ramp.plugin.v1.MetricProviderPluginGrpc;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Health checks over {@code grpc.health.v1} and the Init call of router and metric plugins. */
final class GrpcPluginProbe implements PluginProbe {

  /** The health service name every plugin serves, per the contract. */
  static final String SERVICE = "plugin";

  @Override
  public boolean serving(ManagedChannel channel, Duration timeout) {
    try {
      HealthCheckResponse response =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .check(HealthCheckRequest.newBuilder().setService(SERVICE).build());
      return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  @Override
  public void init(PluginEntry entry, ManagedChannel channel) {
    long deadline = entry.limits().callDeadline().toMillis();
    InitRequest request = InitRequest.newBuilder().setPluginName(entry.name()).build();
    switch (entry.kind()) {
      case STEP -> {}
      case TRAFFIC_ROUTER ->
          TrafficRouterPluginGrpc.newBlockingStub(channel)
              .withDeadlineAfter(deadline, TimeUnit.MILLISECONDS)
              .init(request);
      case METRIC_PROVIDER ->
          MetricProviderPluginGrpc.newBlockingStub(channel)
              .withDeadlineAfter(deadline, TimeUnit.MILLISECONDS)
              .init(request);
    }
  }
}
