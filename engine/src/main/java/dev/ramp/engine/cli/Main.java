package dev.ramp.engine.cli;

import picocli.CommandLine;

/** {@code ramp}: the controller, the steering verbs, the plugin tools and the demo, in one jar. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cli = RampCommand.commandLine();
    return cli.execute(args);
  }
}
