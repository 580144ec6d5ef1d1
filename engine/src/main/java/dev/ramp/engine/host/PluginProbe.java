package dev.ramp.engine.host;

import dev.ramp.engine.host.config.PluginEntry;
import io.grpc.ManagedChannel;
import java.time.Duration;

/** Health checks and the {@code Init} call; the seam that unit tests fake. */
interface PluginProbe {

  /** True when {@code grpc.health.v1.Health/Check} for service "plugin" answers SERVING. */
  boolean serving(ManagedChannel channel, Duration timeout);

  /**
   * Calls {@code Init} on router and metric plugins once after they started; nothing for step
   * plugins.
   *
   * @throws RuntimeException when the plugin refuses or does not answer
   */
  void init(PluginEntry entry, ManagedChannel channel);
}
