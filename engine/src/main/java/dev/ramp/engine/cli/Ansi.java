package dev.ramp.engine.cli;

/** ANSI colours for the command line's text, on or off. */
final class Ansi {

  static final String RESET = "\u001b[0m";
  static final String BOLD = "\u001b[1m";
  static final String DIM = "\u001b[2m";
  static final String RED = "\u001b[31m";
  static final String GREEN = "\u001b[32m";
  static final String YELLOW = "\u001b[33m";
  static final String BLUE = "\u001b[34m";

  private final boolean on;

  Ansi(boolean on) {
    this.on = on;
  }

  /** Whether standard output should get colours: a terminal, and NO_COLOR not set. */
  static boolean wanted() {
    String noColour = System.getenv("NO_COLOR");
    return System.console() != null && (noColour == null || noColour.isEmpty());
  }

  /** The text in that colour when colours are on and the code is not null, else the text. */
  String paint(String code, String text) {
    return on && code != null ? code + text + RESET : text;
  }
}
