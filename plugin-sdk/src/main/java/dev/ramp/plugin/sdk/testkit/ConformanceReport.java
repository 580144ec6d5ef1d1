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
    SKIPPED
  }

  /** One check: a short name, how it ended, and what was seen or what to do. */
  public record Check(String name, Outcome outcome, String message) {
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(outcome, "outcome");
      message = message == null ? "" : message;
    }
  }

  private final String pluginName;
  private final String pluginVersion;
  private final List<Check> checks;

  ConformanceReport(String pluginName, String pluginVersion, List<Check> checks) {
    this.pluginName = pluginName;
    this.pluginVersion = pluginVersion;
    this.checks = List.copyOf(checks);
  }

  /** The configured name the plugin was launched under ("org/name"). */
  public String pluginName() {
    return pluginName;
  }

  /** The version the plugin reported in Info, or "unknown" when it did not answer. */
  public String pluginVersion() {
    return pluginVersion;
  }

  /** True when no check failed (skipped checks do not fail a report). */
  public boolean passed() {
    return checks.stream().noneMatch(check -> check.outcome() == Outcome.FAILED);
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

  /** A readable text report: a header, then one line per check with ✓, ✗ or –. */
  public String render() {
    StringBuilder text = new StringBuilder();
    long failed = checks.stream().filter(c -> c.outcome() == Outcome.FAILED).count();
    text.append("Ramp plugin conformance: ")
        .append(pluginName)
        .append(" version ")
        .append(pluginVersion)
        .append(": ")
        .append(passed() ? "PASSED" : "FAILED (" + failed + " of " + checks.size() + " checks)")
        .append('\n');
    int width = checks.stream().mapToInt(c -> c.name().length()).max().orElse(0);
    for (Check check : checks) {
      String mark =
          switch (check.outcome()) {
            case PASSED -> "✓";
            case FAILED -> "✗";
            case SKIPPED -> "–";
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
    return text.toString();
  }

  @Override
  public String toString() {
    return render();
  }
}
