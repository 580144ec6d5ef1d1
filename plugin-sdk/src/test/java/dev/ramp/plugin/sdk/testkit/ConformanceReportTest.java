package dev.ramp.plugin.sdk.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.sdk.testkit.ConformanceReport.Check;
import dev.ramp.plugin.sdk.testkit.ConformanceReport.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConformanceReportTest {

  @Test
  void rendersOneLinePerCheckWithTheOutcome() {
    ConformanceReport report =
        new ConformanceReport(
            "acme/gate",
            "1.2.0",
            List.of(
                new Check("health SERVING", Outcome.PASSED, ""),
                new Check("Info answers", Outcome.FAILED, "version is empty"),
                new Check("graceful stop", Outcome.SKIPPED, null)));

    assertThat(report.passed()).isFalse();
    assertThat(report.render())
        .isEqualTo(
            "Ramp plugin conformance: acme/gate version 1.2.0: FAILED (1 of 3 required checks)\n"
                + "  ✓ health SERVING\n"
                + "  ✗ Info answers    version is empty\n"
                + "  – graceful stop\n");
  }

  @Test
  void recommendationsAreReportedApartAndDoNotFailAReport() {
    ConformanceReport report =
        new ConformanceReport(
            "local/plugin",
            "acme/gate",
            "1.2.0",
            List.of(
                new Check("health SERVING", Outcome.PASSED, ""),
                new Check("Run answers", Outcome.NOT_VERIFIED, "answered ERROR", true),
                new Check("bad config refused", Outcome.FAILED, "accepted [1,2]", false),
                new Check("mistyped config refused", Outcome.PASSED, "", false)));

    assertThat(report.passed()).isTrue();
    assertThat(report.displayName()).isEqualTo("acme/gate");
    assertThat(report.render())
        .isEqualTo(
            "Ramp plugin conformance: acme/gate version 1.2.0: PASSED; 1 not verified;"
                + " 1 of 2 recommendations not met\n"
                + " required:\n"
                + "  ✓ health SERVING\n"
                + "  ? Run answers              answered ERROR\n"
                + " recommended:\n"
                + "  ✗ bad config refused       accepted [1,2]\n"
                + "  ✓ mistyped config refused\n");
  }

  @Test
  void skippedChecksDoNotFailAReport() {
    ConformanceReport report =
        new ConformanceReport(
            "acme/gate",
            "1.2.0",
            List.of(
                new Check("health SERVING", Outcome.PASSED, ""),
                new Check("kind checks", Outcome.SKIPPED, "none")));

    assertThat(report.passed()).isTrue();
    assertThat(report.assertPassed()).isSameAs(report);
  }

  @Test
  void mistypesEveryFieldSoLenientBindersStillRefuse() {
    assertThat(
            StepConformance.mistyped(
                "{\"url\":\"http://x\",\"retries\":3,\"dryRun\":true,\"tags\":[\"a\"],"
                    + "\"auth\":{\"user\":\"u\"},\"none\":null}"))
        .isEqualTo(
            "{\"url\":{\"ramp-testkit\":\"an object where a string belongs\"},"
                + "\"retries\":\"ramp-testkit: not a number\","
                + "\"dryRun\":\"ramp-testkit: not a boolean\","
                + "\"tags\":\"ramp-testkit: not an array\","
                + "\"auth\":[1,2],\"none\":null}");
    assertThat(StepConformance.mistyped("{}")).isNull();
    assertThat(StepConformance.mistyped("[1]")).isNull();
  }
}
