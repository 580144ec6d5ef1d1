package dev.ramp.plugins.judge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What people read of a judgement: the measurement's metadata (per metric its class, interval,
 * estimate, effect size and sample counts; the score; the table {@code ramp get} shows) and a
 * one-line message that the AnalysisRun and the Rollout carry.
 */
final class Report {

  /** The metadata key of the rendered table, which {@code ramp get rollout} prints. */
  static final String TABLE = "ramp.dev/table";

  private static final String[] HEADER = {
    "METRIC",
    "CLASS",
    "CRITICAL",
    "ESTIMATE",
    "98% INTERVAL",
    "EFFECT",
    "MEAN RATIO",
    "CANARY",
    "STABLE"
  };

  private Report() {}

  static Map<String, String> metadata(JudgeConfig config, Judge.Judgement j) {
    Map<String, String> out = new LinkedHashMap<>();
    for (MetricVerdict v : j.verdicts()) {
      String k = "judge." + v.name() + ".";
      out.put(k + "classification", v.classification().label());
      if (!v.reason().isEmpty()) {
        out.put(k + "reason", v.reason());
      }
      out.put(k + "critical", Boolean.toString(v.critical()));
      if (v.test() != null) {
        out.put(k + "estimate", number(v.test().estimate()));
        out.put(k + "interval", interval(v.test()));
      }
      out.put(k + "effectSize", number(v.effectSize()));
      out.put(k + "meanRatio", number(v.meanRatio()));
      out.put(k + "canarySamples", Integer.toString(v.canarySamples()));
      out.put(k + "stableSamples", Integer.toString(v.stableSamples()));
    }
    if (j.score() != null) {
      Scorer.Score s = j.score();
      out.put("judge.score", number(s.score()));
      out.put("judge.classification", s.verdict().label);
      s.groups().forEach((g, score) -> out.put("judge.group." + g, number(score)));
      if (!s.reason().isEmpty()) {
        out.put("judge.reason", s.reason());
      }
    }
    out.put(
        "judge.thresholds",
        "pass " + number(config.pass()) + ", marginal " + number(config.marginal()));
    out.put(TABLE, table(config, j));
    return out;
  }

  /** The aligned table, a line per metric, then the score. */
  static String table(JudgeConfig config, Judge.Judgement j) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (MetricVerdict v : j.verdicts()) {
      rows.add(
          new String[] {
            v.name(),
            v.classification().label(),
            v.critical() ? "yes" : "no",
            v.test() == null ? "-" : number(v.test().estimate()),
            v.test() == null ? "-" : interval(v.test()),
            number(v.effectSize()),
            number(v.meanRatio()),
            Integer.toString(v.canarySamples()),
            Integer.toString(v.stableSamples())
          });
    }
    int[] widths = new int[HEADER.length];
    rows.forEach(
        r -> {
          for (int i = 0; i < r.length; i++) {
            widths[i] = Math.max(widths[i], r.length > i ? r[i].length() : 0);
          }
        });
    StringBuilder out = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s  ", r[i]));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.append(summary(config, j)).toString();
  }

  /**
   * One line: the score and the verdict, then each metric in brief ("error-rate High critical,
   * estimate +0.021 in [+0.015, +0.027], mean ratio 3.02, samples 20/20").
   */
  static String message(JudgeConfig config, Judge.Judgement j) {
    StringBuilder out = new StringBuilder(summary(config, j)).append(" |");
    for (MetricVerdict v : j.verdicts()) {
      out.append(' ').append(v.name()).append(' ').append(v.classification().label());
      if (v.critical()) {
        out.append(" critical");
      }
      if (v.test() != null) {
        out.append(", estimate ").append(number(v.test().estimate()));
        out.append(" in ").append(interval(v.test()));
      }
      if (!Double.isNaN(v.meanRatio())) {
        out.append(", mean ratio ").append(number(v.meanRatio()));
      }
      out.append(", samples ").append(v.canarySamples()).append('/').append(v.stableSamples());
      out.append(';');
    }
    out.setLength(out.length() - 1);
    return out.toString();
  }

  private static String summary(JudgeConfig config, Judge.Judgement j) {
    if (j.score() == null) {
      return "judge: waiting for data (" + j.waitingReason() + ")";
    }
    Scorer.Score s = j.score();
    return "judge score "
        + number(s.score())
        + " ("
        + s.verdict().label
        + "; pass "
        + number(config.pass())
        + ", marginal "
        + number(config.marginal())
        + ")"
        + (s.reason().isEmpty() ? "" : ": " + s.reason());
  }

  static String interval(MannWhitney.Result r) {
    return "[" + number(r.lower()) + ", " + number(r.upper()) + "]";
  }

  /** Four significant digits, without a trailing zero; "-" for NaN. */
  static String number(double x) {
    if (Double.isNaN(x)) {
      return "-";
    }
    if (x == Math.rint(x) && Math.abs(x) < 1e9) {
      return Long.toString((long) x);
    }
    String s = String.format(Locale.ROOT, "%.4g", x);
    if (s.contains("e")) {
      return s;
    }
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }
}
