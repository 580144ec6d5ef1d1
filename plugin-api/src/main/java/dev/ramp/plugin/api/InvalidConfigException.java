package dev.ramp.plugin.api;

/** The plugin's config is wrong; the message names the field, the value and what to do. */
public class InvalidConfigException extends PluginException {

  private final String field;

  public InvalidConfigException(String field, String message) {
    super(Reason.INVALID_CONFIG, field + ": " + message);
    this.field = field;
  }

  /** The config field at fault, as a JSON path (e.g. {@code "poll.url"}). */
  public String field() {
    return field;
  }
}
