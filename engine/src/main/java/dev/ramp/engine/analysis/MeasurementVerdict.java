package dev.ramp.engine.analysis;

/**
 * What a metric's conditions say of one measured value. The conditions themselves are evaluated
 * elsewhere; this is only how their two answers combine, as Argo's {@code EvaluateResult} in {@code
 * utils/evaluate/evaluate.go}.
 */
enum MeasurementVerdict {
  SUCCESSFUL,
  FAILED,
  INCONCLUSIVE,
  /** A condition could not be evaluated. */
  ERROR;

  /** The measurement phase this verdict gives. */
  AnalysisPhase phase() {
    return switch (this) {
      case SUCCESSFUL -> AnalysisPhase.Successful;
      case FAILED -> AnalysisPhase.Failed;
      case INCONCLUSIVE -> AnalysisPhase.Inconclusive;
      case ERROR -> AnalysisPhase.Error;
    };
  }

  /**
   * Combines the answers of the success and failure conditions ({@code null}: the metric has no
   * such condition). No conditions: Successful. Success condition only: not true is Failed. Failure
   * condition only: not true is Successful. Both: a true failure condition wins, neither true is
   * Inconclusive.
   */
  static MeasurementVerdict of(Boolean successCondition, Boolean failureCondition) {
    if (successCondition == null && failureCondition == null) {
      return SUCCESSFUL;
    }
    boolean failed =
        failureCondition != null ? failureCondition : !Boolean.TRUE.equals(successCondition);
    boolean succeeded =
        successCondition != null ? successCondition : !Boolean.TRUE.equals(failureCondition);
    if (failed) {
      return FAILED;
    }
    return succeeded ? SUCCESSFUL : INCONCLUSIVE;
  }
}
