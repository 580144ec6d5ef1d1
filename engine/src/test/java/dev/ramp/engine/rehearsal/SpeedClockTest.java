package dev.ramp.engine.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpeedClockTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long MS = 1_000_000;

  /** A world the test sets by hand. */
  private static final class FakeWorld implements SpeedClock.World {
    boolean idle = true;
    Instant due;
    long writes;
    int advanced;

    @Override
    public boolean isIdle() {
      return idle;
    }

    @Override
    public Optional<Instant> nextDue() {
      return Optional.ofNullable(due);
    }

    @Override
    public long writes() {
      return writes;
    }

    @Override
    public void clockAdvanced() {
      advanced++;
    }
  }

  private final FakeWorld world = new FakeWorld();
  private final SpeedClock clock = new SpeedClock(START, 100);

  {
    clock.bind(world);
  }

  @Test
  void runsSpeedTimesFasterWhileIdleAfterSettling() {
    clock.tick(0);
    assertThat(clock.tick(10 * MS)).isFalse();
    assertThat(clock.instant()).isEqualTo(START);

    clock.tick(300 * MS);

    assertThat(clock.instant()).isEqualTo(START.plusSeconds(30));
    assertThat(clock.real(Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void busyWallTimeIsNotCounted() {
    world.idle = false;
    clock.tick(0);
    clock.tick(60_000 * MS);
    world.idle = true;
    clock.tick(60_000 * MS);
    clock.tick(60_100 * MS);

    assertThat(clock.instant()).isEqualTo(START.plusSeconds(10));
  }

  @Test
  void aWriteStartsTheSettlingAgain() {
    clock.tick(0);
    world.writes++;
    clock.tick(100 * MS);
    clock.tick(140 * MS);

    assertThat(clock.instant()).isEqualTo(START);
  }

  @Test
  void stopsAtTheNextDueTimeAndReportsIt() {
    world.due = START.plusSeconds(5);
    clock.tick(0);
    clock.tick(60_000 * MS);

    assertThat(clock.instant()).isEqualTo(START.plusSeconds(5));
    assertThat(world.advanced).isEqualTo(1);
  }

  @Test
  void doesNotMoveBeforeItIsDue() {
    world.due = START.plusSeconds(600);
    clock.tick(0);
    clock.tick(100 * MS);

    assertThat(clock.instant()).isEqualTo(START.plusSeconds(10));
    assertThat(world.advanced).isZero();
  }

  @Test
  void refusesSlowingDown() {
    assertThatThrownBy(() -> new SpeedClock(Instant.EPOCH, 0.5))
        .hasMessage("speed must be at least 1, was 0.5");
  }
}
