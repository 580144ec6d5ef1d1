package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  final List<String> handled = new CopyOnWriteArrayList<>();
  WorkQueue queue;

  WorkQueue start(Function<String, WorkQueue.Result> handler) {
    queue =
        new WorkQueue(
            clock, 4, new WorkQueue.Backoff(Duration.ofMillis(5), Duration.ofSeconds(1)), handler);
    queue.start("test");
    return queue;
  }

  @AfterEach
  void stop() {
    queue.stop();
  }

  @Test
  void stopLetsAReconcileInFlightFinishItsWritesInsteadOfInterruptingThem() throws Exception {
    // A reconcile between its status write and its Events when the controller stops: before,
    // stop() interrupted it, and Event creates left in flight could land out of order.
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    start(
        key -> {
          writing.countDown();
          try {
            release.await();
            finished.incrementAndGet();
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
          }
          return WorkQueue.Result.done();
        });
    queue.add("default/demo");
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread stopper =
        new Thread(
            () -> {
              queue.stop();
              stopped.countDown();
            });
    stopper.start();
    // The stop waits for the worker (it is joining it) rather than interrupting it.
    await().until(() -> stopper.getState() == Thread.State.TIMED_WAITING || interrupted.get() > 0);
    release.countDown();
    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted).hasValue(0);
    assertThat(finished).hasValue(1);
  }

  @Test
  void aKeyIsNeverHandledByTwoWorkersAndWaitsOnlyOnce() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    start(
        key -> {
          int n = inside.incrementAndGet();
          maxInside.accumulateAndGet(n, Math::max);
          handled.add(key);
          entered.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          inside.decrementAndGet();
          return WorkQueue.Result.done();
        });
    queue.add("a");
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    queue.add("a");
    queue.add("a");
    queue.add("a");
    release.countDown();
    await().until(() -> handled.size() == 2 && queue.length() == 0);
    assertThat(maxInside.get()).isEqualTo(1);
    assertThat(handled).containsExactly("a", "a");
  }

  @Test
  void differentKeysRunInParallel() throws Exception {
    CountDownLatch both = new CountDownLatch(2);
    start(
        key -> {
          both.countDown();
          try {
            both.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          handled.add(key);
          return WorkQueue.Result.done();
        });
    queue.add("a");
    queue.add("b");
    await().until(() -> handled.size() == 2);
    assertThat(both.getCount()).isZero();
  }

  @Test
  void addAfterWaitsForTheInjectedClock() {
    start(
        key -> {
          handled.add(key);
          return WorkQueue.Result.done();
        });
    queue.addAfter("a", Duration.ofSeconds(30));
    queue.fireDue();
    clock.advance(Duration.ofSeconds(29));
    queue.fireDue();
    assertThat(handled).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    queue.fireDue();
    await().until(() -> handled.equals(List.of("a")));
  }

  /**
   * A wake on wall time that finds the clock a little short of the due time (the scheduler's
   * millisecond delays, or a clock that runs slower than the scheduler's) waits for the rest: the
   * key is not left waiting for a wake that never comes. Here the clock runs at 60 % of wall speed,
   * so every wake is early by the clock.
   */
  @Test
  void aWakeThatComesEarlyByAMovingClockWaitsForTheRest() {
    long origin = System.nanoTime();
    Instant start = Instant.parse("2026-11-23T10:00:00Z");
    java.time.Clock slow =
        new java.time.Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return start.plusNanos((System.nanoTime() - origin) * 6 / 10);
          }
        };
    queue =
        new WorkQueue(
            slow,
            1,
            new WorkQueue.Backoff(Duration.ofMillis(5), Duration.ofSeconds(1)),
            key -> {
              handled.add(key);
              return WorkQueue.Result.done();
            });
    queue.start("test");
    Instant due = slow.instant().plus(Duration.ofMillis(200));
    queue.addAt("a", due);
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.equals(List.of("a")));
    assertThat(slow.instant()).isAfterOrEqualTo(due);
  }

  /**
   * The race behind a wake that never came: the clock crosses the due time between the wake's
   * fireDue (still short of it) and its look at what is left (already past it). A scripted clock
   * puts the crossing exactly there, every time.
   */
  @Test
  void aClockThatCrossesTheDueTimeDuringAWakeStillFiresTheKey() {
    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
    Instant at = t0.plusMillis(10);
    java.util.Deque<Instant> script =
        new java.util.ArrayDeque<>(List.of(t0, at.minusMillis(1), at.plusMillis(1)));
    java.time.Clock scripted =
        new java.time.Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public synchronized Instant instant() {
            return script.isEmpty() ? at.plusSeconds(1) : script.poll();
          }
        };
    queue =
        new WorkQueue(
            scripted,
            1,
            new WorkQueue.Backoff(Duration.ofMillis(5), Duration.ofSeconds(1)),
            key -> {
              handled.add(key);
              return WorkQueue.Result.done();
            });
    queue.start("test");
    queue.addAt("a", at);
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.equals(List.of("a")));
  }

  @Test
  void requeueAfterFromTheHandlerIsScheduledOnTheClock() {
    start(
        key -> {
          handled.add(key);
          return handled.size() == 1
              ? WorkQueue.Result.after(Duration.ofMinutes(5))
              : WorkQueue.Result.done();
        });
    queue.add("a");
    await().until(() -> handled.size() == 1);
    clock.advance(Duration.ofMinutes(5));
    queue.fireDue();
    await().until(() -> handled.size() == 2);
  }

  /**
   * A handler that decides a time on the clock it read, while the clock moves on before the handler
   * returns (a test advancing it as soon as it sees the status written): the key is due at that
   * time, not at a delay counted from when the queue got the answer.
   */
  @Test
  void requeueAtATimeIsNotPushedLaterByAClockThatMovedDuringTheHandler() {
    start(
        key -> {
          handled.add(key);
          if (handled.size() > 1) {
            return WorkQueue.Result.done();
          }
          Instant now = clock.instant();
          clock.advance(Duration.ofMinutes(5));
          return WorkQueue.Result.at(now.plus(Duration.ofMinutes(5)));
        });
    queue.add("a");
    await().until(() -> handled.size() == 2);
  }

  @Test
  void requeueAtATimeStillToComeWaitsForIt() {
    Instant at = clock.instant().plus(Duration.ofMinutes(5));
    start(
        key -> {
          handled.add(key);
          return handled.size() == 1 ? WorkQueue.Result.at(at) : WorkQueue.Result.done();
        });
    queue.add("a");
    await().until(() -> handled.size() == 1 && queue.length() == 0);
    queue.fireDue();
    assertThat(handled).hasSize(1);
    clock.set(at);
    queue.fireDue();
    await().until(() -> handled.size() == 2);
  }

  @Test
  void errorsAreRetriedWithBackoffAndConflictsAtOnce() {
    ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    start(
        key -> {
          int n = calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
          if (key.equals("err") && n < 3) {
            throw new IllegalStateException("boom " + n);
          }
          if (key.equals("conflict") && n < 3) {
            throw new WorkQueue.RetryNow("conflict " + n);
          }
          handled.add(key);
          return WorkQueue.Result.done();
        });
    queue.add("err");
    queue.add("conflict");
    await().until(() -> handled.containsAll(List.of("err", "conflict")));
    assertThat(calls.get("err").get()).isEqualTo(3);
    assertThat(calls.get("conflict").get()).isEqualTo(3);
  }

  @Test
  void backoffDoublesUpToItsCap() {
    WorkQueue.Backoff b = new WorkQueue.Backoff(Duration.ofMillis(5), Duration.ofMillis(100));
    assertThat(b.forFailure(1)).isEqualTo(Duration.ofMillis(5));
    assertThat(b.forFailure(2)).isEqualTo(Duration.ofMillis(10));
    assertThat(b.forFailure(5)).isEqualTo(Duration.ofMillis(80));
    assertThat(b.forFailure(50)).isEqualTo(Duration.ofMillis(100));
    assertThatThrownBy(() -> new WorkQueue.Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("must be positive");
    queue = new WorkQueue(clock, 1, b, k -> WorkQueue.Result.done());
  }

  /** A clock that runs a hook (once) on the next read by the thread that armed it. */
  static final class HookedClock extends java.time.Clock {
    final MutableClock clock;
    volatile Thread armedBy;
    volatile Runnable hook;

    HookedClock(MutableClock clock) {
      this.clock = clock;
    }

    @Override
    public java.time.ZoneId getZone() {
      return clock.getZone();
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      Instant now = clock.instant();
      Runnable h = hook;
      if (h != null && Thread.currentThread() == armedBy) {
        hook = null;
        h.run();
      }
      return now;
    }
  }

  @Test
  void aClockAdvancedAndCheckedWhileAHandlerAsksForALaterLookIsNeverMissed() throws Exception {
    // The handler asks for another look at T+30s; between the queue's read of the clock (T) and
    // its storing of that due time, a test advances the clock by 30 s and calls fireDue. Before,
    // that fireDue found nothing due and the key waited for the wall-time wake (30 s).
    HookedClock hooked = new HookedClock(clock);
    Instant later = clock.instant().plus(Duration.ofSeconds(30));
    AtomicInteger looks = new AtomicInteger();
    queue =
        new WorkQueue(
            hooked,
            1,
            new WorkQueue.Backoff(Duration.ofMillis(5), Duration.ofSeconds(1)),
            key -> {
              if (looks.incrementAndGet() > 1) {
                return WorkQueue.Result.done();
              }
              // The queue's next read of the clock on this thread is addAt's.
              hooked.armedBy = Thread.currentThread();
              hooked.hook =
                  () -> {
                    Thread advancer =
                        new Thread(
                            () -> {
                              clock.advance(Duration.ofSeconds(30));
                              queue.fireDue();
                            });
                    advancer.start();
                    // Until it is done, or waits for the queue's lock (held by this read).
                    await()
                        .atMost(Duration.ofSeconds(10))
                        .until(
                            () ->
                                advancer.getState() == Thread.State.TERMINATED
                                    || advancer.getState() == Thread.State.BLOCKED);
                  };
              return WorkQueue.Result.at(later);
            });
    queue.start("test");
    queue.add("default/demo");
    await().atMost(Duration.ofSeconds(10)).until(() -> looks.get() == 2);
  }

  @Test
  void isIdleOnlyWithNothingQueuedHandledOrBackingOffAndNamesTheNextDueTime() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger failures = new AtomicInteger();
    start(
        key -> {
          if (key.equals("slow")) {
            entered.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          if (key.equals("fails") && failures.incrementAndGet() == 1) {
            throw new IllegalStateException("once");
          }
          return WorkQueue.Result.done();
        });
    assertThat(queue.isIdle()).isTrue();
    assertThat(queue.nextDue()).isEmpty();

    queue.addAfter("later", Duration.ofMinutes(10));
    assertThat(queue.isIdle()).isTrue();
    assertThat(queue.nextDue()).contains(clock.instant().plus(Duration.ofMinutes(10)));

    queue.add("slow");
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(queue.isIdle()).isFalse();
    release.countDown();
    await().until(queue::isIdle);

    // A failure waits out its backoff on wall time: work still to do, not idle.
    queue.add("fails");
    await().until(() -> failures.get() == 2 && queue.isIdle());
  }
}
