package dev.ramp.plugins.judge;

import dev.ramp.plugins.judge.JudgeConfig.Direction;
import dev.ramp.plugins.judge.JudgeConfig.EffectMeasure;
import dev.ramp.plugins.judge.JudgeConfig.MetricSpec;
import dev.ramp.plugins.judge.JudgeConfig.NanStrategy;
import java.util.Arrays;

/**
 * One metric's class from the canary's and stable's values, with the semantics of Kayenta's {@code
 * NetflixACAJudge} and {@code MannWhitneyClassifier}: NaN handling, then outlier removal, then
 * Nodata, identical data, one value throughout, and otherwise the Mann-Whitney test at confidence
 * 0.98 with the tolerance rule, the direction and the effect size.
 */
final class MetricClassifier {

  /** Kayenta's confidence level of the interval. */
  static final double CONFIDENCE = 0.98;

  /** Kayenta's tolerance: the interval must clear this share of the estimate's size. */
  static final double TOLERANCE = 0.25;

  private MetricClassifier() {}

  /** The values after NaN handling and outlier removal, as Kayenta transforms them. */
  static double[] transform(double[] values, MetricSpec spec) {
    double[] v = Transforms.handleNaNs(values, spec.nanStrategy());
    return spec.removeOutliers() ? Transforms.removeOutliers(v, spec.outlierFactor()) : v;
  }

  /** Classifies transformed values: {@code canary} is Kayenta's experiment, stable its control. */
  static MetricVerdict classify(MetricSpec spec, double[] canary, double[] stable) {
    String name = spec.name();
    int nc = canary.length;
    int ns = stable.length;
    if (nc == 0 || ns == 0) {
      if (spec.nanStrategy() == NanStrategy.REPLACE) {
        return verdict(spec, Classification.PASS, "", false, null, canary, stable);
      }
      String reason = "Missing data for " + name;
      return spec.mustHaveData() && !spec.critical()
          ? verdict(spec, Classification.NODATA_FAIL_METRIC, reason, false, null, canary, stable)
          : verdict(spec, Classification.NODATA, reason, spec.critical(), null, canary, stable);
    }
    double[] c = canary.clone();
    double[] s = stable.clone();
    Arrays.sort(c);
    Arrays.sort(s);
    if (Arrays.equals(c, s)) {
      String reason = "The canary and stable data are identical";
      return verdict(spec, Classification.PASS, reason, false, null, canary, stable);
    }
    if (Transforms.constant(c) && Transforms.constant(s) && c[0] == s[0]) {
      return verdict(spec, Classification.PASS, "", false, null, canary, stable);
    }
    MannWhitney.Result test = test(canary, stable);
    double effect = effect(spec, canary, stable);
    double bound = TOLERANCE * Math.abs(test.estimate());
    Direction d = spec.direction();
    boolean high =
        d != Direction.DECREASE
            && test.lower() > bound
            && (Double.isNaN(effect) || effect >= spec.allowedIncrease());
    boolean low =
        d != Direction.INCREASE
            && test.upper() < -bound
            && (Double.isNaN(effect) || effect <= spec.allowedDecrease());
    if (!high && !low) {
      return verdict(spec, Classification.PASS, "", false, test, canary, stable);
    }
    Classification k = high ? Classification.HIGH : Classification.LOW;
    boolean critical =
        spec.critical()
            && (Double.isNaN(effect)
                || (high ? effect >= spec.criticalIncrease() : effect <= spec.criticalDecrease()));
    String reason =
        critical
            ? "The metric " + name + " was classified as " + k.label() + " (Critical)"
            : name + " was classified as " + k.label();
    return verdict(spec, k, reason, critical, test, canary, stable);
  }

  /**
   * The Mann-Whitney test of the canary against stable. When each side is one constant value (and
   * the two differ), the shift is exactly their difference: Ramp takes it as the estimate and both
   * ends of the interval, where Kayenta adds random noise of 1e-5 of the value to both samples to
   * get the same answer up to that noise.
   */
  static MannWhitney.Result test(double[] canary, double[] stable) {
    if (Transforms.constant(canary) && Transforms.constant(stable)) {
      double shift = canary[0] - stable[0];
      return new MannWhitney.Result(MannWhitney.u(canary, stable), Double.NaN, shift, shift, shift);
    }
    return MannWhitney.test(canary, stable, CONFIDENCE);
  }

  private static double effect(MetricSpec spec, double[] canary, double[] stable) {
    return spec.effectMeasure() == EffectMeasure.CLES
        ? Transforms.cles(stable, canary)
        : Transforms.meanRatio(stable, canary);
  }

  private static MetricVerdict verdict(
      MetricSpec spec,
      Classification k,
      String reason,
      boolean critical,
      MannWhitney.Result test,
      double[] canary,
      double[] stable) {
    boolean data = canary.length > 0 && stable.length > 0;
    return new MetricVerdict(
        spec.name(),
        k,
        reason,
        critical,
        test,
        data ? effect(spec, canary, stable) : Double.NaN,
        data ? Transforms.meanRatio(stable, canary) : Double.NaN,
        canary.length,
        stable.length);
  }
}
