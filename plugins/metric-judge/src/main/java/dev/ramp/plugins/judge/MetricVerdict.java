package dev.ramp.plugins.judge;

/**
 * How one metric was classified, with what the table shows.
 *
 * @param reason why, or empty
 * @param critical whether this result zeroes the score (Kayenta's {@code critical} of a result)
 * @param test the Mann-Whitney result, or null when the classes were decided without it
 * @param effectSize the configured effect size (NaN when it cannot be computed)
 * @param meanRatio canary mean over stable mean (NaN when a mean is 0 or there is no data)
 * @param canarySamples the canary's values judged (after NaN handling and outlier removal)
 * @param stableSamples stable's values judged
 */
record MetricVerdict(
    String name,
    Classification classification,
    String reason,
    boolean critical,
    MannWhitney.Result test,
    double effectSize,
    double meanRatio,
    int canarySamples,
    int stableSamples) {

  static MetricVerdict waiting(String name, String reason, int canary, int stable) {
    return new MetricVerdict(
        name, Classification.WAITING, reason, false, null, Double.NaN, Double.NaN, canary, stable);
  }
}
