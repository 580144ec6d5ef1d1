package dev.ramp.engine.rehearsal;

/** Something about a rehearsal's input or run that a person can fix; the message says what. */
public class RehearsalException extends RuntimeException {

  public RehearsalException(String message) {
    super(message);
  }
}
