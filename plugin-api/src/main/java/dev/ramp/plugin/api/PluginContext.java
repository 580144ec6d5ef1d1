package dev.ramp.plugin.api;

/**
 * Who is calling a plugin, about what. Every call carries one.
 *
 * <p>While the controller runs, each call is delivered once. Across a crash calls are delivered at
 * least once: a controller that crashes after a plugin acted but before it recorded the result
 * calls again with the same {@link #idempotencyKey()} and {@link #attempt()}. A plugin with side
 * effects passes the key on (an {@code Idempotency-Key} header, a job name).
 *
 * @param stepIndex the canary step this call is for, or -1 when the call is not about a step
 * @param operation the operation as the host names it ("Run", "Abort", "SetWeight", ...)
 * @param attempt 1 for the first call of the operation, one more for each answer the controller
 *     recorded (a RUNNING step called again); the same on a delivery repeated after a crash
 * @param analysis for metric-provider calls, what is measured; {@link Analysis#NONE} otherwise
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
    String pluginName,
    Analysis analysis) {

  /**
   * The measurement a metric-provider call is about.
   *
   * @param measurementIndex which measurement of the metric, counting from 1; 0 when the call is
   *     not about one measurement
   */
  public record Analysis(
      String analysisRunName, String analysisRunUid, String metricName, int measurementIndex) {
    public static final Analysis NONE = new Analysis("", "", "", 0);
  }

  public PluginContext {
    analysis = analysis == null ? Analysis.NONE : analysis;
  }

  /** A context for a call that is not about a measurement (steps, routers). */
  public PluginContext(
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
    this(
        rolloutUid,
        namespace,
        rolloutName,
        podTemplateHash,
        stepIndex,
        stepHash,
        operation,
        attempt,
        idempotencyKey,
        pluginName,
        Analysis.NONE);
  }

  /** A context for calls that are not about a rollout (tests, {@code init}). */
  public static PluginContext none(String pluginName, String operation) {
    return new PluginContext("", "", "", "", -1, "", operation, 1, "", pluginName);
  }
}
