package dev.ramp.plugins.judge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.hipparchus.distribution.continuous.BetaDistribution;
import org.junit.jupiter.api.Test;

/**
 * The sequential judge against the fixed-horizon (Kayenta) judge on simulated canaries ({@link
 * TrafficSim}: the canary's share 5 % → 20 % → 50 % at setWeight steps, AR(1) and daily-wave
 * traffic, a shared AR(1) error rate; also i.i.d.), looked at every interval. Prints figures,
 * asserts nothing. {@code mvn -B -o -Pbench verify -pl plugins/metric-judge -am}; {@code
 * -Dbench.runs=1000}.
 *
 * <p>The fixed-horizon judge sees each interval's error ratio per version as one sample (as a range
 * query with the interval as step gives it), all intervals so far, from {@link #MIN_SAMPLES} on;
 * Failed is a critical High.
 */
class SequentialJudgeBenchmark {
  static final int LOOKS = 30;
  static final int MIN_SAMPLES = 10;
  static final double ALPHA = 0.05;
  static final double BASE_REQUESTS = 2000;
  static final double BASE_RATE = 0.01;
  static final double[] CONFIDENCES = {0.98, 0.8, 0.9, 0.95, 0.995, 0.999};

  /** When a method first failed the canary: the look (1-based) and the requests so far; 0 never. */
  record Alarm(int look, long requests) {}

  /**
   * One simulated run judged by every method: sequential, then each confidence of the fixed one.
   */
  record Run(Alarm sequential, Alarm[] fixedEveryLook, boolean[] fixedAtHorizon) {}

  static Run simulate(long seed, double ratio, boolean autocorrelated) {
    TrafficSim sim = new TrafficSim(seed, BASE_REQUESTS, BASE_RATE, ratio, LOOKS, autocorrelated);
    EProcess e = EProcess.start(false);
    Alarm seq = new Alarm(0, 0);
    Alarm[] fixed = new Alarm[CONFIDENCES.length];
    Arrays.fill(fixed, new Alarm(0, 0));
    double[] c = new double[LOOKS];
    double[] s = new double[LOOKS];
    long requests = 0;
    for (int k = 0; k < LOOKS; k++) {
      TrafficSim.Interval i = sim.next();
      requests += i.canaryRequests() + i.stableRequests();
      e = e.update(i.canaryErrors(), i.stableErrors(), i.canaryRequests(), i.stableRequests());
      if (seq.look() == 0 && e.rejects(ALPHA)) {
        seq = new Alarm(k + 1, requests);
      }
      c[k] = i.canaryRequests() == 0 ? 0 : (double) i.canaryErrors() / i.canaryRequests();
      s[k] = i.stableRequests() == 0 ? 0 : (double) i.stableErrors() / i.stableRequests();
      if (k + 1 >= MIN_SAMPLES) {
        double[] cs = Arrays.copyOf(c, k + 1);
        double[] ss = Arrays.copyOf(s, k + 1);
        for (int j = 0; j < CONFIDENCES.length; j++) {
          if (fixed[j].look() == 0 && high(cs, ss, CONFIDENCES[j])) {
            fixed[j] = new Alarm(k + 1, requests);
          }
        }
      }
    }
    boolean[] atHorizon = new boolean[CONFIDENCES.length];
    for (int j = 0; j < CONFIDENCES.length; j++) {
      atHorizon[j] = high(c, s, CONFIDENCES[j]);
    }
    return new Run(seq, fixed, atHorizon);
  }

  static final JudgeConfig.MetricSpec SPEC =
      Specs.spec("\"direction\":\"increase\",\"critical\":true");

  /**
   * Kayenta's judge: at 0.98 the classifier itself; at other confidences its High rule (the
   * interval's lower end above 0.25 × |estimate|, mean ratio at least 1) on the same test.
   */
  static boolean high(double[] canary, double[] stable, double confidence) {
    if (confidence == MetricClassifier.CONFIDENCE) {
      return MetricClassifier.classify(SPEC, canary, stable).classification()
          == Classification.HIGH;
    }
    double[] sc = canary.clone();
    double[] ss = stable.clone();
    Arrays.sort(sc);
    Arrays.sort(ss);
    if (Arrays.equals(sc, ss) || (sc[0] == sc[sc.length - 1] && ss[0] == ss[ss.length - 1])) {
      return false;
    }
    MannWhitney.Result r = MannWhitney.test(canary, stable, confidence);
    double ratio =
        Arrays.stream(canary).average().orElse(0) / Arrays.stream(stable).average().orElse(0);
    return r.lower() > MetricClassifier.TOLERANCE * Math.abs(r.estimate())
        && (Double.isNaN(ratio) || ratio >= 1);
  }

