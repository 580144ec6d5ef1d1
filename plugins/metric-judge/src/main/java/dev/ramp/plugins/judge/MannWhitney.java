package dev.ramp.plugins.judge;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.hipparchus.analysis.UnivariateFunction;
import org.hipparchus.analysis.solvers.BrentSolver;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.stat.ranking.NaNStrategy;
import org.hipparchus.stat.ranking.NaturalRanking;
import org.hipparchus.stat.ranking.TiesStrategy;

/**
 * The two-sample, two-sided Wilcoxon rank-sum (Mann-Whitney) test with an estimate and a confidence
 * interval for the location shift {@code x - y}, from the normal approximation with continuity and
 * tie corrections: the semantics of R's {@code wilcox.test(x, y, conf.int = TRUE, exact = FALSE,
 * correct = TRUE)}, which Kayenta's {@code MannWhitney} follows.
 *
 * <p>For a shift {@code mu}, {@code z(mu)} is the corrected standardized rank sum of {@code x - mu}
 * among {@code (x - mu) ∪ y}. It falls as {@code mu} grows (a step function). The estimate is the
 * root of {@code z(mu) = 0}, the interval's ends the roots of {@code z(mu) = ±q} with {@code q} the
 * normal quantile of {@code 1 - (1 - confidence) / 2}, each searched in {@code [min x - max y, max
 * x - min y]} by Hipparchus' Brent solver; when the function does not change sign there, the end of
 * the range it stays on is the root (as R and Kayenta do).
 */
final class MannWhitney {

  /**
   * @param u the Mann-Whitney U of {@code x}: its rank sum minus {@code n(n+1)/2}
   * @param pValue the two-sided p-value of the null shift 0, continuity- and tie-corrected
   * @param estimate the shift {@code x - y} where {@code z} crosses 0
   * @param lower the interval's lower end
   * @param upper the interval's upper end
   */
  record Result(double u, double pValue, double estimate, double lower, double upper) {}

  private static final NaturalRanking RANKING =
      new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE);
  private static final int MAX_EVALUATIONS = 10_000;

  private MannWhitney() {}

  /** The test of {@code x} against {@code y} at {@code confidence} (e.g. 0.98). */
  static Result test(double[] x, double[] y, double confidence) {
    if (x.length == 0 || y.length == 0) {
      throw new IllegalArgumentException("both samples need a value");
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
    }
    double q = new NormalDistribution(0, 1).inverseCumulativeProbability(1 - (1 - confidence) / 2);
    double min = min(x) - max(y);
    double max = max(x) - min(y);
    double z0 = z(0, x, y);
    double p = 2 * new NormalDistribution(0, 1).cumulativeProbability(-Math.abs(z0));
    return new Result(
        u(x, y),
        Math.min(1, p),
        root(0, x, y, min, max),
        root(q, x, y, min, max),
        root(-q, x, y, min, max));
  }

  /** The Mann-Whitney U of {@code x}: how many pairs {@code x > y}, ties counting half. */
  static double u(double[] x, double[] y) {
    double[] ranks = RANKING.rank(concat(x, y));
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += ranks[i];
    }
    return sum - x.length * (x.length + 1) / 2.0;
  }

  /**
   * The continuity- and tie-corrected standardized rank statistic of {@code x - mu} against {@code
   * y}; it has no value (an exception) when every value of both is tied.
   */
  static double z(double mu, double[] x, double[] y) {
    double nx = x.length;
    double ny = y.length;
    double[] shifted = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      shifted[i] = x[i] - mu;
    }
    double[] ranks = RANKING.rank(concat(shifted, y));
    double rankSum = 0;
    for (int i = 0; i < x.length; i++) {
      rankSum += ranks[i];
    }
    double dz = rankSum - nx * (nx + 1) / 2 - nx * ny / 2;
    double correction = Math.signum(dz) * 0.5;
    double sigma =
        Math.sqrt(nx * ny / 12 * ((nx + ny + 1) - ties(ranks) / ((nx + ny) * (nx + ny - 1))));
    if (sigma == 0) {
      throw new IllegalArgumentException("every observation is tied: the statistic has no value");
    }
    return (dz - correction) / sigma;
  }

  /** The root of {@code z(mu) = q} in {@code [min, max]}. */
  private static double root(double q, double[] x, double[] y, double min, double max) {
    if (min == max) {
      return min;
    }
    UnivariateFunction f = mu -> z(mu, x, y) - q;
    double atMin = f.value(min);
    if (atMin <= 0) {
      return min;
    }
    double atMax = f.value(max);
    if (atMax >= 0) {
      return max;
    }
    // z is a step function: the root is a jump, found to a width far below the data's scale.
    double accuracy = Math.max((max - min) * 1e-12, Double.MIN_NORMAL);
    return new BrentSolver(1e-14, accuracy).solve(MAX_EVALUATIONS, f, min, max);
  }

  /** The sum of {@code t³ - t} over the groups of {@code t} tied ranks. */
  private static double ties(double[] ranks) {
    Map<Double, Integer> counts = new HashMap<>();
    for (double r : ranks) {
      counts.merge(r, 1, Integer::sum);
    }
    double sum = 0;
    for (int t : counts.values()) {
      sum += (double) t * t * t - t;
    }
    return sum;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  static double min(double[] values) {
    return Arrays.stream(values).min().orElseThrow();
  }

  static double max(double[] values) {
    return Arrays.stream(values).max().orElseThrow();
  }
}
