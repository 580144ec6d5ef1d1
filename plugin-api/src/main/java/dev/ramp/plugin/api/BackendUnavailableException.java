package dev.ramp.plugin.api;

/** A backend the plugin calls (Jenkins, a mesh, a metrics store) is down or timed out. */
public class BackendUnavailableException extends PluginException {

  public BackendUnavailableException(String message) {
    super(Reason.UNAVAILABLE, message);
  }

  public BackendUnavailableException(String message, Throwable cause) {
    super(Reason.UNAVAILABLE, message, cause);
  }
}
