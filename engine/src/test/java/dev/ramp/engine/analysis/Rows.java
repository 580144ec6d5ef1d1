package dev.ramp.engine.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/** Shared builders of the semantics tables: a fixed clock and compact metric results. */
final class Rows {

  /** The injected "now" of every table; nothing reads a clock. */
  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private Rows() {}

  static Instant at(long secondsFromNow) {
    return NOW.plusSeconds(secondsFromNow);
  }

  static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  /** A table row named after the Argo test (or function) it comes from. */
  static Arguments row(String argoSource, String description, Object... values) {
    Object[] all = new Object[values.length + 1];
    all[0] = Named.of(argoSource + ": " + description, argoSource);
    System.arraycopy(values, 0, all, 1, values.length);
    return Arguments.of(all);
  }

  /**
   * Counters in Argo's field order: count, successful, failed, inconclusive, error,
   * consecutiveError, consecutiveSuccess.
   */
  static int[] c(int... counters) {
    return counters;
  }

  /** A Running metric result with the given counters whose last measurement has {@code last}. */
  static MetricState result(int[] counters, AnalysisPhase last) {
    return result(AnalysisPhase.Running, counters, last);
  }

  static MetricState result(AnalysisPhase phase, int[] k, AnalysisPhase last) {
    List<MeasurementRecord> ms = new ArrayList<>();
    if (last != null) {
      ms.add(
          last.completed()
              ? MeasurementRecord.finished(last, "99", at(-60))
              : MeasurementRecord.running(at(-60), null));
    }
    return new MetricState(
        "success-rate", phase, ms, k[0], k[1], k[2], k[3], k[4], k[5], k[6], "", false, Map.of());
  }

  static MetricState named(String name, MetricState state) {
    return new MetricState(
        name,
        state.phase(),
        state.measurements(),
        state.count(),
        state.successful(),
        state.failed(),
        state.inconclusive(),
        state.error(),
        state.consecutiveError(),
        state.consecutiveSuccess(),
        state.message(),
        state.dryRun(),
        state.metadata());
  }
}
