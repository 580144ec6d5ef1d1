package dev.ramp.plugin.sdk.launch;

/**
 * A plugin could not be started. The message names the plugin, says what happened and what to do;
 * {@link #reason()} lets a caller react without parsing it.
 */
public class PluginLaunchException extends RuntimeException {

  /** Why the launch failed. */
  public enum Reason {
    /** The plugin file (or the runner JAR) does not exist or cannot be read. */
    NOT_FOUND,
    /** The location is not a JAR and not executable. */
    NOT_EXECUTABLE,
    /** The file's SHA-256 differs from the configured one; nothing was started. */
    CHECKSUM_MISMATCH,
    /** The operating system refused to start the process. */
    START_FAILED,
    /** The process exited before it was ready. */
    EXITED_EARLY,
    /** No handshake line within the start timeout. */
    NO_HANDSHAKE,
    /** A handshake line with wrong versions, network or address. */
    BAD_HANDSHAKE,
    /** A handshake naming a protocol other than gRPC. */
    UNSUPPORTED_PROTOCOL,
    /** The health check did not answer SERVING within the start timeout. */
    NOT_HEALTHY
  }

  private final Reason reason;

  public PluginLaunchException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public PluginLaunchException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
