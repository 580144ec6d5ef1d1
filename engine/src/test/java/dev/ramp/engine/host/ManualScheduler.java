package dev.ramp.engine.host;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A scheduler and clock that tests move by hand: nothing runs until they say so. */
final class ManualScheduler extends Clock implements Scheduler {

  private record Task(Instant due, long seq, Runnable run, boolean[] cancelled) {}

  private final List<Task> tasks = new ArrayList<>();
  private Instant now = Instant.parse("2026-11-23T12:00:00Z");
  private long seq;

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    boolean[] cancelled = {false};
    tasks.add(new Task(now.plus(delay), seq++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Runs every task that is due, including tasks they schedule for now. */
  void runDue() {
    while (true) {
      Task next;
      synchronized (this) {
        next =
            tasks.stream()
                .filter(t -> !t.due().isAfter(now))
                .min(Comparator.comparing(Task::due).thenComparing(Task::seq))
                .orElse(null);
        if (next == null) {
          return;
        }
        tasks.remove(next);
      }
      if (!next.cancelled()[0]) {
        next.run().run();
      }
    }
  }

  void advance(Duration by) {
    synchronized (this) {
      now = now.plus(by);
    }
    runDue();
  }

  /** The delay until the earliest pending task, or null when none is pending. */
  synchronized Duration nextDelay() {
    return tasks.stream()
        .filter(t -> !t.cancelled()[0])
        .map(t -> Duration.between(now, t.due()))
        .min(Comparator.naturalOrder())
        .orElse(null);
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
