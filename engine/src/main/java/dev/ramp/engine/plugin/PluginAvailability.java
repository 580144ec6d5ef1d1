package dev.ramp.engine.plugin;

/**
 * Whether a configured plugin can take calls.
 *
 * @param reason for anything but {@link State#READY}: what is wrong, for conditions and Events
 */
public record PluginAvailability(State state, String reason) {

  /** The states a plugin can be in, from the controller's point of view. */
  public enum State {
    /** Running and healthy: calls go through. */
    READY,
    /** Being started or restarted; calls fail fast meanwhile. */
    STARTING,
    /** Crashed or unhealthy, waiting out its restart backoff; calls fail fast. */
    BACKING_OFF,
    /** Switched off in the plugin ConfigMap: its steps are skipped. */
    DISABLED,
    /** Its configuration is refused (bad entry, checksum mismatch, unreadable file). */
    REFUSED,
    /** No plugin of that name is configured. */
    UNKNOWN
  }

  public static PluginAvailability ready() {
    return new PluginAvailability(State.READY, "");
  }

  public static PluginAvailability of(State state, String reason) {
    return new PluginAvailability(state, reason);
  }

  public boolean isReady() {
    return state == State.READY;
  }
}
