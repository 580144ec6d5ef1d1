package dev.ramp.engine.plugin;

/**
 * A plugin call that did not produce a result: the plugin is not ready, its circuit is open, it is
 * busy, the transport failed, or the plugin answered with an error status. Thrown by the router and
 * metric clients; the step client turns it into an ERROR result instead.
 *
 * <p>None of these is a FAILED verdict: the caller retries with backoff (except for {@link
 * Reason#INVALID_CONFIG}, which a person has to fix).
 */
public class PluginCallException extends RuntimeException {

  /** Why the call produced no result. */
  public enum Reason {
    /** No plugin of that name is configured, or it is disabled, refused, starting. */
    NOT_READY,
    /** Too many transport failures: calls fail fast until a health check passes. */
    CIRCUIT_OPEN,
    /** The plugin's bulkhead is full; rejected at once, not queued. */
    BUSY,
    /** The call's deadline expired (gRPC DEADLINE_EXCEEDED). */
    DEADLINE_EXCEEDED,
    /** The plugin or its backend could not be reached (gRPC UNAVAILABLE). */
    UNAVAILABLE,
    /** A bug in the plugin (gRPC INTERNAL, UNKNOWN). */
    INTERNAL,
    /** The plugin refused the request or its config (gRPC INVALID_ARGUMENT). */
    INVALID_CONFIG,
    /** The request cannot be served in the current state (gRPC FAILED_PRECONDITION). */
    FAILED_PRECONDITION,
    /** The plugin does not implement the call (gRPC UNIMPLEMENTED). */
    UNIMPLEMENTED,
    /** The plugin answered something the contract does not allow (no phase, oversized state). */
    BAD_RESULT,
    /** Any other gRPC status. */
    OTHER
  }

  private final Reason reason;
  private final String statusCode;

  /**
   * @param statusCode the gRPC status code's name when the plugin or transport gave one, else ""
   */
  public PluginCallException(Reason reason, String statusCode, String message) {
    super(message);
    this.reason = reason;
    this.statusCode = statusCode == null ? "" : statusCode;
  }

  public Reason reason() {
    return reason;
  }

  /** The gRPC status code's name ("INVALID_ARGUMENT"), or "" when no call reached the plugin. */
  public String statusCode() {
    return statusCode;
  }
}
