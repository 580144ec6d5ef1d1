package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.analysis.Measurer.Measured;
import dev.ramp.engine.analysis.Measurer.Measured.Status;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.provider.MetricArgs;
import dev.ramp.engine.provider.MetricProviders;
import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.Measurement.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The controller's providers for a run held in memory: a plugin's answers are released at once
 * (nothing else will record them), a RUNNING answer without resume_at is paced on the clock given,
 * and a job metric is an Error saying it needs a cluster.
 */
class LocalMeasurerTest {

  static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

  final PluginMeasurementsTest.FakeMetricPlugins plugins =
      new PluginMeasurementsTest.FakeMetricPlugins();
  final MutableClock clock = new MutableClock(NOW);
  final AnalysisRun run = PluginMeasurementsTest.analysisRun();
  final LocalMeasurer measurer =
      new LocalMeasurer(
          run,
          MetricArgs.of(Map.of("service", "cart", "token", "t")),
          MetricProviders.create(clock::instant),
          plugins,
          clock);

  @Test
  void pluginAnswersAreRecordedAsTheyComeAndRunningIsPacedOnTheClock() {
    Measurer.Call call = PluginMeasurementsTest.call(run, 1);
    plugins.answers.add(new Measurement(Phase.RUNNING, "", Map.of(), NOW, null, null, "queued"));
    Measured running = measurer.measure(call);
    assertThat(running.status()).isEqualTo(Status.RUNNING);
    assertThat(running.resumeAt()).isEqualTo(NOW.plus(RunMeasurer.PLUGIN_RESUME));
    assertThat(plugins.recorded)
        .containsExactly(
            new CallKey(
                PluginMeasurementsTest.PLUGIN,
                "Run",
                PluginMeasurementsTest.RUN_UID + "/judged/1",
                1));

    clock.advance(Duration.ofSeconds(10));
    plugins.answers.add(new Measurement(Phase.SUCCESSFUL, "0.99", Map.of(), NOW, null, null, ""));
    Measured done =
        measurer.resume(
            call,
            new Measurer.InFlight(NOW, running.resumeAt(), running.text(), running.metadata()));
    assertThat(done.status()).isEqualTo(Status.VALUE);
    assertThat(done.text()).isEqualTo("0.99");
    assertThat(plugins.recorded).hasSize(2);
    assertThat(plugins.recorded.get(1).attempt()).isEqualTo(2);
  }

  @Test
  void aJobMetricIsAnErrorSayingItNeedsACluster() {
    JsonNode provider = Json.MAPPER.createObjectNode().set("job", Json.MAPPER.createObjectNode());
    Measurer.Call call = new Measurer.Call("smoke", null, provider, 1);
    Measured m = measurer.measure(call);
    assertThat(m.status()).isEqualTo(Status.ERROR);
    assertThat(m.message()).isEqualTo(LocalMeasurer.NO_JOBS);
    assertThat(plugins.sent).isEmpty();
  }
}
