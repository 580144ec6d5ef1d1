package dev.ramp.plugins.judge;

import dev.ramp.plugins.judge.SequentialState.Counts;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What people read of the sequential judge: its metadata, its table and its one-line message. */
final class SequentialReport {

  private SequentialReport() {}

  static Map<String, String> metadata(SequentialConfig config, SequentialState s, double mde) {
    Map<String, String> out = new LinkedHashMap<>();
    Counts u = s.used();
    String k = "judge.sequential.";
    out.put(k + "eValue", Report.number(s.process().e()));
    out.put(k + "threshold", Report.number(1 / config.alpha()));
    out.put(k + "alpha", Report.number(config.alpha()));
    out.put(k + "looks", Integer.toString(s.looks()));
    out.put(k + "canaryRequests", Long.toString(u.canaryRequests()));
    out.put(k + "canaryErrors", Long.toString(u.canaryErrors()));
    out.put(k + "stableRequests", Long.toString(u.stableRequests()));
    out.put(k + "stableErrors", Long.toString(u.stableErrors()));
    out.put(k + "rateRatio", Report.number(ratio(u)));
    if (!Double.isNaN(mde)) {
      out.put(k + "minimumDetectableRatio", Report.number(mde));
    }
    if (!s.outcome().isEmpty()) {
      out.put(k + "outcome", s.outcome());
    }
    out.put(SequentialState.KEY, s.toJson());
    out.put(Report.TABLE, table(config, s, mde));
    return out;
  }

  /** The table {@code ramp get rollout} prints: both versions' counts, then the summary line. */
  static String table(SequentialConfig config, SequentialState s, double mde) {
    Counts u = s.used();
    String[][] rows = {
      {"VERSION", "REQUESTS", "ERRORS", "ERROR RATE"},
      {
        "canary",
        Long.toString(u.canaryRequests()),
        Long.toString(u.canaryErrors()),
        percent(u.canaryErrors(), u.canaryRequests())
      },
      {
        "stable",
        Long.toString(u.stableRequests()),
        Long.toString(u.stableErrors()),
        percent(u.stableErrors(), u.stableRequests())
      }
    };
    StringBuilder out = new StringBuilder();
    for (String[] r : rows) {
      out.append(String.format(Locale.ROOT, "%-8s  %-9s  %-7s  %s", (Object[]) r).stripTrailing());
      out.append('\n');
    }
    return out.append(summary(config, s, mde)).toString();
  }

  /** "sequential judge Failed at look 4: e-value 31.2 ≥ 20 (α 0.05) | canary 30 errors / …". */
  static String message(SequentialConfig config, SequentialState s, double mde) {
    Counts u = s.used();
    return summary(config, s, mde)
        + " | canary "
        + u.canaryErrors()
        + " errors / "
        + u.canaryRequests()
        + " requests ("
        + percent(u.canaryErrors(), u.canaryRequests())
        + "), stable "
        + u.stableErrors()
        + " / "
        + u.stableRequests()
        + " ("
        + percent(u.stableErrors(), u.stableRequests())
        + "), rate ratio "
        + Report.number(ratio(u));
  }

  private static String summary(SequentialConfig config, SequentialState s, double mde) {
    String e = Report.number(s.process().e());
    String threshold = Report.number(1 / config.alpha());
    String alpha = " (α " + Report.number(config.alpha()) + ")";
    String look = " at look " + s.looks();
    return switch (s.outcome()) {
      case "Failed" ->
          "sequential judge Failed"
              + look
              + ": e-value "
              + e
              + " ≥ "
              + threshold
              + alpha
              + ", the canary's error rate is higher than stable's";
      case "Successful" ->
          "sequential judge Successful"
              + look
              + ": horizon "
              + GoDuration.format(config.horizon())
              + " reached, e-value "
              + e
              + " < "
              + threshold
              + alpha
              + "; minimum detectable rate ratio "
              + (Double.isNaN(mde) ? "- (too few errors)" : Report.number(mde))
              + " at this traffic";
      default ->
          "sequential judge"
              + look
              + ": e-value "
              + e
              + ", rejects at "
              + threshold
              + alpha
              + (s.warm()
                  ? ""
                  : ", waiting for " + config.minRequests() + " requests at each version");
    };
  }

  /**
   * The minimum detectable rate ratio at the traffic the test consumed (the horizon's), with the
   * pooled error rate as stable's: {@link EProcess#minimumDetectableRatio}.
   */
  static double mde(SequentialConfig config, SequentialState s) {
    Counts u = s.used();
    double requests = u.canaryRequests() + u.stableRequests();
    double rate = requests == 0 ? 0 : (u.canaryErrors() + u.stableErrors()) / requests;
    return EProcess.minimumDetectableRatio(
        config.twoSided(), config.alpha(), rate, u.canaryRequests(), u.stableRequests());
  }

  private static double ratio(Counts u) {
    if (u.canaryRequests() == 0 || u.stableRequests() == 0 || u.stableErrors() == 0) {
      return Double.NaN;
    }
    return ((double) u.canaryErrors() / u.canaryRequests())
        / ((double) u.stableErrors() / u.stableRequests());
  }

  private static String percent(long errors, long requests) {
    if (requests == 0) {
      return "-";
    }
    return Report.number(100.0 * errors / requests) + "%";
  }
}