  static List<Run> runs(int n, long seed, double ratio, boolean autocorrelated) {
    List<Run> out = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      out.add(simulate(seed + r, ratio, autocorrelated));
    }
    return out;
  }

  /**
   * The rate with its 95 % Clopper-Pearson interval, from Hipparchus' beta quantiles (its {@code
   * BinomialProportion} refuses 0 successes).
   */
  static String rate(long hits, int n) {
    double lower =
        hits == 0
            ? 0
            : new BetaDistribution(hits, n - hits + 1).inverseCumulativeProbability(0.025);
    double upper =
        hits == n
            ? 1
            : new BetaDistribution(hits + 1, n - hits).inverseCumulativeProbability(0.975);
    return String.format(
        Locale.ROOT, "%.1f %% [%.1f, %.1f]", 100.0 * hits / n, 100 * lower, 100 * upper);
  }

  static String median(List<Alarm> alarms) {
    long[] req =
        alarms.stream().filter(a -> a.look() > 0).mapToLong(Alarm::requests).sorted().toArray();
    int[] looks =
        alarms.stream().filter(a -> a.look() > 0).mapToInt(Alarm::look).sorted().toArray();
    if (req.length == 0) {
      return "-";
    }
    return String.format(
        Locale.ROOT, "%,d (look %d)", req[req.length / 2], looks[looks.length / 2]);
  }

  @Test
  void sequentialAgainstFixedHorizon() {
    int n = Integer.getInteger("bench.runs", 1000);
    System.out.printf(
        Locale.ROOT,
        "%n## Sequential judge benchmark: %d runs per row, %d looks, ~%.0f requests/interval,"
            + " base error rate %.0f %%, alpha %.2f, canary share 5/20/50 %%%n",
        n,
        LOOKS,
        BASE_REQUESTS,
        100 * BASE_RATE,
        ALPHA);
    int calibrated = falseFailures(n);
    detections(n, calibrated);
  }

  /**
   * The A/A rows; returns the index of the confidence whose every-look rate is the sequential's.
   */
  static int falseFailures(int n) {
    int calibrated = 0;
    for (boolean ar : new boolean[] {true, false}) {
      List<Run> aa = runs(n, 1_000_000L, 1, ar);
      System.out.printf(
          "%nA/A (%s): false-failure rate, 95 %% Clopper-Pearson interval%n",
          ar ? "AR(1) + daily wave" : "i.i.d.");
      System.out.println(
          "  sequential, every look:            "
              + rate(aa.stream().filter(r -> r.sequential().look() > 0).count(), n));
      for (int j = 0; j < CONFIDENCES.length; j++) {
        int jj = j;
        System.out.printf(
            Locale.ROOT,
            "  fixed %.3f, every look:         %s; at the horizon only: %s%n",
            CONFIDENCES[j],
            rate(aa.stream().filter(r -> r.fixedEveryLook()[jj].look() > 0).count(), n),
            rate(aa.stream().filter(r -> r.fixedAtHorizon()[jj]).count(), n));
      }
      if (ar) {
        // the fixed judge's confidence whose every-look rate is closest to the sequential's
        long seq = aa.stream().filter(r -> r.sequential().look() > 0).count();
        for (int j = 0; j < CONFIDENCES.length; j++) {
          int jj = j;
          int cc = calibrated;
          long fj = aa.stream().filter(r -> r.fixedEveryLook()[jj].look() > 0).count();
          long fc = aa.stream().filter(r -> r.fixedEveryLook()[cc].look() > 0).count();
          if (Math.abs(fj - seq) < Math.abs(fc - seq)) {
            calibrated = j;
          }
        }
      }
    }
    return calibrated;
  }

  /** The A/B rows, the fixed-horizon judge at confidence index {@code calibrated}. */
  static void detections(int n, int calibrated) {
    double conf = CONFIDENCES[calibrated];
    System.out.printf(
        Locale.ROOT,
        "%nA/B (AR(1)); fixed-horizon judge at confidence %.3f, the one whose every-look A/A rate is"
            + " closest to the sequential test's%n",
        conf);
    for (double ratio : new double[] {2, 5}) {
      List<Run> ab = runs(n, 2_000_000L + (long) ratio, ratio, true);
      int j = calibrated;
      System.out.printf(
          Locale.ROOT,
          "  canary %.0fx: sequential detected %s, median requests to detection %s%n",
          ratio,
          rate(ab.stream().filter(r -> r.sequential().look() > 0).count(), n),
          median(ab.stream().map(Run::sequential).toList()));
      System.out.printf(
          Locale.ROOT,
          "  canary %.0fx: fixed every look   detected %s, median requests to detection %s%n",
          ratio,
          rate(ab.stream().filter(r -> r.fixedEveryLook()[j].look() > 0).count(), n),
          median(ab.stream().map(r -> r.fixedEveryLook()[j]).toList()));
      System.out.printf(
          Locale.ROOT,
          "  canary %.0fx: fixed 0.98 once at the horizon detected %s (all %d looks' requests)%n",
          ratio,
          rate(ab.stream().filter(r -> r.fixedAtHorizon()[0]).count(), n),
          LOOKS);
    }
  }
}
