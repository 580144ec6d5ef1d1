package dev.ramp.plugin.api;

/**
 * The root of the exceptions a plugin throws to tell the controller what went wrong. The SDK maps
 * each {@link Reason} to one gRPC status code; any other exception becomes {@code INTERNAL} with
 * its message, so the rollout's owner always sees a text.
 */
public class PluginException extends RuntimeException {

  /** What went wrong, from the controller's point of view. */
  public enum Reason {
    /** The plugin's config or the request is wrong: not retried blindly, shown to people. */
    INVALID_CONFIG,
    /** The request cannot be served in the current state (e.g. state that does not parse). */
    FAILED_PRECONDITION,
    /** A backend the plugin depends on is down: retried with backoff. */
    UNAVAILABLE,
    /** The plugin does not implement this call. */
    UNIMPLEMENTED,
    /** A bug in the plugin. */
    INTERNAL
  }

  private final Reason reason;

  public PluginException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public PluginException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
