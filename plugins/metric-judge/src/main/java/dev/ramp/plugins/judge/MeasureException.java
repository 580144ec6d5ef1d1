package dev.ramp.plugins.judge;

/** Nothing could be measured (Prometheus down, an answer that is not a range): an Error. */
final class MeasureException extends Exception {
  MeasureException(String message) {
    super(message);
  }
}
