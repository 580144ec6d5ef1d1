package dev.ramp.engine.analysis;

import java.util.List;

/**
 * The phase of an AnalysisRun, a metric result or a measurement; the constants are spelled as on
 * the wire, as Argo's {@code AnalysisPhase}.
 */
enum AnalysisPhase {
  Pending,
  Running,
  Successful,
  Failed,
  Error,
  Inconclusive;

  /**
   * Best to worst, as Argo's {@code analysisStatusOrder} in {@code utils/analysis/helpers.go}:
   * Successful, Running, Pending, Inconclusive, Error, Failed.
   */
  static final List<AnalysisPhase> BEST_TO_WORST =
      List.of(Successful, Running, Pending, Inconclusive, Error, Failed);

  /** Argo's {@code AnalysisPhase.Completed}: Successful, Failed, Error or Inconclusive. */
  boolean completed() {
    return this == Successful || this == Failed || this == Error || this == Inconclusive;
  }

  /** Argo's {@code IsWorse(current, this)}: strictly further down {@link #BEST_TO_WORST}. */
  boolean isWorseThan(AnalysisPhase current) {
    return BEST_TO_WORST.indexOf(this) > BEST_TO_WORST.indexOf(current);
  }

  /** Argo's {@code Worst}: the worse of the two, {@code left} on a tie. */
  static AnalysisPhase worst(AnalysisPhase left, AnalysisPhase right) {
    return right.isWorseThan(left) ? right : left;
  }
}
