package dev.ramp.plugins.judge;

import java.util.Arrays;
import org.hipparchus.analysis.solvers.BrentSolver;
import org.hipparchus.distribution.discrete.BinomialDistribution;

/**
 * The anytime-valid test of the sequential judge: an e-process for "the canary's error rate equals
 * stable's" from the errors and requests (the exposure) of each version in each interval.
 *
 * <p>Errors at each version are a Poisson process whose intensity is the version's requests times
 * its error rate. Given an interval's exposures {@code ec}, {@code es} and its total errors {@code
 * n}, the canary's errors are Binomial(n, π(ρ)) with {@code π(ρ) = ρ·ec / (ρ·ec + es)}, ρ the rate
 * ratio canary/stable; under H0 (ρ = 1) {@code π0 = ec / (ec + es)}. For a fixed ρ the product of
 * the intervals' likelihood ratios {@code Bin(x; n, π(ρ)) / Bin(x; n, π0)} has expectation 1 given
 * the past, the exposures and n, whatever the traffic split does between intervals: a nonnegative
 * martingale under H0. A mixture over ρ with fixed weights is one too, and by Ville's inequality
 * {@code P(sup e ≥ 1/α) ≤ α}. This is the conditional (binomial) form of the Poisson-process test
 * of Lindon & Malek ("Anytime-Valid Inference for Multinomial Count Data", NeurIPS 2022), with a
 * discrete mixture over ρ in place of their conjugate Dirichlet mixture, which needs a constant
 * null share.
 *
 * <p>The mixture: ρ = 2^(k/4) for k = 1..16 (1.19 to 16; {@code increase}, the canary worse), or k
 * = ±1..±16 ({@code either}), equal weights. Immutable; the state is the log likelihood ratio of
 * every ρ.
 */
final class EProcess {

  /** Grid points per side: ρ from 2^(1/4) to 2^4. */
  static final int GRID = 16;

  private final boolean twoSided;
  private final double[] logLr;

  private EProcess(boolean twoSided, double[] logLr) {
    this.twoSided = twoSided;
    this.logLr = logLr;
  }

  /** A fresh process: e-value 1. */
  static EProcess start(boolean twoSided) {
    return new EProcess(twoSided, new double[ratios(twoSided).length]);
  }

  /** A process from its stored log likelihood ratios (one per grid point). */
  static EProcess of(boolean twoSided, double[] logLr) {
    if (logLr.length != ratios(twoSided).length) {
      throw new IllegalArgumentException(
          "expected " + ratios(twoSided).length + " log likelihood ratios, got " + logLr.length);
    }
    return new EProcess(twoSided, logLr.clone());
  }

  /** The rate ratios of the mixture. */
  static double[] ratios(boolean twoSided) {
    double[] out = new double[twoSided ? 2 * GRID : GRID];
    for (int k = 1; k <= GRID; k++) {
      out[k - 1] = Math.pow(2, k / 4.0);
      if (twoSided) {
        out[GRID + k - 1] = Math.pow(2, -k / 4.0);
      }
    }
    return out;
  }

  boolean twoSided() {
    return twoSided;
  }

  double[] logLr() {
    return logLr.clone();
  }

  /**
   * The process after one interval: {@code canaryErrors} and {@code stableErrors} errors over
   * {@code canaryRequests} and {@code stableRequests} requests. An interval without requests at a
   * version or without errors carries no evidence (the process stays).
   */
  EProcess update(long canaryErrors, long stableErrors, long canaryRequests, long stableRequests) {
    long n = canaryErrors + stableErrors;
    if (n == 0 || canaryRequests <= 0 || stableRequests <= 0) {
      return this;
    }
    if (n > Integer.MAX_VALUE || canaryErrors < 0 || stableErrors < 0) {
      throw new IllegalArgumentException(
          "errors out of range: " + canaryErrors + ", " + stableErrors);
    }
    double ec = canaryRequests;
    double es = stableRequests;
    double pi0 = ec / (ec + es);
    int trials = (int) n;
    int x = (int) canaryErrors;
    double null0 = new BinomialDistribution(trials, pi0).logProbability(x);
    double[] rho = ratios(twoSided);
    double[] next = logLr.clone();
    for (int k = 0; k < rho.length; k++) {
      double pi = rho[k] * ec / (rho[k] * ec + es);
      next[k] += new BinomialDistribution(trials, pi).logProbability(x) - null0;
    }
    return new EProcess(twoSided, next);
  }

  /** The log of the e-value: the log of the mixture's average likelihood ratio. */
  double logE() {
    return logMean(logLr);
  }

  double e() {
    return Math.exp(logE());
  }

  /** Whether the e-value reached 1/α (Ville: the false-rejection chance is at most α). */
  boolean rejects(double alpha) {
    return logE() >= Math.log(1 / alpha);
  }

  /** log((1/m) Σ exp(v)) without overflow. */
  static double logMean(double[] v) {
    double max = Arrays.stream(v).max().orElse(0);
    if (Double.isInfinite(max)) {
      return max;
    }
    double sum = 0;
    for (double x : v) {
      sum += Math.exp(x - max);
    }
    return max + Math.log(sum / v.length);
  }

  /**
   * The minimum detectable effect at given exposures: the smallest rate ratio ρ > 1 at which the
   * canary's and stable's expected errors ({@code ρ·rate·canaryRequests} and {@code
   * rate·stableRequests}) taken as one interval reach e = 1/α, about 50 % power; NaN when even ρ =
   * 1000 would not (too little traffic or no errors at all).
   */
  static double minimumDetectableRatio(
      boolean twoSided, double alpha, double rate, double canaryRequests, double stableRequests) {
    if (!(rate > 0) || !(canaryRequests > 0) || !(stableRequests > 0)) {
      return Double.NaN;
    }
    double threshold = Math.log(1 / alpha);
    double[] grid = ratios(twoSided);
    double pi0 = canaryRequests / (canaryRequests + stableRequests);
    org.hipparchus.analysis.UnivariateFunction f =
        r -> {
          double xc = r * rate * canaryRequests;
          double xs = rate * stableRequests;
          double[] l = new double[grid.length];
          for (int k = 0; k < grid.length; k++) {
            double pi = grid[k] * canaryRequests / (grid[k] * canaryRequests + stableRequests);
            l[k] = xc * Math.log(pi / pi0) + xs * Math.log((1 - pi) / (1 - pi0));
          }
          return logMean(l) - threshold;
        };
    double hi = 1000;
    if (f.value(hi) < 0) {
      return Double.NaN;
    }
    if (f.value(1) >= 0) {
      return 1;
    }
    return new BrentSolver(1e-6).solve(1000, f, 1, hi);
  }
}
