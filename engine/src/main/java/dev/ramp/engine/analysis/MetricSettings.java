package dev.ramp.engine.analysis;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the semantics need of one metric of an AnalysisRun, its arguments already resolved and its
 * durations parsed; Argo's {@code Metric} in {@code pkg/apis/rollouts/v1alpha1/analysis_types.go}
 * without provider and conditions. {@link #of(String)} gives Argo's defaults.
 *
 * @param count measurements to take; 0 means not set (Argo reads a zero count as absent)
 * @param interval time between measurements; null if not set
 * @param initialDelay wait after the run's start before the first measurement; null if not set
 * @param failureLimit Failed measurements tolerated; -1 turns the limit off (only together with a
 *     {@code consecutiveSuccessLimit} above 0)
 * @param inconclusiveLimit Inconclusive measurements tolerated
 * @param consecutiveErrorLimit Errors in a row tolerated
 * @param consecutiveSuccessLimit Successes in a row that make the metric Successful; 0 is off
 * @param dryRun the metric is measured and reported but never decides the run
 * @param retentionLimit measurements kept in the status; 0 means the default, 10
 */
record MetricSettings(
    String name,
    int count,
    Duration interval,
    Duration initialDelay,
    int failureLimit,
    int inconclusiveLimit,
    int consecutiveErrorLimit,
    int consecutiveSuccessLimit,
    boolean dryRun,
    int retentionLimit) {

  /** Argo's {@code DefaultConsecutiveErrorLimit} in {@code utils/defaults/defaults.go}. */
  static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

  /** Argo's {@code DefaultMeasurementHistoryLimit} in {@code analysis/analysis.go}. */
  static final int DEFAULT_RETENTION_LIMIT = 10;

  /** A metric with Argo's defaults: one measurement, limits 0 / 0 / 4 / 0. */
  static MetricSettings of(String name) {
    return new MetricSettings(
        name, 0, null, null, 0, 0, DEFAULT_CONSECUTIVE_ERROR_LIMIT, 0, false, 0);
  }

  MetricSettings withCount(int value) {
    return new MetricSettings(
        name,
        value,
        interval,
        initialDelay,
        failureLimit,
        inconclusiveLimit,
        consecutiveErrorLimit,
        consecutiveSuccessLimit,
        dryRun,
        retentionLimit);
  }

  MetricSettings withInterval(Duration value) {
    return new MetricSettings(
        name,
        count,
        value,
        initialDelay,
        failureLimit,
        inconclusiveLimit,
        consecutiveErrorLimit,
        consecutiveSuccessLimit,
        dryRun,
        retentionLimit);
  }

  MetricSettings withInitialDelay(Duration value) {
    return new MetricSettings(
        name,
        count,
        interval,
        value,
        failureLimit,
        inconclusiveLimit,
        consecutiveErrorLimit,
        consecutiveSuccessLimit,
        dryRun,
        retentionLimit);
  }

  MetricSettings withFailureLimit(int value) {
    return new MetricSettings(
        name,
        count,
        interval,
        initialDelay,
        value,
        inconclusiveLimit,
        consecutiveErrorLimit,
        consecutiveSuccessLimit,
        dryRun,
        retentionLimit);
  }

  MetricSettings withInconclusiveLimit(int value) {
    return new MetricSettings(
        name,
        count,
        interval,
        initialDelay,
        failureLimit,
        value,
        consecutiveErrorLimit,
        consecutiveSuccessLimit,
        dryRun,
        retentionLimit);
  }

  MetricSettings withConsecutiveErrorLimit(int value) {
    return new MetricSettings(
        name,
        count,
        interval,
        initialDelay,
        failureLimit,
        inconclusiveLimit,
        value,
        consecutiveSuccessLimit,
        dryRun,
        retentionLimit);
  }

  MetricSettings withConsecutiveSuccessLimit(int value) {
    return new MetricSettings(
        name,
        count,
        interval,
        initialDelay,
        failureLimit,
        inconclusiveLimit,
        consecutiveErrorLimit,
        value,
        dryRun,
        retentionLimit);
  }

  MetricSettings withDryRun(boolean value) {
    return new MetricSettings(
        name,
        count,
        interval,
        initialDelay,
        failureLimit,
        inconclusiveLimit,
        consecutiveErrorLimit,
        consecutiveSuccessLimit,
        value,
        retentionLimit);
  }

  MetricSettings withRetentionLimit(int value) {
    return new MetricSettings(
        name,
        count,
        interval,
        initialDelay,
        failureLimit,
        inconclusiveLimit,
        consecutiveErrorLimit,
        consecutiveSuccessLimit,
        dryRun,
        value);
  }

  /**
   * Argo's {@code Metric.EffectiveCount}: the count if set; 1 if neither count nor interval is set;
   * none (measure until the run is terminated) if only the interval is set.
   */
  OptionalInt effectiveCount() {
    if (count > 0) {
      return OptionalInt.of(count);
    }
    return interval == null ? OptionalInt.of(1) : OptionalInt.empty();
  }

  /** Measurements kept in the status: {@code retentionLimit} if above 0, else 10. */
  int effectiveRetentionLimit() {
    return retentionLimit > 0 ? retentionLimit : DEFAULT_RETENTION_LIMIT;
  }

  /**
   * The limit rules of Argo's {@code ValidateMetric} in {@code utils/analysis/factory.go}, with its
   * messages; empty when the settings are valid.
   */
  Optional<String> validate() {
    if (consecutiveSuccessLimit < 0) {
      return Optional.of("consecutiveSuccessLimit must be >= 0");
    }
    if (failureLimit < -1) {
      return Optional.of("failureLimit must be >= 0, or -1 to be disabled");
    }
    if (consecutiveSuccessLimit == 0 && failureLimit == -1) {
      return Optional.of("failureLimit and consecutiveSuccessLimit cannot both be disabled");
    }
    if (inconclusiveLimit < 0) {
      return Optional.of("inconclusiveLimit must be >= 0");
    }
    if (consecutiveErrorLimit < 0) {
      return Optional.of("consecutiveErrorLimit must be >= 0");
    }
    if (count < 0) {
      return Optional.of("count must be >= 0");
    }
    return validateCount();
  }

  private Optional<String> validateCount() {
    if (count > 0) {
      if (failureLimit >= 0 && count < failureLimit + consecutiveSuccessLimit) {
        return Optional.of(
            "count (%d) must be >= failureLimit + consecutiveSuccessLimit (%d + %d) if both >= 0"
                .formatted(count, failureLimit, consecutiveSuccessLimit));
      }
      if (failureLimit < 0 && count < consecutiveSuccessLimit) {
        return Optional.of("count must be >= consecutiveSuccessLimit");
      }
      if (count < inconclusiveLimit) {
        return Optional.of("count must be >= inconclusiveLimit");
      }
    }
    if (count > 1 && interval == null) {
      return Optional.of("interval must be specified when count > 1");
    }
    return Optional.empty();
  }
}
