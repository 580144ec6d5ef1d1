package dev.ramp.engine.host;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production scheduler: one timer thread hands due tasks to a cached pool, because a task may
 * block for a launch's start timeout or a health check's deadline.
 */
final class ExecutorScheduler implements Scheduler, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);

  private final ScheduledExecutorService timer;
  private final ExecutorService workers;

  ExecutorScheduler() {
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("ramp-plugin-timer"));
    this.workers = Executors.newCachedThreadPool(daemon("ramp-plugin-host"));
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Runnable guarded =
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.error("plugin host task failed", e);
          }
        };
    try {
      if (delay.isZero() || delay.isNegative()) {
        workers.execute(guarded);
        return () -> {};
      }
      ScheduledFuture<?> future =
          timer.schedule(() -> run(guarded), delay.toMillis(), TimeUnit.MILLISECONDS);
      return () -> future.cancel(false);
    } catch (RejectedExecutionException e) {
      // The host is closed: nothing is supervised any more.
      LOG.debug("plugin host closed; task dropped");
      return () -> {};
    }
  }

  private void run(Runnable task) {
    try {
      workers.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("plugin host closed; task dropped");
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdown();
    try {
      workers.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
  }
}
