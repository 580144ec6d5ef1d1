package dev.ramp.plugins.judge;

import dev.ramp.plugins.judge.JudgeConfig.MetricSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * A judgement from the values Prometheus gave: per metric, the canary's and stable's values at the
 * times both have one (the same minutes), then Ramp's rule for young canaries, then Kayenta's
 * classification and score. Pure: no clock, no I/O.
 */
final class Judge {

  /** One metric's two series, by time (epoch milliseconds). */
  record Data(NavigableMap<Long, Double> canary, NavigableMap<Long, Double> stable) {}

  /**
   * @param verdicts one per metric, in the config's order
   * @param score null while a metric is {@link Classification#WAITING}
   */
  record Judgement(List<MetricVerdict> verdicts, Scorer.Score score) {
    boolean waiting() {
      return score == null;
    }

    /** The first waiting metric's reason ("canary had 3 samples, 20 needed"), or empty. */
    String waitingReason() {
      return verdicts.stream()
          .filter(v -> v.classification() == Classification.WAITING)
          .map(v -> v.name() + ": " + v.reason())
          .reduce((a, b) -> a + "; " + b)
          .orElse("");
    }
  }

  private Judge() {}

  static Judgement judge(JudgeConfig config, Map<String, Data> data) {
    List<MetricVerdict> verdicts = new ArrayList<>();
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (MetricSpec spec : config.metrics()) {
      groups.put(spec.name(), spec.groups());
      verdicts.add(metric(spec, data.get(spec.name()), config.minSamples()));
    }
    if (verdicts.stream().anyMatch(v -> v.classification() == Classification.WAITING)) {
      return new Judgement(verdicts, null);
    }
    Scorer.Score score =
        Scorer.score(
            verdicts,
            groups,
            new Scorer.Config(config.pass(), config.marginal(), config.groupWeights()));
    return new Judgement(verdicts, score);
  }

  /**
   * One metric. Neither version has a value: Kayenta's Nodata rules. Otherwise, fewer than {@code
   * minSamples} values (after NaN handling, at the times both versions have one) on either side:
   * {@link Classification#WAITING}, never Nodata. Otherwise Kayenta's classification.
   */
  static MetricVerdict metric(MetricSpec spec, Data data, int minSamples) {
    if (data.canary().isEmpty() && data.stable().isEmpty()) {
      return MetricClassifier.classify(spec, new double[0], new double[0]);
    }
    List<Long> common = new ArrayList<>(data.canary().keySet());
    common.retainAll(data.stable().keySet());
    double[] canary = new double[common.size()];
    double[] stable = new double[common.size()];
    for (int i = 0; i < common.size(); i++) {
      canary[i] = data.canary().get(common.get(i));
      stable[i] = data.stable().get(common.get(i));
    }
    canary = Transforms.handleNaNs(canary, spec.nanStrategy());
    stable = Transforms.handleNaNs(stable, spec.nanStrategy());
    if (canary.length < minSamples || stable.length < minSamples) {
      boolean canaryShort =
          canary.length < stable.length
              || (canary.length == stable.length && data.canary().size() <= data.stable().size());
      String reason =
          (canaryShort ? "canary had " + canary.length : "stable had " + stable.length)
              + " samples, "
              + minSamples
              + " needed";
      return MetricVerdict.waiting(spec.name(), reason, canary.length, stable.length);
    }
    return MetricClassifier.classify(
        spec, MetricClassifier.transform(canary, spec), MetricClassifier.transform(stable, spec));
  }
}
