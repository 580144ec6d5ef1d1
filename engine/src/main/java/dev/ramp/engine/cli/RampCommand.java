package dev.ramp.engine.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "ramp",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description =
        "Progressive delivery for Kubernetes: canary rollouts with out-of-process plugins.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      GetCommand.class,
      ListCommand.class,
      StatusCommand.class,
      ActionCommands.Promote.class,
      ActionCommands.Abort.class,
      ActionCommands.Retry.class,
      ActionCommands.Pause.class,
      ActionCommands.Resume.class,
      ActionCommands.Undo.class,
      ActionCommands.Restart.class,
      ActionCommands.Set.class,
      LintCommand.class,
      VersionCommand.class,
      PluginCommand.class,
      AnalysisCommand.class,
      ControllerCommand.class,
      CommandLine.HelpCommand.class
    })
final class RampCommand implements Runnable {

  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** `-h`/`--help` on every subcommand, as the error lines suggest ("See 'ramp get --help'"). */
  private static void addHelpOption(CommandLine command) {
    for (CommandLine sub : command.getSubcommands().values()) {
      if (sub.getCommandSpec().findOption("--help") == null) {
        sub.getCommandSpec()
            .addOption(
                CommandLine.Model.OptionSpec.builder("-h", "--help")
                    .usageHelp(true)
                    .description("Show this help message and exit.")
                    .build());
      }
      addHelpOption(sub);
    }
  }

  /** Whether --verbose was given anywhere on the line (it is inherited by every subcommand). */
  private static boolean verbose(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** The command line with Ramp's error handling: one clear line, a stack trace on request. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new RampCommand());
    addHelpOption(cli);
    HelpText.install(cli);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          boolean verbose = verbose(parseResult);
          err.println("error: " + CliErrors.describe(e));
          if (verbose) {
            e.printStackTrace(err);
          }
          err.flush();
          return CliErrors.exitCode(e);
        });
    // Usage errors exit 3, so that 1 and 2 keep their meaning for `ramp status` in pipelines.
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine failed = ex.getCommandLine();
          failed.getErr().println("error: " + ex.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, failed.getErr());
          failed.getErr().println("See '" + failed.getCommandSpec().qualifiedName() + " --help'.");
          return CliErrors.INPUT_ERROR;
        });
    return cli;
  }
}
