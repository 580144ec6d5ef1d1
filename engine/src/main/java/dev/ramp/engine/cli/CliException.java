package dev.ramp.engine.cli;

/** An error a person can fix, with the message to show and the exit code to return. */
final class CliException extends RuntimeException {

  private final int exitCode;

  CliException(String message) {
    this(message, CliErrors.INPUT_ERROR);
  }

  CliException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
