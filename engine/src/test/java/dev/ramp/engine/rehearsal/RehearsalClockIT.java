package dev.ramp.engine.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rehearsal.Rehearsal.Outcome;
import dev.ramp.engine.rehearsal.Rehearsal.StepRecord;
import dev.ramp.engine.rehearsal.Rehearsal.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rehearsal's clock moves only while the world is idle: a machine that stalls does not count
 * against deadlines, and a world that is truly stuck still reaches them.
 */
class RehearsalClockIT {

  private static final Path BASIC = Path.of("../examples/basic-canary/rollout.yaml");

  @TempDir Path work;
  private final List<String> log = new ArrayList<>();

  private Rehearsal.Options options(Duration podReadyAfter) {
    return new Rehearsal.Options(
        1000, podReadyAfter, true, Duration.ofHours(2), null, work, log::add);
  }

  /**
   * Each status the node simulator writes waits 700 ms of wall time, 700 s at speed 1000: on a
   * clock that counted wall time every new ReplicaSet would pass its 600 s progress deadline.
   */
  @Test
  void aStalledNodeSimulatorDoesNotCountAgainstTheProgressDeadline() {
    Runnable stall =
        () -> {
          try {
            Thread.sleep(700);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    try (Rehearsal rehearsal = Rehearsal.start(options(Duration.ofSeconds(10)), stall)) {
      Rollout rollout = rehearsal.apply(List.of(BASIC)).get(0);
      assertThat(rehearsal.awaitStable(rollout).verdict()).isEqualTo(Verdict.HEALTHY);

      rehearsal.newRevision(rollout, "registry.example/checkout:1.1.0");
      Outcome outcome = rehearsal.runToEnd(rollout, r -> {});

      assertThat(outcome.verdict()).isEqualTo(Verdict.HEALTHY);
      assertThat(outcome.history())
          .extracting(StepRecord::index, StepRecord::step, StepRecord::result)
          .containsExactly(
              tuple(0, "setWeight: 20", "completed"),
              tuple(1, "pause: 30s", "completed"),
              tuple(2, "setWeight: 60", "completed"),
              tuple(3, "pause (until promoted)", "promoted"));
    }
  }

  /** Pods that take 20 minutes to be ready: the 600 s progress deadline passes first. */
  @Test
  void aWorldThatIsStuckStillReachesItsProgressDeadline() {
    try (Rehearsal rehearsal = Rehearsal.start(options(Duration.ofMinutes(20)))) {
      Rollout rollout = rehearsal.apply(List.of(BASIC)).get(0);
      Outcome outcome = rehearsal.awaitStable(rollout);

      assertThat(outcome.verdict()).isEqualTo(Verdict.DEGRADED);
      assertThat(outcome.rollout().getStatus().conditionsOrEmpty())
          .extracting(c -> c.reason)
          .contains("ProgressDeadlineExceeded");
    }
  }
}
