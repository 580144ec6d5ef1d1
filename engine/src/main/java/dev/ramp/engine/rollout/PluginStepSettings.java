package dev.ramp.engine.rollout;

import java.time.Duration;

/**
 * How plugin steps are paced: a policy, validated once (its per-call execution is the plugin-step
 * sub-step).
 *
 * @param runningFloor the shortest wait before calling a RUNNING plugin again
 * @param runningDefault the wait when a RUNNING plugin leaves it to the controller
 * @param errorBackoff the first wait after an ERROR, doubling on each further ERROR
 * @param errorBackoffMax the cap of that doubling
 * @param unavailableRetry how often a step looks again at a plugin that is starting, backing off or
 *     refused
 */
public record PluginStepSettings(
    Duration runningFloor,
    Duration runningDefault,
    Duration errorBackoff,
    Duration errorBackoffMax,
    Duration unavailableRetry) {
  public PluginStepSettings {
    for (Duration d :
        new Duration[] {
          runningFloor, runningDefault, errorBackoff, errorBackoffMax, unavailableRetry
        }) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(
            "plugin step durations must be positive, got " + d + " in " + this);
      }
    }
    if (errorBackoffMax.compareTo(errorBackoff) < 0) {
      throw new IllegalArgumentException(
          "errorBackoffMax "
              + Durations.format(errorBackoffMax)
              + " is below errorBackoff "
              + Durations.format(errorBackoff));
    }
  }

  /** Floor 1 s, default 10 s, errors 5 s doubling to 5 min, unavailable plugins every 5 s. */
  public static PluginStepSettings defaults() {
    return new PluginStepSettings(
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        Duration.ofMinutes(5),
        Duration.ofSeconds(5));
  }

  /**
   * The wait after a failed call: {@code errorBackoff} at first, doubling from {@code previous}
   * (the last failure's wait, null when the last call did not fail) up to {@code errorBackoffMax}.
   * Shared by plugin steps and traffic routers.
   */
  Duration errorBackoffAfter(String previous) {
    if (previous == null) {
      return errorBackoff;
    }
    Duration wait = Durations.parse(previous, "backoff").multipliedBy(2);
    return wait.compareTo(errorBackoffMax) > 0 ? errorBackoffMax : wait;
  }

  /** The same settings with another floor and default for RUNNING requeues. */
  public PluginStepSettings withRunning(Duration floor, Duration byDefault) {
    return new PluginStepSettings(
        floor, byDefault, errorBackoff, errorBackoffMax, unavailableRetry);
  }
}
