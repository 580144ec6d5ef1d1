package dev.ramp.engine.cli;

import picocli.CommandLine;

/** {@code ramp}: the controller, the steering verbs, the plugin tools and the demo, in one jar. */
public final class Main {

  /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private Main() {}

  public static void main(String[] args) {
    // The controller logs at INFO; the other verbs print their own output and keep the log to
    // warnings (RAMP_LOG_LEVEL overrides both). Set before the first logger exists.
    boolean controller = args.length > 0 && args[0].equals("controller");
    if (System.getProperty("RAMP_LOG_LEVEL") == null
        && System.getenv("RAMP_LOG_LEVEL") == null
        && !controller) {
      System.setProperty("RAMP_LOG_LEVEL", "WARN");
    }
    // The embedded API server logs every request through java.util.logging.
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cli = RampCommand.commandLine();
    return cli.execute(args);
  }
}
