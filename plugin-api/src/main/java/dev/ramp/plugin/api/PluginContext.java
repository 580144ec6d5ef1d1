package dev.ramp.plugin.api;

/**
 * Who is calling a plugin, about what. Every call carries one.
 *
 * <p>Calls are delivered at least once: a controller that crashes after a plugin acted but before
 * it recorded the result calls again with the same {@link #idempotencyKey()}. A plugin with side
 * effects passes the key on (an {@code Idempotency-Key} header, a job name).
 *
 * @param stepIndex the canary step this call is for, or -1 when the call is not about a step
 * @param operation the operation as the host names it ("Run", "Abort", "SetWeight", ...)
 * @param attempt 1 for the first delivery, counting up on every retry
 */
public record PluginContext(
    String rolloutUid,
    String namespace,
    String rolloutName,
    String podTemplateHash,
    int stepIndex,
    String stepHash,
    String operation,
    int attempt,
    String idempotencyKey,
    String pluginName) {

  /** A context for calls that are not about a rollout (tests, {@code init}). */
  public static PluginContext none(String pluginName, String operation) {
    return new PluginContext("", "", "", "", -1, "", operation, 1, "", pluginName);
  }
}
