package dev.ramp.engine.provider;

/** Why a measurement has no value: its message becomes the Error measurement's message. */
final class MeasureException extends Exception {
  private static final long serialVersionUID = 1L;

  MeasureException(String message) {
    super(message, null, false, false);
  }
}
