package dev.ramp.engine.kube;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A work queue in the manner of client-go's rate-limited queue: a key waits at most once (de-
 * duplicated), is handled by at most one worker at a time (a key added while it is handled is
 * handled again afterwards), can be added after a delay, and backs off per key on errors.
 *
 * <p>Delays decided by the rollout (pauses, deadlines) are measured on the injected {@link Clock};
 * a scheduler wakes on wall time to check them, and {@link #fireDue()} checks at once (a test that
 * advances its clock calls it). Error backoff is on wall time: it protects the API server.
 */
final class WorkQueue {
  private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);

  /**
   * What handling a key asks for next: nothing, another look after a delay (counted on the clock
   * from when the handling started), or another look at a time on the clock.
   */
  record Result(Duration requeueAfter, Instant requeueAt) {
    Result(Duration requeueAfter) {
      this(requeueAfter, null);
    }

    static Result done() {
      return new Result(null, null);
    }

    static Result after(Duration d) {
      return new Result(d, null);
    }

    static Result at(Instant t) {
      return new Result(null, t);
    }
  }

  /** Thrown by a handler to be handled again at once (a conflict), without backoff. */
  static final class RetryNow extends RuntimeException {
    RetryNow(String message) {
      super(message);
    }
  }

  private final Clock clock;
  private final Function<String, Result> handler;
  private final Backoff backoff;
  private final int workers;
  private final Object lock = new Object();
  private final Deque<String> queue = new ArrayDeque<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> processing = new HashSet<>();
  private final Map<String, Instant> due = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final Map<String, Integer> conflicts = new HashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private int backingOff;
  private ScheduledExecutorService scheduler;
  private volatile boolean stopped;

  WorkQueue(Clock clock, int workers, Backoff backoff, Function<String, Result> handler) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers: " + workers + " must be at least 1");
    }
    this.clock = clock;
    this.workers = workers;
    this.backoff = backoff;
    this.handler = handler;
  }

  /** Per-key exponential backoff: base * 2^(failures-1), capped. */
  record Backoff(Duration base, Duration cap) {
    Backoff {
      if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
        throw new IllegalArgumentException(
            "backoff: base "
                + dev.ramp.engine.model.GoDuration.format(base)
                + " must be positive and at most the cap "
                + dev.ramp.engine.model.GoDuration.format(cap));
      }
    }

    Duration forFailure(int n) {
      long millis = base.toMillis();
      for (int i = 1; i < n && millis < cap.toMillis(); i++) {
        millis *= 2;
      }
      return Duration.ofMillis(Math.min(millis, cap.toMillis()));
    }
  }

  void start(String name) {
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, name + "-delays"));
    for (int i = 0; i < workers; i++) {
      Thread t = daemon(this::work, name + "-worker-" + i);
      threads.add(t);
      t.start();
    }
  }

  /** How long a stop waits for reconciles in flight to finish their writes before interrupting. */
  static final Duration GRACE = Duration.ofSeconds(5);

  /**
   * Stops taking keys. A reconcile in flight finishes — its status write and Events, in order — for
   * up to {@link #GRACE}; one still running then (a hung plugin call) is interrupted. Interrupting
   * at once left Event creates in flight on the HTTP client, which the server could then store out
   * of order.
   */
  void stop() {
    synchronized (lock) {
      // Under the lock: a worker that checked "not stopped" is done scheduling before this shuts
      // the scheduler down (a reconcile that failed just as the queue stopped).
      stopped = true;
      lock.notifyAll();
      if (scheduler != null) {
        scheduler.shutdownNow();
      }
    }
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (Thread t : threads) {
      if (t == Thread.currentThread()) {
        continue;
      }
      try {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Thread t : threads) {
      if (t.isAlive()) {
        t.interrupt();
      }
    }
  }

  void add(String key) {
    synchronized (lock) {
      if (stopped || !dirty.add(key)) {
        return;
      }
      if (!processing.contains(key)) {
        queue.add(key);
        lock.notify();
      }
    }
  }

  /** Adds the key once {@code delay} has passed on the clock; an earlier due time wins. */
  void addAfter(String key, Duration delay) {
    addAt(key, clock.instant().plus(delay));
  }

  /**
   * Adds the key once the clock reaches {@code at} (at once if it has); an earlier time wins.
   *
   * <p>The clock is read under the lock {@link #fireDue()} takes: a clock advanced and then checked
   * by {@code fireDue} either finds this due time stored, or was advanced before this read (and the
   * key is added at once). Read outside the lock, an advance and its check could fall between the
   * read and the store, and the key waited for the wall-time wake instead.
   */
  void addAt(String key, Instant at) {
    Duration delay;
    boolean later;
    synchronized (lock) {
      delay = Duration.between(clock.instant(), at);
      later = !delay.isZero() && !delay.isNegative();
      if (later) {
        Instant existing = due.get(key);
        if (existing != null && !existing.isAfter(at)) {
          return;
        }
        due.put(key, at);
      }
    }
    if (!later) {
      add(key);
      return;
    }
    scheduleWake(at, delay);
  }

  /** Adds every key whose delay has passed on the clock. */
  void fireDue() {
    List<String> ready = new ArrayList<>();
    synchronized (lock) {
      Instant now = clock.instant();
      due.entrySet()
          .removeIf(
              e -> {
                if (!e.getValue().isAfter(now)) {
                  ready.add(e.getKey());
                  return true;
                }
                return false;
              });
    }
    ready.forEach(this::add);
  }

  /**
   * True when nothing is queued, handled, or waiting out an error backoff (a wall-time retry is
   * work still to do): only a due time on the clock can bring more work. A seam for a clock that
   * moves only when the world is idle (a rehearsal's).
   */
  boolean isIdle() {
    synchronized (lock) {
      return queue.isEmpty() && processing.isEmpty() && backingOff == 0;
    }
  }

  /** The earliest due time on the clock of a key added for later, if any. */
  java.util.Optional<Instant> nextDue() {
    synchronized (lock) {
      return due.values().stream().min(Instant::compareTo);
    }
  }

  int length() {
    synchronized (lock) {
      return queue.size() + processing.size();
    }
  }

  /**
   * Wakes after {@code delay} of wall time to fire what is due by then. A wake that finds the clock
   * moved towards {@code at} but not yet there (the clock is the system clock and the scheduler's
   * timer ran a little ahead of it) waits for the rest; without that the key stayed queued until
   * some other wake, which on the system clock might never come. A clock that did not move (a
   * test's, standing still) is left to {@link #fireDue()} as before.
   */
  private void scheduleWake(Instant at, Duration delay) {
    schedule(() -> wake(at, delay), delay);
  }

  private void wake(Instant at, Duration delay) {
    // The rest is read before fireDue reads the clock: read after, a clock that crossed the due
    // time between the two reads left the key neither fired nor woken for again.
    Duration rest = Duration.between(clock.instant(), at);
    fireDue();
    if (!rest.isNegative() && !rest.isZero() && rest.compareTo(delay) < 0) {
      scheduleWake(at, rest);
    }
  }

  /**
   * Runs {@code task} after {@code delay} (rounded up to the millisecond: rounded down, the timer
   * fires before the time it was asked for), unless the queue has stopped (then nothing is due).
   */
  private void schedule(Runnable task, Duration delay) {
    long millis = Math.max(1, (delay.toNanos() + 999_999) / 1_000_000);
    synchronized (lock) {
      ScheduledExecutorService s = scheduler;
      if (s != null && !stopped) {
        s.schedule(task, millis, TimeUnit.MILLISECONDS);
      }
    }
  }

  private void addRateLimited(String key) {
    int n;
    synchronized (lock) {
      n = failures.merge(key, 1, Integer::sum);
      backingOff++;
    }
    schedule(
        () -> {
          // Added before the backoff ends: the queue is never idle between the two.
          add(key);
          synchronized (lock) {
            backingOff--;
          }
        },
        backoff.forFailure(n));
  }

  private void work() {
    while (!stopped) {
      String key;
      synchronized (lock) {
        while (queue.isEmpty() && !stopped) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (stopped) {
          return;
        }
        key = queue.poll();
        dirty.remove(key);
        processing.add(key);
      }
      try {
        // A delay counts from here: the clock may move (a test advancing it) before the handler
        // returns, and counting from then would push the next look later than asked.
        Instant started = clock.instant();
        Result result = handler.apply(key);
        synchronized (lock) {
          failures.remove(key);
          conflicts.remove(key);
        }
        if (result.requeueAt() != null) {
          addAt(key, result.requeueAt());
        } else if (result.requeueAfter() != null) {
          addAt(key, started.plus(result.requeueAfter()));
        }
      } catch (RetryNow e) {
        // The first conflict is retried at once (a fresh read usually fixes it); a run of them
        // (a cache that has not caught up yet) backs off like an error.
        int conflicts;
        synchronized (lock) {
          conflicts = this.conflicts.merge(key, 1, Integer::sum);
        }
        LOG.debug("{}: {}; handling again", key, e.getMessage());
        done(key);
        if (conflicts == 1) {
          add(key);
        } else {
          addRateLimited(key);
        }
        continue;
      } catch (RuntimeException e) {
        if (!stopped) {
          LOG.warn("{}: reconcile failed, backing off: {}", key, e.toString());
          addRateLimited(key);
        }
      }
      done(key);
    }
  }

  private void done(String key) {
    synchronized (lock) {
      processing.remove(key);
      if (dirty.contains(key)) {
        queue.add(key);
        lock.notify();
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
