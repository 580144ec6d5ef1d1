package dev.ramp.engine.runtime;

import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.kube.AnalysisRunController;
import dev.ramp.engine.kube.RolloutController;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The controllers that follow the Lease together: Rollouts and AnalysisRuns, each with its own
 * informers and work queue, sharing the plugin host.
 */
final class Controllers implements AutoCloseable {
  private final RolloutController rollouts;
  private final AnalysisRunController analysisRuns;

  Controllers(
      KubernetesClient client,
      RampRuntime.Settings settings,
      PluginHost host,
      MeterRegistry registry) {
    this.rollouts =
        new RolloutController(
                client,
                settings.watchNamespace(),
                settings.clock(),
                settings.workers(),
                host.stepClient(),
                host.trafficRouterClient())
            .shard(settings.instanceId())
            .metrics(registry);
    this.analysisRuns =
        new AnalysisRunController(
            client,
            settings.watchNamespace(),
            settings.clock(),
            settings.workers(),
            host.metricProviderClient());
  }

  /** Starts both; returns once their informers have listed. */
  void start() {
    analysisRuns.start();
    rollouts.start();
  }

  boolean isReady() {
    return rollouts.isReady() && analysisRuns.isReady();
  }

  void resync() {
    rollouts.resync();
  }

  void clockAdvanced() {
    rollouts.clockAdvanced();
    analysisRuns.clockAdvanced();
  }

  boolean isIdle() {
    return rollouts.isIdle() && analysisRuns.isIdle();
  }

  java.util.Optional<java.time.Instant> nextDue() {
    return java.util.stream.Stream.of(rollouts.nextDue(), analysisRuns.nextDue())
        .flatMap(java.util.Optional::stream)
        .min(java.time.Instant::compareTo);
  }

  /** Rollouts stop first: a rollout's last reconcile may still read its runs. */
  @Override
  public void close() {
    rollouts.close();
    analysisRuns.close();
  }
}
