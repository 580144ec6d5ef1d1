package dev.ramp.engine.host.artifact;

/** A plugin's file could not be had; the plugin is refused with this message. */
public class PluginArtifactException extends RuntimeException {

  /** Why the file could not be had. */
  public enum Reason {
    /** The location is not a supported form. */
    BAD_LOCATION,
    /** A remote location without a sha256 to check it against. */
    SHA256_REQUIRED,
    /** The server answered 404/410, or a local file does not exist. */
    NOT_FOUND,
    /** The server answered another error status, or the body could not be read. */
    DOWNLOAD_FAILED,
    /** No connection could be made. */
    UNREACHABLE,
    /** The download took longer than its timeout. */
    TIMEOUT,
    /** The file's sha256 is not the configured one. */
    CHECKSUM_MISMATCH,
    /** A local file exists but cannot be read. */
    UNREADABLE
  }

  private final Reason reason;

  PluginArtifactException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  PluginArtifactException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
