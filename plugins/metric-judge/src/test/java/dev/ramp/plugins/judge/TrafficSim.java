package dev.ramp.plugins.judge;

import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.random.Well19937c;

/**
 * Simulated canary traffic, interval by interval, for the sequential judge's tests and benchmark.
 * The total request rate is a base times a daily wave (random phase) times an AR(1) log factor (φ
 * 0.8, σ 0.2); the error rate is a base times its own AR(1) log factor (φ 0.7, σ 0.3) that both
 * versions share (the season), times {@code ratio} at the canary. The canary's share follows the
 * setWeight steps: 5 % for the first third of the intervals, 20 % for the second, 50 % after.
 * Requests and errors are Poisson. Seeded: the same seed gives the same run.
 */
final class TrafficSim {

  /** One interval's counts. */
  record Interval(long canaryRequests, long canaryErrors, long stableRequests, long stableErrors) {}

  private final RandomDataGenerator random;
  private final double baseRequests;
  private final double baseErrorRate;
  private final double ratio;
  private final int intervals;
  private final boolean autocorrelated;
  private final double phase;
  private double trafficNoise;
  private double errorNoise;
  private int t;

  TrafficSim(long seed, double baseRequests, double baseErrorRate, double ratio, int intervals) {
    this(seed, baseRequests, baseErrorRate, ratio, intervals, true);
  }

  /** With {@code autocorrelated} false: no wave and no AR(1), i.i.d. intervals at base rates. */
  TrafficSim(
      long seed,
      double baseRequests,
      double baseErrorRate,
      double ratio,
      int intervals,
      boolean autocorrelated) {
    this.autocorrelated = autocorrelated;
    this.random = RandomDataGenerator.of(new Well19937c(seed));
    this.baseRequests = baseRequests;
    this.baseErrorRate = baseErrorRate;
    this.ratio = ratio;
    this.intervals = intervals;
    this.phase = random.nextUniform(0, 2 * Math.PI);
  }

  /** The canary's share of the traffic in interval {@code t} (0-based) of {@code n}. */
  static double share(int t, int n) {
    if (t < n / 3) {
      return 0.05;
    }
    return t < 2 * n / 3 ? 0.20 : 0.50;
  }

  Interval next() {
    double wave = 1;
    if (autocorrelated) {
      trafficNoise = 0.8 * trafficNoise + random.nextNormal(0, 0.2);
      errorNoise = 0.7 * errorNoise + random.nextNormal(0, 0.3);
      wave = 1 + 0.5 * Math.sin(phase + 2 * Math.PI * t / 48.0);
    }
    double total = baseRequests * wave * Math.exp(trafficNoise);
    double w = share(t, intervals);
    double rate = Math.min(0.5, baseErrorRate * Math.exp(errorNoise));
    long ec = poisson(total * w);
    long es = poisson(total * (1 - w));
    t++;
    return new Interval(ec, poisson(ec * rate * ratio), es, poisson(es * rate));
  }

  private long poisson(double mean) {
    return mean <= 0 ? 0 : random.nextPoisson(mean);
  }
}
