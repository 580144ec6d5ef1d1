package dev.ramp.engine.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rehearsal.Rehearsal.Outcome;
import dev.ramp.engine.rehearsal.Rehearsal.StepRecord;
import dev.ramp.engine.rehearsal.Rehearsal.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
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
   * Each status the node simulator writes is held until the clock's driver has looked at the busy
   * world 140 times (at least 700 ms of wall time, 700 s at speed 1000): on a clock that counted
   * wall time every new ReplicaSet would pass its 600 s progress deadline. The clock must not move
   * while a write is held.
   */
  @Test
  void aStalledNodeSimulatorDoesNotCountAgainstTheProgressDeadline() {
    AtomicReference<Rehearsal> running = new AtomicReference<>();
    List<String> movedWhileHeld = new CopyOnWriteArrayList<>();
    Runnable stall =
        () -> {
          Rehearsal r = running.get();
          if (r == null) {
            return; // still starting: nothing to hold yet
          }
          SpeedClock clock = r.clock();
          Instant held = clock.instant();
          long from = clock.looks();
          await().atMost(Duration.ofSeconds(30)).until(() -> clock.looks() >= from + 140);
          if (!clock.instant().equals(held)) {
            movedWhileHeld.add(held + " -> " + clock.instant());
          }
        };
    try (Rehearsal rehearsal = Rehearsal.start(options(Duration.ofSeconds(10)), stall)) {
      running.set(rehearsal);
      Rollout rollout = rehearsal.apply(List.of(BASIC)).get(0);
      assertThat(rehearsal.awaitStable(rollout).verdict()).isEqualTo(Verdict.HEALTHY);

      rehearsal.newRevision(rollout, "registry.example/checkout:1.1.0");
      Outcome outcome = rehearsal.runToEnd(rollout, r -> {});

      assertThat(outcome.verdict()).isEqualTo(Verdict.HEALTHY);
      assertThat(outcome.history())
          .extracting(StepRecord::index, StepRecord::step, StepRecord::result)
          .containsExactly(
              tuple(0, "setWeight 20", "completed"),
              tuple(1, "pause 30s", "completed"),
              tuple(2, "setWeight 60", "completed"),
              tuple(3, "pause until promoted", "promoted"));
      assertThat(movedWhileHeld).isEmpty();
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
