package dev.ramp.engine.host;

import dev.ramp.engine.host.PluginStarter.LaunchFailure;
import dev.ramp.engine.host.PluginStarter.StartedPlugin;
import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginAvailability.State;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one configured plugin running: STARTING → READY → (exit or failed health checks)
 * BACKING_OFF → STARTING …; DISABLED and REFUSED are final for this entry. Also owns the plugin's
 * circuit breaker and bulkhead, since both live exactly as long as the entry.
 *
 * <p>Every process gets a generation number; events of an older process (a late exit, a late health
 * answer) are ignored, so a restart is never doubled.
 */
final class PluginSupervisor {

  private static final Logger LOG = LoggerFactory.getLogger(PluginSupervisor.class);

  /** The gRPC codes that say the plugin, not the request, is in trouble. */
  static final Set<Status.Code> TRANSPORT_FAILURES =
      EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.INTERNAL);

  /** How the host supervises: health-check cadence and restart backoff. */
  record Policy(
      Duration healthInterval,
      Duration healthTimeout,
      int healthFailureThreshold,
      Backoff backoff) {
    Policy {
      if (healthInterval.isZero() || healthInterval.isNegative()) {
        throw new IllegalArgumentException(
            "healthInterval must be positive, got "
                + dev.ramp.engine.model.GoDuration.format(healthInterval));
      }
      if (healthTimeout.isZero() || healthTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "healthTimeout must be positive, got "
                + dev.ramp.engine.model.GoDuration.format(healthTimeout));
      }
      if (healthFailureThreshold < 1) {
        throw new IllegalArgumentException(
            "healthFailureThreshold must be at least 1, got " + healthFailureThreshold);
      }
    }
  }

  private final PluginEntry entry;
  private final PluginStarter starter;
  private final PluginProbe probe;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Policy policy;
  private final HostMetrics metrics;
  private final Consumer<PluginSupervisor> onSettled;
  private final CircuitBreaker breaker;
  private final Bulkhead bulkhead;

  private State state = State.STARTING;
  private String reason = "starting";
  private Connection connection;
  private long generation;
  private int failures;
  private int healthFailures;
  private Instant readySince;
  private Scheduler.Cancellable pending;
  private boolean stopped;
  private boolean settled;

  /**
   * @param onSettled called once, when the first launch attempt has an outcome (ready, backing off,
   *     refused, disabled): the host then swaps this supervisor in for the one it replaces
   */
  PluginSupervisor(
      PluginEntry entry,
      PluginStarter starter,
      PluginProbe probe,
      Scheduler scheduler,
      Clock clock,
      Policy policy,
      HostMetrics metrics,
      Consumer<PluginSupervisor> onSettled) {
    this.entry = entry;
    this.starter = starter;
    this.probe = probe;
    this.scheduler = scheduler;
    this.clock = clock;
    this.policy = policy;
    this.metrics = metrics;
    this.onSettled = onSettled;
    this.breaker =
        CircuitBreaker.of(
            entry.name(),
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                // Only a health check closes it again (see onHealth), never a Run as a probe.
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .waitDurationInOpenState(Duration.ofDays(3650))
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(PluginSupervisor::isTransportFailure)
                .build());
    this.bulkhead =
        Bulkhead.of(
            entry.name(),
            BulkheadConfig.custom()
                .maxConcurrentCalls(entry.limits().maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .build());
  }

  static boolean isTransportFailure(Throwable e) {
    return e instanceof StatusRuntimeException sre
        && TRANSPORT_FAILURES.contains(sre.getStatus().getCode());
  }

  PluginEntry entry() {
    return entry;
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  Bulkhead bulkhead() {
    return bulkhead;
  }

  synchronized PluginAvailability availability() {
    return state == State.READY ? PluginAvailability.ready() : PluginAvailability.of(state, reason);
  }

  synchronized State state() {
    return state;
  }

  /** Begins supervision: launches the plugin, or marks it disabled. */
  void start() {
    synchronized (this) {
      if (entry.disabled()) {
        state = State.DISABLED;
        reason = entry.kind().label() + " plugin " + entry.name() + " is disabled in ramp-config";
      } else {
        long gen = generation;
        pending = scheduler.schedule(Duration.ZERO, () -> attempt(gen));
        return;
      }
    }
    settle();
  }

  /** The current process for one call, or null when the plugin is not ready. */
  synchronized Connection acquire() {
    if (state != State.READY || connection == null || !connection.acquire()) {
      return null;
    }
    return connection;
  }

  private void attempt(long gen) {
    synchronized (this) {
      if (stopped || gen != generation) {
        return;
      }
      state = State.STARTING;
    }
    StartedPlugin process;
    try {
      process = starter.start(entry);
    } catch (LaunchFailure e) {
      launchFailed(gen, e.getMessage(), e.permanent());
      return;
    } catch (RuntimeException e) {
      launchFailed(gen, "could not start: " + e, false);
      return;
    }
    try {
      probe.init(entry, process.channel());
    } catch (RuntimeException e) {
      process.kill();
      launchFailed(gen, "Init failed: " + describe(e), false);
      return;
    }
    boolean stale;
    synchronized (this) {
      stale = stopped || gen != generation;
      if (!stale) {
        connection = new Connection(process);
        state = State.READY;
        reason = "";
        readySince = clock.instant();
        healthFailures = 0;
        LOG.info("plugin {} is ready (pid {})", entry.name(), process.pid());
        process.onExit().thenAccept(code -> exited(gen, code));
        pending = scheduler.schedule(policy.healthInterval(), () -> checkHealth(gen));
      }
    }
    if (stale) {
      process.close();
      return;
    }
    settle();
  }

  private void launchFailed(long gen, String message, boolean permanent) {
    synchronized (this) {
      if (stopped || gen != generation) {
        return;
      }
      if (permanent) {
        state = State.REFUSED;
        reason = message;
        LOG.error("plugin {} refused: {}", entry.name(), message);
      } else {
        backOff(message);
      }
    }
    settle();
  }

  /** Under the lock: waits out the backoff, then launches again. */
  private void backOff(String why) {
    failures++;
    Duration delay = policy.backoff().delay(failures);
    state = State.BACKING_OFF;
    reason = why + "; restarting in " + format(delay);
    LOG.warn("plugin {}: {}", entry.name(), reason);
    long gen = generation;
    pending =
        scheduler.schedule(
            delay,
            () -> {
              metrics.restart(entry.name());
              attempt(gen);
            });
  }

  private void exited(long gen, Integer code) {
    Connection dead;
    synchronized (this) {
      if (stopped || gen != generation) {
        return;
      }
      generation++;
      cancelPending();
      dead = connection;
      connection = null;
      forgiveIfStable();
      backOff("exited with code " + code);
    }
    if (dead != null) {
      // Already gone; close() removes its socket directory and any child it left behind.
      scheduler.schedule(Duration.ZERO, dead.process()::close);
    }
  }

  private void checkHealth(long gen) {
    Connection current;
    synchronized (this) {
      if (stopped || gen != generation || connection == null) {
        return;
      }
      current = connection;
    }
    boolean serving;
    try {
      serving = probe.serving(current.process().channel(), policy.healthTimeout());
    } catch (RuntimeException e) {
      serving = false;
    }
    onHealth(gen, serving);
  }

  /** The outcome of one health check of the process of generation {@code gen}. */
  void onHealth(long gen, boolean serving) {
    Connection unhealthy = null;
    synchronized (this) {
      if (stopped || gen != generation) {
        return;
      }
      if (serving) {
        healthFailures = 0;
        // The breaker's only way back: a passing health check, never a Run as the probe.
        if (breaker.getState() == CircuitBreaker.State.OPEN
            || breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
          LOG.info("plugin {} answers its health check again: circuit closed", entry.name());
          breaker.transitionToClosedState();
        }
        pending = scheduler.schedule(policy.healthInterval(), () -> checkHealth(gen));
        return;
      }
      healthFailures++;
      if (healthFailures < policy.healthFailureThreshold()) {
        pending = scheduler.schedule(policy.healthInterval(), () -> checkHealth(gen));
        return;
      }
      generation++;
      unhealthy = connection;
      connection = null;
      forgiveIfStable();
      backOff("failed " + healthFailures + " health checks in a row");
    }
    StartedPlugin process = unhealthy.process();
    scheduler.schedule(
        Duration.ZERO,
        () -> {
          process.kill();
          process.close();
        });
  }

  /** A process that stayed up longer than the longest backoff starts the count afresh. */
  private void forgiveIfStable() {
    if (readySince != null
        && Duration.between(readySince, clock.instant()).compareTo(policy.backoff().max()) >= 0) {
      failures = 0;
    }
  }

  private void cancelPending() {
    if (pending != null) {
      pending.cancel();
      pending = null;
    }
  }

  private void settle() {
    boolean first;
    synchronized (this) {
      first = !settled;
      settled = true;
    }
    if (first) {
      onSettled.accept(this);
    }
  }

  /** The pid of the current process, or -1. */
  synchronized long pid() {
    return connection == null ? -1 : connection.process().pid();
  }

  /**
   * Stops supervising and closes the process once the calls in flight have finished (at most one
   * call deadline later).
   *
   * @return completes when the process is gone
   */
  CompletableFuture<Void> stop() {
    Connection last;
    synchronized (this) {
      if (stopped) {
        return CompletableFuture.completedFuture(null);
      }
      stopped = true;
      generation++;
      cancelPending();
      last = connection;
      connection = null;
    }
    if (last == null) {
      return CompletableFuture.completedFuture(null);
    }
    Duration grace = entry.limits().callDeadline();
    return last.drain()
        .completeOnTimeout(null, grace.toMillis(), TimeUnit.MILLISECONDS)
        .thenRunAsync(
            () -> {
              LOG.info("stopping plugin {} (pid {})", entry.name(), last.process().pid());
              last.process().close();
            },
            r -> scheduler.schedule(Duration.ZERO, r));
  }

  static String describe(Throwable e) {
    if (e instanceof StatusRuntimeException sre) {
      Status s = sre.getStatus();
      return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
