package dev.ramp.engine.rollout;

/** A Rollout spec the controller refuses; the message names the field and the value. */
final class InvalidSpecException extends RuntimeException {
  InvalidSpecException(String message) {
    super(message);
  }
}
