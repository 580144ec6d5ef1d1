package dev.ramp.engine.rehearsal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The rehearsal's clock: virtual time that moves only while the world is idle, so that the
 * machine's own time (API calls, informer deliveries, plugin calls, a loaded CPU) never counts
 * against a pause, a requeue or a progress deadline.
 *
 * <p>The world is idle when nothing is queued or in hand anywhere ({@link World#isIdle()}) and no
 * write has reached the API server for {@link #SETTLE} of wall time (the watch events a write
 * causes reach the informers a little after it). While it is idle, the clock runs {@code speed}
 * times faster than the wall time spent idle — so a person watching sees a 30 s pause take 0.3 s at
 * speed 100 — but never past the next due time ({@link World#nextDue()}): it stops there and
 * reports the move ({@link World#clockAdvanced()}), and the world's reaction makes it busy again.
 * Busy wall time is not counted at all.
 *
 * <p>{@link #tick} is the whole policy, a function of wall time the caller passes; a driver thread
 * calls it every {@link #TICK} ({@link #drive}).
 */
final class SpeedClock extends Clock implements AutoCloseable {

  /** What the clock reads and reports to. */
  interface World {
    /** Nothing queued, in hand or due now: only a due time can bring more work. */
    boolean isIdle();

    /** The earliest due time on this clock, if any. */
    Optional<Instant> nextDue();

    /** A count that changes with every write; unchanged between two looks, none happened. */
    long writes();

    /** The clock moved: look at what is due. */
    void clockAdvanced();
  }

  /** How long the world must stay idle, without a write, before the clock moves. */
  static final Duration SETTLE = Duration.ofMillis(50);

  /** How often the driver looks at the world. */
  static final Duration TICK = Duration.ofMillis(5);

  private final double speed;
  private volatile Instant now;
  private World world;
  private long writes = Long.MIN_VALUE;
  private long idleSince = -1;
  private long counted;
  private final java.util.concurrent.atomic.AtomicLong looks =
      new java.util.concurrent.atomic.AtomicLong();
  private Thread driver;

  SpeedClock(Instant start, double speed) {
    if (!(speed >= 1)) {
      throw new IllegalArgumentException("speed must be at least 1, was " + speed);
    }
    this.now = start;
    this.speed = speed;
  }

  /** How many times the clock has looked at the world (a test waits for looks, not for time). */
  long looks() {
    return looks.get();
  }

  @Override
  public Instant instant() {
    return now;
  }

  /** Starts a daemon thread that ticks on wall time until {@link #close()}. */
  synchronized void drive(World w) {
    bind(w);
    driver =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                tick(System.nanoTime());
                try {
                  Thread.sleep(TICK.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "ramp-rehearsal-clock");
    driver.setDaemon(true);
    driver.start();
  }

  /** Binds the world without a driver (tests tick by hand). */
  synchronized void bind(World w) {
    this.world = w;
    this.writes = w.writes();
  }

  /**
   * One look at the world at wall time {@code wallNanos}: moves the clock if the world has been
   * idle, without a write, for {@link #SETTLE}. Returns whether it moved.
   */
  synchronized boolean tick(long wallNanos) {
    looks.incrementAndGet();
    long w = world.writes();
    if (w != writes || !world.isIdle()) {
      writes = w;
      idleSince = -1;
      return false;
    }
    if (idleSince < 0) {
      idleSince = wallNanos;
      counted = wallNanos;
      return false;
    }
    if (wallNanos - idleSince < SETTLE.toNanos()) {
      return false;
    }
    Instant target = now.plusNanos((long) ((wallNanos - counted) * speed));
    counted = wallNanos;
    Optional<Instant> due = world.nextDue();
    if (due.isPresent() && due.get().isBefore(target)) {
      target = due.get();
    }
    boolean moved = target.isAfter(now);
    if (moved) {
      now = target;
    }
    if (due.isPresent() && !due.get().isAfter(now)) {
      world.clockAdvanced();
    }
    return moved;
  }

  /** How long a duration of this clock takes in wall time while the world is idle. */
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

  @Override
  public synchronized void close() {
    if (driver != null) {
      driver.interrupt();
    }
  }
}
