package dev.ramp.engine.host.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of one plugin. Validated by the config parser, which names the bad value.
 *
 * @param callDeadline the gRPC deadline of every call to the plugin
 * @param maxConcurrentCalls the plugin's bulkhead: calls beyond it are rejected at once
 * @param startTimeout how long the launch may take until the plugin answers its health check
 */
public record PluginLimits(Duration callDeadline, int maxConcurrentCalls, Duration startTimeout) {

  public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 4;
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(20);

  public PluginLimits {
    Objects.requireNonNull(callDeadline, "callDeadline");
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (callDeadline.isNegative() || callDeadline.isZero()) {
      throw new IllegalArgumentException(
          "callDeadline must be positive, got "
              + dev.ramp.engine.model.GoDuration.format(callDeadline));
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException(
          "startTimeout must be positive, got "
              + dev.ramp.engine.model.GoDuration.format(startTimeout));
    }
    if (maxConcurrentCalls < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentCalls must be at least 1, got " + maxConcurrentCalls);
    }
  }

  public static PluginLimits defaults() {
    return new PluginLimits(
        DEFAULT_CALL_DEADLINE, DEFAULT_MAX_CONCURRENT_CALLS, DEFAULT_START_TIMEOUT);
  }
}
