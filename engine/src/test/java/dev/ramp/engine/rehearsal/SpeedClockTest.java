package dev.ramp.engine.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SpeedClockTest {

  @Test
  void runsSpeedTimesFaster() {
    AtomicLong nanos = new AtomicLong(1_000);
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    SpeedClock clock = new SpeedClock(start, 100, nanos::get);

    nanos.addAndGet(Duration.ofMillis(300).toNanos());
    assertThat(clock.instant()).isEqualTo(start.plusSeconds(30));
    assertThat(clock.real(Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void refusesSlowingDown() {
    assertThatThrownBy(() -> new SpeedClock(Instant.EPOCH, 0.5))
        .hasMessage("speed must be at least 1, was 0.5");
  }
}
