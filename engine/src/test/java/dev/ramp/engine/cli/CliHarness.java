package dev.ramp.engine.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/** Runs the CLI in-process and captures what it prints. */
final class CliHarness {

  record Result(int exitCode, String out, String err) {}

  /** A command running on another thread, whose output so far can be read. */
  record Running(StringWriter out, StringWriter err, CompletableFuture<Result> result) {
    /** What it has printed so far (StringWriter's buffer is synchronized). */
    String outSoFar() {
      return out.toString();
    }
  }

  private CliHarness() {}

  /**
   * Starts a command (a {@code --watch}) and returns at once: a test waits for what it printed
   * before it changes the world, instead of sleeping and hoping it got that far.
   */
  static Running start(String... args) {
    CommandLine cli = RampCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    CompletableFuture<Result> result =
        CompletableFuture.supplyAsync(
            () -> new Result(cli.execute(args), out.toString(), err.toString()));
    return new Running(out, err, result);
  }

  static Result run(String... args) {
    CommandLine cli = RampCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
