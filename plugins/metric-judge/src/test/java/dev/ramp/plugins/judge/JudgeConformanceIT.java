package dev.ramp.plugins.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.sdk.testkit.ConformanceReport;
import dev.ramp.plugin.sdk.testkit.PluginTestKit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The SDK's conformance kit against the plugin JAR (Hipparchus shaded in), started as the
 * controller starts it, in front of {@link FakePrometheus}: every call is served with a real
 * answer, and the Run is a judgement of the two versions' series.
 */
class JudgeConformanceIT {

  @Test
  void thePluginJarPassesTheConformanceKit() throws Exception {
    List<String> output = new CopyOnWriteArrayList<>();
    try (FakePrometheus prometheus = new FakePrometheus()) {
      prometheus.byVersion.put("st4ble", JudgePluginTest.values(0, 41));
      prometheus.byVersion.put("c4n4ry", JudgePluginTest.values(0.5, 41));
      String config =
          Specs.configJson("", Specs.metric("error-rate", ""))
              .replace("http://127.0.0.1:9", prometheus.address());
      ConformanceReport report =
          new PluginTestKit(output::add)
              .verify(
                  PluginJars.spec(),
                  Set.of(PluginTestKit.Kind.METRIC_PROVIDER),
                  Json.parse(config));

      assertThat(report.passed()).as(report.render() + String.join("\n", output)).isTrue();
      assertThat(report.checks())
          .filteredOn(check -> check.name().startsWith("metricProvider:"))
          .as(report.render())
          .hasSize(6)
          .allSatisfy(check -> assertThat(check.message()).isEqualTo("answered OK"));
      assertThat(report.check("Info answers").orElseThrow().message())
          .startsWith("name metric-judge, version 0.1.0-SNAPSHOT, kinds [METRIC_PROVIDER]");
      // Run and Resume each asked Prometheus for both versions.
      assertThat(prometheus.requests).hasSize(4);
    }
  }

  @Test
  void theSequentialJudgePassesTheConformanceKit() throws Exception {
    List<String> output = new CopyOnWriteArrayList<>();
    try (FakePrometheus prometheus = new FakePrometheus()) {
      for (String v : List.of("c4n4ry", "st4ble")) {
        prometheus.counters.put("reqs_total{hash=\"" + v + "\"}", java.util.Map.of("a", 5000.0));
        prometheus.counters.put("errs_total{hash=\"" + v + "\"}", java.util.Map.of("a", 50.0));
      }
      // The kit's metric has no interval or count: the judge's own interval and horizon.
      String config =
          "{\"mode\":\"sequential\",\"address\":\""
              + prometheus.address()
              + "\",\"canary\":\"c4n4ry\",\"stable\":\"st4ble\","
              + "\"requests\":\"reqs_total{hash=\\\"${version}\\\"}\","
              + "\"errors\":\"errs_total{hash=\\\"${version}\\\"}\","
              + "\"interval\":\"1m\",\"horizon\":\"10m\"}";
      ConformanceReport report =
          new PluginTestKit(output::add)
              .verify(
                  PluginJars.spec(),
                  Set.of(PluginTestKit.Kind.METRIC_PROVIDER),
                  Json.parse(config));

      assertThat(report.passed()).as(report.render() + String.join("\n", output)).isTrue();
      assertThat(report.checks())
          .filteredOn(check -> check.name().startsWith("metricProvider:"))
          .as(report.render())
          .hasSize(6)
          .allSatisfy(check -> assertThat(check.message()).isEqualTo("answered OK"));
      // Run read the four counters (the baseline), Resume read them again (a look).
      assertThat(prometheus.requests).hasSize(8);
    }
  }
}
