package dev.ramp.plugins.judge;

import static dev.ramp.plugins.judge.Specs.constant;
import static dev.ramp.plugins.judge.Specs.range;
import static dev.ramp.plugins.judge.Specs.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kayenta's classifications for hand-checked cases ({@code MannWhitneyClassifier} and the
 * transforms of {@code NetflixACAJudge}), each with the reason it is what it is.
 */
class MetricClassifierTest {

  static final double[] STABLE = range(0, 100);

  static double[] plus(double[] v, double shift) {
    return java.util.Arrays.stream(v).map(x -> x + shift).toArray();
  }

  static Stream<Arguments> cases() {
    return Stream.concat(shifts(), effects());
  }

  static Stream<Arguments> shifts() {
    return Stream.of(
        // every canary value above every stable value: the whole interval is far above 0
        Arguments.of("shifted up by 100", "", plus(STABLE, 100), STABLE, "High", false),
        // a decrease-only metric (e.g. throughput) does not mind going up
        Arguments.of(
            "up, direction decrease",
            "\"direction\":\"decrease\"",
            plus(STABLE, 100),
            STABLE,
            "Pass",
            false),
        Arguments.of("shifted down by 50", "", plus(STABLE, -50), range(100, 100), "Low", false),
        Arguments.of(
            "down, direction increase",
            "\"direction\":\"increase\"",
            plus(STABLE, -50),
            range(100, 100),
            "Pass",
            false),
        // shift 12 over 100 values 0..99: the interval is about [2, 22], its lower end above 0
        // but below the tolerance 0.25 × 12 = 3: Kayenta passes it
        Arguments.of("tolerance keeps a small shift", "", plus(STABLE, 12), STABLE, "Pass", false),
        // shift 16: lower end about 6 > 0.25 × 16 = 4
        Arguments.of("beyond the tolerance", "", plus(STABLE, 16), STABLE, "High", false),
        // interleaved samples from one distribution: the interval holds 0
        Arguments.of("same distribution", "", range(0.5, 100), STABLE, "Pass", false));
  }

  static Stream<Arguments> effects() {
    return Stream.of(
        // mean ratio 1.1 is below allowedIncrease 1.5: the shift is real but allowed
        Arguments.of(
            "effect below allowedIncrease",
            "\"effectSize\":{\"allowedIncrease\":1.5}",
            plus(range(100, 100), 10),
            range(100, 100),
            "Pass",
            false),
        // critical, mean ratio 3 >= criticalIncrease 2: the score will be 0
        Arguments.of(
            "critical high",
            "\"critical\":true,\"effectSize\":{\"criticalIncrease\":2}",
            range(200, 100),
            range(50, 100),
            "High",
            true),
        // critical, but the mean ratio 3 is below criticalIncrease 5: High, not a critical failure
        Arguments.of(
            "critical metric below criticalIncrease",
            "\"critical\":true,\"effectSize\":{\"criticalIncrease\":5}",
            range(200, 100),
            range(50, 100),
            "High",
            false),
        // cles 1.0 (every pair higher) >= allowedIncrease 0.9
        Arguments.of(
            "cles high",
            "\"effectSize\":{\"measure\":\"cles\",\"allowedIncrease\":0.9}",
            plus(STABLE, 100),
            STABLE,
            "High",
            false),
        // cles of a shift of 30 over 0..99 is 0.745 < allowedIncrease 0.9
        Arguments.of(
            "cles below allowedIncrease",
            "\"effectSize\":{\"measure\":\"cles\",\"allowedIncrease\":0.9}",
            plus(STABLE, 30),
            STABLE,
            "Pass",
            false),
        // each side one value, 2 against 1: Ramp's exact shift 1, the interval [1, 1]
        Arguments.of(
            "both constant, canary higher", "", constant(2, 20), constant(1, 20), "High", false),
        Arguments.of(
            "both constant, decrease only",
            "\"direction\":\"decrease\"",
            constant(2, 20),
            constant(1, 20),
            "Pass",
            false));
  }

  @ParameterizedTest(name = "{0}: {4}")
  @MethodSource("cases")
  void classifies(
      String name, String fields, double[] canary, double[] stable, String expected, boolean crit) {
    MetricVerdict v = MetricClassifier.classify(spec(fields), canary, stable);
    assertThat(v.classification().label()).as(name + ": " + v).isEqualTo(expected);
    assertThat(v.critical()).as(name + " critical").isEqualTo(crit);
  }

  @Test
  void theToleranceCaseHasALowerEndAboveZeroButBelowAQuarterOfTheEstimate() {
    MetricVerdict v = MetricClassifier.classify(spec(""), plus(STABLE, 12), STABLE);
    assertThat(v.test().estimate()).isCloseTo(12, within(1e-6));
    assertThat(v.test().lower()).isGreaterThan(0).isLessThan(0.25 * 12);
  }

