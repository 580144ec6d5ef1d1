package dev.ramp.plugins.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kayenta's scores ({@code WeightedSumScorer}, {@code ThresholdScoreClassifier}) by hand. */
class ScorerTest {

  static final Scorer.Config KAYENTA = new Scorer.Config(95, 75, Map.of());

  final List<MetricVerdict> verdicts = new ArrayList<>();
  final Map<String, List<String>> groups = new LinkedHashMap<>();

  void add(String name, Classification k, boolean critical, String... groupNames) {
    verdicts.add(
        new MetricVerdict(
            name, k, k.label() + " reason", critical, null, Double.NaN, Double.NaN, 20, 20));
    groups.put(name, groupNames.length == 0 ? List.of("default") : List.of(groupNames));
  }

  Scorer.Score score(Scorer.Config c) {
    return Scorer.score(verdicts, groups, c);
  }

  @Test
  void twoOfThreePassingIs6667AndFails() {
    add("a", Classification.PASS, false);
    add("b", Classification.PASS, false);
    add("c", Classification.HIGH, false);
    Scorer.Score s = score(KAYENTA);
    assertThat(s.score()).isEqualTo(66.67); // 2/3 × 100, rounded half up to 2 decimals
    assertThat(s.verdict()).isEqualTo(Scorer.Verdict.FAILED);
    assertThat(s.reason()).isEmpty();
  }

  @Test
  void groupWeightsAndTheShareOfUnweightedGroups() {
    add("e1", Classification.PASS, false, "errors");
    add("e2", Classification.HIGH, false, "errors");
    add("l1", Classification.PASS, false, "latency");
    add("s1", Classification.LOW, false, "saturation");
    // errors 50 × 0.5 + latency 100 × 0.25 + saturation 0 × 0.25 (the unweighted share of 50)
    Scorer.Score s = score(new Scorer.Config(95, 75, Map.of("errors", 50.0)));
    assertThat(s.groups()).containsEntry("errors", 50.0).containsEntry("latency", 100.0);
    assertThat(s.score()).isEqualTo(50);
  }

  @Test
  void aMetricInTwoGroupsCountsInBoth() {
    add("a", Classification.HIGH, false, "x", "y");
    add("b", Classification.PASS, false, "y");
    Scorer.Score s = score(KAYENTA);
    assertThat(s.groups()).containsEntry("x", 0.0).containsEntry("y", 50.0);
    assertThat(s.score()).isEqualTo(25);
  }

  @Test
  void aCriticalMetricNotPassingScoresZero() {
    add("a", Classification.PASS, false);
    add("b", Classification.HIGH, true);
    Scorer.Score s = score(KAYENTA);
    assertThat(s.score()).isZero();
    assertThat(s.verdict()).isEqualTo(Scorer.Verdict.FAILED);
    assertThat(s.reason()).isEqualTo("Canary Failed: High reason");
  }

  @Test
  void halfTheMetricsNodataScoresZeroLessDoesNotAndANodataGroupCountsAs100() {
    add("a", Classification.PASS, false, "g1");
    add("b", Classification.NODATA, false, "g2");
    add("c", Classification.PASS, false, "g1");
    Scorer.Score oneThird = score(KAYENTA);
    // g2 has no counted metric: it counts as 100
    assertThat(oneThird.groups().get("g2")).isNaN();
    assertThat(oneThird.score()).isEqualTo(100);
    add("d", Classification.NODATA, false, "g1");
    Scorer.Score half = score(KAYENTA);
    assertThat(half.score()).isZero();
    assertThat(half.reason()).isEqualTo("Canary Failed: 50% or more metrics returned NODATA");
  }

  @Test
  void nodataFailMetricCountsAgainstItsGroup() {
    add("a", Classification.PASS, false);
    add("b", Classification.NODATA_FAIL_METRIC, false);
    assertThat(score(KAYENTA).score()).isEqualTo(50);
  }

  @Test
  void thresholdsMapToArgosPhasesInclusive() {
    add("a", Classification.PASS, false);
    add("b", Classification.PASS, false);
    add("c", Classification.PASS, false);
    add("d", Classification.HIGH, false);
    // 75: Inconclusive at marginal 75; Successful at pass 75; Failed at marginal 75.01
    assertThat(score(KAYENTA).verdict()).isEqualTo(Scorer.Verdict.INCONCLUSIVE);
    assertThat(score(new Scorer.Config(75, 50, Map.of())).verdict())
        .isEqualTo(Scorer.Verdict.SUCCESSFUL);
    assertThat(score(new Scorer.Config(95, 75.01, Map.of())).verdict())
        .isEqualTo(Scorer.Verdict.FAILED);
  }
}
