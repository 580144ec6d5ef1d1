package dev.ramp.plugins.judge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hipparchus.util.Precision;

/**
 * The score of a set of classified metrics, as Kayenta's {@code WeightedSumScorer} and {@code
 * ThresholdScoreClassifier} give it, mapped to an AnalysisRun's phases as Argo maps Kayenta's
 * result.
 */
final class Scorer {

  /** Kayenta's rule: this share (in %) of Nodata metrics or more scores 0. */
  static final double NODATA_THRESHOLD = 50;

  /** The run's phase for a score. */
  enum Verdict {
    SUCCESSFUL("Successful"),
    INCONCLUSIVE("Inconclusive"),
    FAILED("Failed");

    final String label;

    Verdict(String label) {
      this.label = label;
    }
  }

  /**
   * @param groups each group's score (0-100) in the order of first use; NaN for a group with no
   *     metric that counts (Kayenta's "no data" group, which counts as 100 in the summary)
   * @param reason why the score is 0 when a rule forced it, else empty
   */
  record Score(double score, Verdict verdict, Map<String, Double> groups, String reason) {}

  private Scorer() {}

  static Score score(List<MetricVerdict> verdicts, Map<String, List<String>> groupsOf, Config c) {
    Map<String, Double> groups = groupScores(verdicts, groupsOf);
    Optional<MetricVerdict> critical =
        verdicts.stream()
            .filter(v -> v.critical() && v.classification() != Classification.PASS)
            .findFirst();
    double score;
    String reason = "";
    if (critical.isPresent()) {
      score = 0;
      reason = "Canary Failed: " + critical.get().reason();
    } else if (tooManyNodata(verdicts)) {
      score = 0;
      reason = "Canary Failed: " + (int) NODATA_THRESHOLD + "% or more metrics returned NODATA";
    } else {
      score = summary(groups, c.weights());
    }
    Verdict verdict =
        score >= c.pass()
            ? Verdict.SUCCESSFUL
            : score >= c.marginal() ? Verdict.INCONCLUSIVE : Verdict.FAILED;
    return new Score(score, verdict, groups, reason);
  }

  /** The thresholds and weights of a judgement. */
  record Config(double pass, double marginal, Map<String, Double> weights) {}

  private static Map<String, Double> groupScores(
      List<MetricVerdict> verdicts, Map<String, List<String>> groupsOf) {
    Map<String, List<Classification>> members = new LinkedHashMap<>();
    for (MetricVerdict v : verdicts) {
      for (String g : groupsOf.getOrDefault(v.name(), List.of(JudgeConfig.DEFAULT_GROUP))) {
        members.computeIfAbsent(g, k -> new ArrayList<>()).add(v.classification());
      }
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    members.forEach(
        (g, ks) -> {
          long pass = ks.stream().filter(k -> k == Classification.PASS).count();
          long counted =
              ks.stream()
                  .filter(
                      k ->
                          k == Classification.PASS
                              || k == Classification.HIGH
                              || k == Classification.LOW
                              || k == Classification.NODATA_FAIL_METRIC)
                  .count();
          scores.put(g, counted == 0 ? Double.NaN : 100.0 * pass / counted);
        });
    return scores;
  }

  private static boolean tooManyNodata(List<MetricVerdict> verdicts) {
    long nodata =
        verdicts.stream().filter(v -> v.classification() == Classification.NODATA).count();
    return !verdicts.isEmpty() && 100.0 * nodata / verdicts.size() >= NODATA_THRESHOLD;
  }

  /**
   * The weighted sum: a group's weight is its configured one, or an equal share of what the
   * configured weights leave of 100; a group without counted metrics counts as 100. Rounded to two
   * decimals, half up.
   */
  private static double summary(Map<String, Double> groups, Map<String, Double> weights) {
    double given = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    long unweighted = groups.keySet().stream().filter(g -> !weights.containsKey(g)).count();
    double share = unweighted == 0 ? 0 : (100 - given) / unweighted;
    double sum = 0;
    for (Map.Entry<String, Double> g : groups.entrySet()) {
      double effective = Double.isNaN(g.getValue()) ? 100 : g.getValue();
      sum += effective * weights.getOrDefault(g.getKey(), share) / 100;
    }
    return Precision.round(sum, 2);
  }
}
