package dev.ramp.engine.plugin;

import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepResult;

/**
 * The controller's view of step plugins. The plugin host implements it; the step machine and its
 * unit tests see only this, never gRPC or processes.
 *
 * <p>Calls never throw for plugin trouble: a transport failure, a deadline, an open circuit or a
 * full bulkhead comes back as {@link dev.ramp.plugin.api.StepPhase#ERROR} with a message saying
 * what happened (retried with backoff by the caller), never as FAILED.
 */
public interface StepPluginClient {

  /** Whether the named plugin can be called now, and if not, why. */
  PluginAvailability availability(String pluginName);

  /**
   * Calls {@code Run}, {@code Terminate} or {@code Abort} on the named plugin. An answer the plugin
   * gave for the same {@link CallKey} (the context's idempotency key and attempt) and not yet
   * {@linkplain #recorded recorded} is returned again without a call: exactly once in normal
   * operation, at least once only across a crash.
   */
  StepResult call(String pluginName, StepOperation operation, StepCall call);

  /** A status write recorded the answers to these calls: they are not needed again. */
  default void recorded(java.util.Collection<CallKey> calls) {}
}
