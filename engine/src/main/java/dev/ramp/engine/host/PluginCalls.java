package dev.ramp.engine.host;

import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginCallException;
import dev.ramp.engine.plugin.PluginCallException.Reason;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The one path of every plugin call: the plugin must be ready, its circuit closed and its bulkhead
 * not full; the call gets the entry's deadline; the outcome is counted; a gRPC error becomes a
 * {@link PluginCallException} that names the plugin, the method and the status code.
 */
final class PluginCalls {

  /** One RPC on a channel, with the deadline to put on the stub. */
  @FunctionalInterface
  interface Rpc<T> {
    T call(ManagedChannel channel, Duration deadline);
  }

  /** Finds the supervisor that currently serves a plugin; null when none is configured. */
  @FunctionalInterface
  interface Lookup {
    PluginSupervisor find(PluginKind kind, String name);
  }

  /** Why a plugin without a serving supervisor cannot be called (unknown, refused). */
  @FunctionalInterface
  interface Availability {
    PluginAvailability of(PluginKind kind, String name);
  }

  private final Lookup lookup;
  private final Availability availability;
  private final HostMetrics metrics;
  private final AnswerMemo answers = new AnswerMemo();

  PluginCalls(Lookup lookup, Availability availability, HostMetrics metrics) {
    this.lookup = lookup;
    this.availability = availability;
    this.metrics = metrics;
  }

  /**
   * Calls the plugin.
   *
   * @param idempotent the contract allows a repeat: one retry on UNAVAILABLE
   * @throws PluginCallException when the call produced no result
   */
  <T> T call(PluginKind kind, String name, String method, boolean idempotent, Rpc<T> rpc) {
    int attempts = idempotent ? 2 : 1;
    for (int attempt = 1; ; attempt++) {
      try {
        return once(kind, name, method, rpc);
      } catch (PluginCallException e) {
        if (attempt >= attempts || e.reason() != Reason.UNAVAILABLE) {
          throw e;
        }
      }
    }
  }

  /**
   * Calls the plugin once per {@code key}: the answer is kept until {@link #recorded} and returned
   * again to a repeat of the same key, without a call. Not retried on UNAVAILABLE: an operation
   * with side effects is delivered again only by the controller's own requeue.
   */
  <T> T callOnce(CallKey key, PluginKind kind, String name, String method, Rpc<T> rpc) {
    return callOnce(key, kind, name, method, false, rpc);
  }

  /**
   * As {@link #callOnce(CallKey, PluginKind, String, String, Rpc)}; {@code idempotent} calls (the
   * contract says so of metric measurements) are retried once on UNAVAILABLE.
   */
  <T> T callOnce(
      CallKey key, PluginKind kind, String name, String method, boolean idempotent, Rpc<T> rpc) {
    return answers.answer(key, () -> call(kind, name, method, idempotent, rpc));
  }

  /** The controller recorded these answers in a status write. */
  void recorded(Collection<CallKey> keys) {
    answers.recorded(keys);
  }

  /** Forgets every kept answer, as a crash of the controller's process would. */
  void forgetAnswers() {
    answers.forget();
  }

  private <T> T once(PluginKind kind, String name, String method, Rpc<T> rpc) {
    PluginSupervisor supervisor = lookup.find(kind, name);
    String who = kind.label() + " plugin " + name;
    Connection connection = supervisor == null ? null : supervisor.acquire();
    if (connection == null) {
      metrics.call(name, method, "not_ready", null);
      throw notReady(kind, name, who, supervisor);
    }
    try {
      CircuitBreaker breaker = supervisor.breaker();
      if (!breaker.tryAcquirePermission()) {
        metrics.call(name, method, "circuit_open", null);
        throw new PluginCallException(
            Reason.CIRCUIT_OPEN,
            "",
            "circuit open for "
                + who
                + " after repeated transport failures; calls resume when"
                + " it answers its health check");
      }
      Bulkhead bulkhead = supervisor.bulkhead();
      if (!bulkhead.tryAcquirePermission()) {
        breaker.releasePermission();
        int limit = bulkhead.getBulkheadConfig().getMaxConcurrentCalls();
        int inFlight = limit - bulkhead.getMetrics().getAvailableConcurrentCalls();
        metrics.call(name, method, "busy", null);
        throw new PluginCallException(
            Reason.BUSY, "", who + " is busy (" + inFlight + " calls in flight)");
      }
      Duration deadline = supervisor.entry().limits().callDeadline();
      long started = System.nanoTime();
      try {
        T result = rpc.call(connection.process().channel(), deadline);
        long elapsed = System.nanoTime() - started;
        breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        metrics.call(name, method, HostMetrics.OK, Duration.ofNanos(elapsed));
        return result;
      } catch (StatusRuntimeException e) {
        long elapsed = System.nanoTime() - started;
        // Records only transport failures (see the breaker's config); others count as success.
        breaker.onError(elapsed, TimeUnit.NANOSECONDS, e);
        PluginCallException failure = failure(who, method, deadline, e.getStatus());
        metrics.call(
            name,
            method,
            failure.reason().name().toLowerCase(Locale.ROOT),
            Duration.ofNanos(elapsed));
        throw failure;
      } finally {
        bulkhead.onComplete();
      }
    } finally {
      connection.release();
    }
  }

  /** Why a plugin without a connection to call cannot be called. */
  private PluginCallException notReady(
      PluginKind kind, String name, String who, PluginSupervisor supervisor) {
    PluginAvailability why =
        supervisor == null ? availability.of(kind, name) : supervisor.availability();
    return new PluginCallException(
        Reason.NOT_READY,
        "",
        why.state() == PluginAvailability.State.UNKNOWN
            ? "no " + who + " is configured in ramp-config"
            : who
                + " is "
                + why.state().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + ": "
                + why.reason());
  }

  static PluginCallException failure(String who, String method, Duration deadline, Status s) {
    String description = s.getDescription() == null ? "" : s.getDescription();
    String where = " (" + who + ", " + method + ", " + s.getCode() + ")";
    return switch (s.getCode()) {
      case DEADLINE_EXCEEDED ->
          new PluginCallException(
              Reason.DEADLINE_EXCEEDED,
              s.getCode().name(),
              "no answer within the call deadline of " + PluginSupervisor.format(deadline) + where);
      case UNAVAILABLE ->
          new PluginCallException(
              Reason.UNAVAILABLE, s.getCode().name(), "unavailable: " + description + where);
      case INVALID_ARGUMENT ->
          new PluginCallException(
              Reason.INVALID_CONFIG, s.getCode().name(), "invalid config: " + description + where);
      case FAILED_PRECONDITION ->
          new PluginCallException(
              Reason.FAILED_PRECONDITION, s.getCode().name(), description + where);
      case UNIMPLEMENTED ->
          new PluginCallException(
              Reason.UNIMPLEMENTED,
              s.getCode().name(),
              "the plugin does not implement " + method + where);
      case INTERNAL, UNKNOWN ->
          new PluginCallException(
              Reason.INTERNAL, s.getCode().name(), "plugin error: " + description + where);
      default -> new PluginCallException(Reason.OTHER, s.getCode().name(), description + where);
    };
  }
}
