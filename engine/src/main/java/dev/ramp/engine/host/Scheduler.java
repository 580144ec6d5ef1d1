package dev.ramp.engine.host;

import java.time.Duration;

/**
 * Runs supervision work (launches, health checks, restarts after backoff) later or now. A seam so
 * that unit tests drive backoff by hand instead of sleeping.
 */
interface Scheduler {

  /** Something scheduled that can still be called off. */
  interface Cancellable {
    void cancel();
  }

  /** Runs the task after the delay (zero: as soon as possible) on a worker thread. */
  Cancellable schedule(Duration delay, Runnable task);
}
