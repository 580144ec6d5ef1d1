package dev.ramp.plugins.judge;

import java.util.Arrays;
import org.hipparchus.stat.StatUtils;
import org.hipparchus.stat.descriptive.rank.Percentile;
import org.hipparchus.stat.descriptive.rank.Percentile.EstimationType;
import org.hipparchus.stat.ranking.NaNStrategy;
import org.hipparchus.stat.ranking.NaturalRanking;
import org.hipparchus.stat.ranking.TiesStrategy;

/**
 * What Kayenta's judge does to a sample before it compares: NaN handling, outlier removal by the
 * interquartile range, and the effect sizes (mean ratio and the common-language effect size).
 */
final class Transforms {

  private Transforms() {}

  /** {@code remove}: NaNs dropped; {@code replace}: NaNs become 0. */
  static double[] handleNaNs(double[] values, JudgeConfig.NanStrategy strategy) {
    return strategy == JudgeConfig.NanStrategy.REMOVE
        ? Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray()
        : Arrays.stream(values).map(v -> Double.isNaN(v) ? 0 : v).toArray();
  }

  /**
   * The values inside the fences, as Kayenta's {@code IQRDetector} with {@code reduceSensitivity}:
   * the lower fence is {@code min(p1, Q1 - factor × IQR)}, the upper {@code max(p99, Q3 + factor ×
   * IQR)}, percentiles by R's type 7.
   */
  static double[] removeOutliers(double[] values, double factor) {
    if (values.length == 0) {
      return values;
    }
    Percentile percentile = new Percentile().withEstimationType(EstimationType.R_7);
    percentile.setData(values);
    double q1 = percentile.evaluate(25);
    double q3 = percentile.evaluate(75);
    double iqr = q3 - q1;
    double lower = Math.min(percentile.evaluate(1), q1 - factor * iqr);
    double upper = Math.max(percentile.evaluate(99), q3 + factor * iqr);
    return Arrays.stream(values).filter(v -> v >= lower && v <= upper).toArray();
  }

  /** Canary mean over stable mean; NaN when either mean is 0 (Kayenta's {@code meanRatio}). */
  static double meanRatio(double[] stable, double[] canary) {
    double s = StatUtils.mean(stable);
    double c = StatUtils.mean(canary);
    return s == 0 || c == 0 ? Double.NaN : c / s;
  }

  /**
   * The common-language effect size: the share of (canary, stable) pairs where the canary is
   * higher, ties counting half (Vargha and Delaney's A, Kayenta's {@code cles}).
   */
  static double cles(double[] stable, double[] canary) {
    double[] all = Arrays.copyOf(canary, canary.length + stable.length);
    System.arraycopy(stable, 0, all, canary.length, stable.length);
    double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(all);
    double r1 = 0;
    for (int i = 0; i < canary.length; i++) {
      r1 += ranks[i];
    }
    double m = canary.length;
    double n = stable.length;
    return (2 * r1 - m * (m + 1)) / (2 * n * m);
  }

  /** Whether every value of the sample is the same. */
  static boolean constant(double[] values) {
    return Arrays.stream(values).distinct().count() == 1;
  }
}
