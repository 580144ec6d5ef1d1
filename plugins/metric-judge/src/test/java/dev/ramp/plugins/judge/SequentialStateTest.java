package dev.ramp.plugins.judge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.api.Json;
import dev.ramp.plugins.judge.SequentialState.Counts;
import dev.ramp.plugins.judge.SequentialState.Snapshot;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Differencing counters, and the state's way through the metadata and the run's status. */
class SequentialStateTest {

  @Test
  void theIncreaseIsSummedOverSeriesWithResetsNewAndVanishedSeries() {
    Map<String, Double> before = Map.of("a", 100.0, "b", 50.0, "gone", 7.0);
    // a grew by 20; b was reset and counted 5 since; c is new with 3; gone counts nothing more
    Map<String, Double> now = Map.of("a", 120.0, "b", 5.0, "c", 3.0);
    assertThat(SequentialState.increase(before, now)).isEqualTo(28);
    assertThat(SequentialState.increase(now, now)).isZero();
    assertThat(SequentialState.increase(Map.of(), Map.of("a", 2.4, "b", 2.4))).isEqualTo(5);
    assertThat(SequentialState.increase(Map.of("a", 1.0), Map.of("a", Double.NaN))).isZero();
  }

  @Test
  void theStateSurvivesItsJsonAndIsFoundInTheRunsStatus() {
    Snapshot last =
        new Snapshot(Map.of("{pod=a}", 10.0), Map.of(), Map.of("{pod=b}", 90.5), Map.of());
    SequentialState s =
        new SequentialState(
            1_000L,
            3,
            true,
            EProcess.start(true).update(5, 2, 100, 100),
            new Counts(100, 5, 100, 2),
            new Counts(1, 0, 2, 0),
            last,
            "");
    SequentialState back = SequentialState.from(Map.of(SequentialState.KEY, s.toJson()));
    assertThat(back).isNotNull();
    assertThat(back.process().logLr()).containsExactly(s.process().logLr());
    assertThat(back.process().twoSided()).isTrue();
    assertThat(back).usingRecursiveComparison().ignoringFields("process").isEqualTo(s);

    var run = Json.MAPPER.createObjectNode();
    var results = run.putObject("status").putArray("metricResults");
    results.addObject().put("name", "other").putArray("measurements");
    var mine = results.addObject().put("name", "judge");
    var ms = mine.putArray("measurements");
    ms.addObject().putObject("metadata").put(SequentialState.KEY, "{\"v\":1,\"looks\":1}");
    ms.addObject().putObject("metadata").put(SequentialState.KEY, s.toJson());
    ms.addObject().putObject("metadata").put("unrelated", "x");
    assertThat(SequentialState.inRun(run, "judge").looks()).isEqualTo(3);
    assertThat(SequentialState.inRun(run, "other")).isNull();
    assertThat(SequentialState.from(Map.of(SequentialState.KEY, "not json"))).isNull();
  }
}
