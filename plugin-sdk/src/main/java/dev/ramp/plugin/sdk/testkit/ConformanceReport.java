package dev.ramp.plugin.sdk.testkit;

import java.util.List;
import java.util.Objects;

/** The result of {@link PluginTestKit#verify}: one named check per contract term. */
public final class ConformanceReport {

  /** How one check ended. */
  public enum Outcome {
    PASSED,
    FAILED,
    /** Not run, because an earlier check failed or it does not apply. */
    SKIPPED,
    /**
     * The plugin answered as the contract allows, but not in a way that shows it works: a step
     * answering phase ERROR (a backend it needs is down, or the sample config is wrong). Never a
     * pass; it does not fail a report either.
     */
    NOT_VERIFIED
  }

  /**
   * One check: a short name, how it ended, what was seen or what to do, and whether the contract
   * requires it (a recommendation's failure does not fail a report).
   */
  public record Check(String name, Outcome outcome, String message, boolean required) {
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(outcome, "outcome");
      message = message == null ? "" : message;
    }

    /** A required check. */
    public Check(String name, Outcome outcome, String message) {
      this(name, outcome, message, true);
    }
  }

  private final String pluginName;
  private final String infoName;
  private final String pluginVersion;
  private final List<Check> checks;

  ConformanceReport(String pluginName, String pluginVersion, List<Check> checks) {
    this(pluginName, "", pluginVersion, checks);
  }

  ConformanceReport(String pluginName, String infoName, String pluginVersion, List<Check> checks) {
    this.pluginName = pluginName;
    this.infoName = infoName == null ? "" : infoName;
    this.pluginVersion = pluginVersion;
    this.checks = List.copyOf(checks);
  }

  /** The configured name the plugin was launched under ("org/name"). */
  public String pluginName() {
    return pluginName;
  }

  /** The name the plugin gave in Info, or "" when it did not answer. */
  public String infoName() {
    return infoName;
  }

  /** The name a report shows: the plugin's own (from Info), else the configured one. */
  public String displayName() {
    return infoName.isBlank() ? pluginName : infoName;
  }

  /** The version the plugin reported in Info, or "unknown" when it did not answer. */
  public String pluginVersion() {
    return pluginVersion;
  }

  /**
   * True when no required check failed (skipped and not verified checks, and recommendations, do
   * not fail a report).
   */
  public boolean passed() {
    return checks.stream()
        .noneMatch(check -> check.required() && check.outcome() == Outcome.FAILED);
  }

  public List<Check> checks() {
    return checks;
  }

  /** The check of that name, if it ran or was skipped. */
  public java.util.Optional<Check> check(String name) {
    return checks.stream().filter(check -> check.name().equals(name)).findFirst();
  }

  /** Throws an {@link AssertionError} carrying {@link #render()} when a check failed. */
  public ConformanceReport assertPassed() {
    if (!passed()) {
      throw new AssertionError(render());
    }
    return this;
  }

  /**
   * A readable text report: a header, the required checks, then the recommendations, one line per
   * check with ✓ (passed), ✗ (failed), ? (not verified) or – (skipped).
   */
  public String render() {
    StringBuilder text = new StringBuilder();
    List<Check> required = checks.stream().filter(Check::required).toList();
    List<Check> recommended = checks.stream().filter(c -> !c.required()).toList();
    long failed = required.stream().filter(c -> c.outcome() == Outcome.FAILED).count();
    long unverified = checks.stream().filter(c -> c.outcome() == Outcome.NOT_VERIFIED).count();
    long unmet = recommended.stream().filter(c -> c.outcome() == Outcome.FAILED).count();
    text.append("Ramp plugin conformance: ")
        .append(displayName())
        .append(" version ")
        .append(pluginVersion)
        .append(": ")
        .append(
            passed()
                ? "PASSED"
                : "FAILED (" + failed + " of " + required.size() + " required checks)")
        .append(unverified == 0 ? "" : "; " + unverified + " not verified")
        .append(
            unmet == 0
                ? ""
                : "; " + unmet + " of " + recommended.size() + " recommendations not met")
        .append('\n');
    int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
    if (!recommended.isEmpty()) {
      text.append(" required:\n");
    }
    required.forEach(check -> line(text, check, width));
    if (!recommended.isEmpty()) {
      text.append(" recommended:\n");
      recommended.forEach(check -> line(text, check, width));
    }
    return text.toString();
  }

  private static void line(StringBuilder text, Check check, int width) {
    String mark =
        switch (check.outcome()) {
          case PASSED -> "✓";
          case FAILED -> "✗";
          case SKIPPED -> "–";
          case NOT_VERIFIED -> "?";
        };
    text.append("  ").append(mark).append(' ');
    if (check.message().isEmpty()) {
      text.append(check.name());
    } else {
      text.append(String.format("%-" + width + "s", check.name()))
          .append("  ")
          .append(check.message());
    }
    text.append('\n');
  }

  @Override
  public String toString() {
    return render();
  }
}
