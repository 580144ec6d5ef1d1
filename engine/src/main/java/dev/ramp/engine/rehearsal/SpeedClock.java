package dev.ramp.engine.rehearsal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * A clock that runs {@code speed} times faster than the one it reads, from a starting instant: a 30
 * s pause of a rehearsal at speed 100 takes 0.3 s. Everything the controller times (pauses,
 * requeues, progress deadlines) reads this clock.
 */
final class SpeedClock extends Clock {

  private final Instant start;
  private final long startNanos;
  private final double speed;
  private final LongSupplier nanoTime;

  SpeedClock(Instant start, double speed) {
    this(start, speed, System::nanoTime);
  }

  SpeedClock(Instant start, double speed, LongSupplier nanoTime) {
    if (!(speed >= 1)) {
      throw new IllegalArgumentException("speed must be at least 1, was " + speed);
    }
    this.start = start;
    this.speed = speed;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
  }

  @Override
  public Instant instant() {
    long elapsed = nanoTime.getAsLong() - startNanos;
    return start.plusNanos((long) (elapsed * speed));
  }

  /** How long a duration of this clock takes in real time. */
  Duration real(Duration scaled) {
    return Duration.ofNanos((long) (scaled.toNanos() / speed));
  }

  double speed() {
    return speed;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a rehearsal clock is always UTC");
  }
}
