package dev.ramp.plugins.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The e-process: its martingale property under H0, its power, and its arithmetic. */
class EProcessTest {
  static final int RUNS = 4000;
  static final int LOOKS = 30;

  /** Mean and standard error of the e-value at each look across seeded A/A runs. */
  record Means(double[] mean, double[] se) {
    List<String> above(double bound, double z) {
      List<String> out = new ArrayList<>();
      for (int k = 0; k < mean.length; k++) {
        if (mean[k] - z * se[k] > bound) {
          out.add("look " + (k + 1) + ": mean " + mean[k] + " ± " + se[k]);
        }
      }
      return out;
    }
  }

  /** The e-value's mean at each look over seeded A/A runs, each interval transformed first. */
  static Means aaMeans(UnaryOperator<TrafficSim.Interval> seenAs) {
    double[] sum = new double[LOOKS];
    double[] sumSq = new double[LOOKS];
    for (int run = 0; run < RUNS; run++) {
      TrafficSim sim = new TrafficSim(1000 + run, 400, 0.01, 1, LOOKS);
      EProcess e = EProcess.start(false);
      for (int k = 0; k < LOOKS; k++) {
        TrafficSim.Interval i = seenAs.apply(sim.next());
        e = e.update(i.canaryErrors(), i.stableErrors(), i.canaryRequests(), i.stableRequests());
        double v = e.e();
        sum[k] += v;
        sumSq[k] += v * v;
      }
    }
    double[] mean = new double[LOOKS];
    double[] se = new double[LOOKS];
    for (int k = 0; k < LOOKS; k++) {
      mean[k] = sum[k] / RUNS;
      double var = (sumSq[k] - RUNS * mean[k] * mean[k]) / (RUNS - 1);
      se[k] = Math.sqrt(Math.max(0, var) / RUNS);
    }
    return new Means(mean, se);
  }

  @Test
  void underH0TheMeanEValueStaysAtMostOneAtEveryLookWhateverTheSplitDoes() {
    // A/A with the canary's share at 5 %, 20 %, then 50 %, AR(1) traffic and a shared AR(1) error
    // rate: E[e] = 1 at every look for a martingale; the sample mean's 99.9 % interval must reach
    // 1.
    Means m = aaMeans(UnaryOperator.identity());
    assertThat(m.above(1, 3.29)).as("looks whose mean e-value is above 1").isEmpty();
    assertThat(m.mean()[LOOKS - 1]).as("the check sees the e-value move").isNotEqualTo(1.0);
  }

  @Test
  void theCheckCatchesAnExposureThatIsWrong() {
    // The same runs with the canary's requests undercounted by 40 % (as a query that misses some
    // of its pods would): under H0 the canary then looks worse, the product is no martingale, and
    // the check above sees it at a look (it can fail). Seeded, so the same look every time.
    Means m =
        aaMeans(
            i -> {
              long total = i.canaryRequests() + i.stableRequests();
              long c = Math.round(i.canaryRequests() * 0.6);
              return new TrafficSim.Interval(c, i.canaryErrors(), total - c, i.stableErrors());
            });
    assertThat(m.above(1, 3.29)).isNotEmpty();
  }

  @Test
  void aCanaryWithFiveTimesTheErrorsIsRejectedWithinAFewLooks() {
    int rejected = 0;
    for (int run = 0; run < 200; run++) {
      TrafficSim sim = new TrafficSim(7 + run, 2000, 0.01, 5, LOOKS);
      EProcess e = EProcess.start(false);
      for (int k = 0; k < 10 && !e.rejects(0.05); k++) {
        TrafficSim.Interval i = sim.next();
        e = e.update(i.canaryErrors(), i.stableErrors(), i.canaryRequests(), i.stableRequests());
      }
      rejected += e.rejects(0.05) ? 1 : 0;
    }
    assertThat(rejected).as("of 200 runs, rejected within 10 looks").isGreaterThanOrEqualTo(190);
  }

  @Test
  void oneSidedNeverRejectsABetterCanaryTwoSidedDoes() {
    EProcess one = EProcess.start(false);
    EProcess two = EProcess.start(true);
    for (int k = 0; k < 10; k++) {
      one = one.update(2, 100, 5000, 5000);
      two = two.update(2, 100, 5000, 5000);
    }
    assertThat(one.rejects(0.05)).isFalse();
    assertThat(one.e()).isLessThan(1);
    assertThat(two.rejects(0.05)).isTrue();
  }

  @Test
  void anIntervalsLikelihoodRatioIsTheBinomialsInClosedForm() {
    // 7 of 20 errors at the canary with 1000 of 5000 requests: ρ = 2^(k/4) against π0 = 0.2.
    EProcess e = EProcess.start(false).update(7, 13, 1000, 4000);
    double[] rho = EProcess.ratios(false);
    double pi0 = 0.2;
    for (int k = 0; k < rho.length; k++) {
      double pi = rho[k] * 1000 / (rho[k] * 1000 + 4000);
      double closed = 7 * Math.log(pi / pi0) + 13 * Math.log((1 - pi) / (1 - pi0));
      assertThat(e.logLr()[k]).isCloseTo(closed, within(1e-9));
    }
  }

  @Test
  void anIntervalWithoutErrorsOrWithoutTrafficAtAVersionCarriesNoEvidence() {
    EProcess e = EProcess.start(false).update(3, 1, 100, 100);
    assertThat(e.update(0, 0, 500, 500).logLr()).containsExactly(e.logLr());
    assertThat(e.update(4, 0, 0, 500).logLr()).containsExactly(e.logLr());
    assertThat(EProcess.start(false).e()).isEqualTo(1.0);
  }

  @Test
  void theMinimumDetectableRatioShrinksWithTraffic() {
    double small = EProcess.minimumDetectableRatio(false, 0.05, 0.01, 2_000, 20_000);
    double large = EProcess.minimumDetectableRatio(false, 0.05, 0.01, 200_000, 2_000_000);
    assertThat(small).isGreaterThan(large).isGreaterThan(1);
    assertThat(large).isLessThan(1.5);
    assertThat(EProcess.minimumDetectableRatio(false, 0.05, 0, 2_000, 20_000)).isNaN();
    // at the ratio itself, the expected counts reach 1/α (one interval of expected counts)
    double xc = small * 0.01 * 2_000;
    double xs = 0.01 * 20_000;
    double[] l = new double[EProcess.GRID];
    double pi0 = 2_000.0 / 22_000;
    for (int k = 0; k < l.length; k++) {
      double rho = EProcess.ratios(false)[k];
      double pi = rho * 2_000 / (rho * 2_000 + 20_000);
      l[k] = xc * Math.log(pi / pi0) + xs * Math.log((1 - pi) / (1 - pi0));
    }
    assertThat(Math.exp(EProcess.logMean(l))).isCloseTo(20, within(1e-3));
  }
}