  @Test
  void bothConstantIsTheExactShiftWithoutNoise() {
    MetricVerdict v = MetricClassifier.classify(spec(""), constant(2, 20), constant(1, 20));
    assertThat(v.test().estimate()).isEqualTo(1);
    assertThat(v.test().lower()).isEqualTo(1);
    assertThat(v.test().upper()).isEqualTo(1);
    assertThat(v.meanRatio()).isEqualTo(2);
  }

  @Test
  void identicalDataPassesWithItsReasonAndOneValueThroughoutPasses() {
    double[] shuffled = {3, 1, 2};
    MetricVerdict same =
        MetricClassifier.classify(spec("\"critical\":true"), shuffled, range(1, 3));
    assertThat(same.classification()).isEqualTo(Classification.PASS);
    assertThat(same.reason()).isEqualTo("The canary and stable data are identical");
    assertThat(same.critical()).isFalse();
    MetricVerdict flat = MetricClassifier.classify(spec(""), constant(4, 5), constant(4, 9));
    assertThat(flat.classification()).isEqualTo(Classification.PASS);
    assertThat(flat.test()).isNull();
  }

  @Test
  void noDataIsNodataUnlessReplacedAndMustHaveDataFailsTheMetric() {
    double[] none = {};
    assertThat(MetricClassifier.classify(spec(""), none, STABLE))
        .satisfies(
            v -> {
              assertThat(v.classification()).isEqualTo(Classification.NODATA);
              assertThat(v.reason()).isEqualTo("Missing data for m");
              assertThat(v.critical()).isFalse();
            });
    assertThat(
            MetricClassifier.classify(spec("\"mustHaveData\":true"), none, STABLE).classification())
        .isEqualTo(Classification.NODATA_FAIL_METRIC);
    // critical wins over mustHaveData: Nodata, critical (so the score is 0)
    MetricVerdict critical =
        MetricClassifier.classify(spec("\"mustHaveData\":true,\"critical\":true"), none, STABLE);
    assertThat(critical.classification()).isEqualTo(Classification.NODATA);
    assertThat(critical.critical()).isTrue();
    assertThat(
            MetricClassifier.classify(spec("\"nanStrategy\":\"replace\""), none, STABLE)
                .classification())
        .isEqualTo(Classification.PASS);
  }

  @Test
  void nanStrategyRemoveDropsNaNsAndReplaceMakesThemZero() {
    double[] canary = new double[40];
    double[] stable = new double[40];
    for (int i = 0; i < 40; i++) {
      canary[i] = i < 30 ? Double.NaN : 50 + i;
      stable[i] = 50 + i;
    }
    JudgeConfig.MetricSpec remove = spec("");
    double[] c = MetricClassifier.transform(canary, remove);
    assertThat(c).hasSize(10);
    assertThat(
            MetricClassifier.classify(remove, c, MetricClassifier.transform(stable, remove))
                .classification())
        .as("the canary's values are stable's top quarter: not below it")
        .isNotEqualTo(Classification.LOW);
    JudgeConfig.MetricSpec replace = spec("\"nanStrategy\":\"replace\"");
    double[] zeros = MetricClassifier.transform(canary, replace);
    assertThat(zeros).hasSize(40).contains(0.0);
    assertThat(MetricClassifier.classify(replace, zeros, stable).classification())
        .as("three quarters of the canary's values are 0")
        .isEqualTo(Classification.LOW);
  }

  @Test
  void outliersBeyondTheWiderFenceAreRemoved() {
    double[] values = new double[101];
    for (int i = 0; i < 100; i++) {
      values[i] = i + 1;
    }
    values[100] = 10_000;
    // Q1 26, Q3 76, IQR 50: upper fence max(p99 = 100, 76 + 3 × 50 = 226) = 226
    assertThat(Transforms.removeOutliers(values, 3)).hasSize(100).doesNotContain(10_000.0);
    assertThat(MetricClassifier.transform(values, spec("\"outliers\":{\"strategy\":\"remove\"}")))
        .hasSize(100);
    assertThat(MetricClassifier.transform(values, spec("\"outliers\":{\"strategy\":\"keep\"}")))
        .hasSize(101);
  }

  @Test
  void effectSizes() {
    assertThat(Transforms.meanRatio(new double[] {1, 3}, new double[] {4, 4})).isEqualTo(2);
    assertThat(Transforms.meanRatio(new double[] {0, 0}, new double[] {4, 4})).isNaN();
    // pairs (canary, stable): 2>1, 2=2 (half), 3>1, 3>2: 3.5 of 4
    assertThat(Transforms.cles(new double[] {1, 2}, new double[] {2, 3})).isEqualTo(0.875);
  }
}
