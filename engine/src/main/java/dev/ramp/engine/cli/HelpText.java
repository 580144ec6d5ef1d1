package dev.ramp.engine.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The list of commands in a help page, each with the whole first sentence of its description
 * (picocli shows the first line of a description, which a long sentence wrapped in the source cuts
 * mid-way).
 */
final class HelpText {

  private HelpText() {}

  /** Installs the list on the command line and on every subcommand below it. */
  static void install(CommandLine command) {
    command.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpText::commands);
    command.getSubcommands().values().forEach(HelpText::install);
  }

  private static String commands(Help help) {
    Map<String, Help> subcommands = help.subcommands();
    if (subcommands.isEmpty()) {
      return "";
    }
    int nameWidth = 0;
    for (Map.Entry<String, Help> sub : subcommands.entrySet()) {
      nameWidth = Math.max(nameWidth, sub.getKey().length());
    }
    int width = help.commandSpec().usageMessage().width();
    int names = Math.min(nameWidth + 4, 24);
    TextTable table =
        TextTable.forColumns(
            help.colorScheme(),
            new Help.Column(names, 2, Help.Column.Overflow.SPAN),
            new Help.Column(width - names, 1, Help.Column.Overflow.WRAP));
    for (Map.Entry<String, Help> sub : subcommands.entrySet()) {
      UsageMessageSpec usage = sub.getValue().commandSpec().usageMessage();
      if (usage.hidden()) {
        continue;
      }
      // A header, where a command has one (picocli's help), is its summary; else the description.
      String[] summary = usage.header().length > 0 ? usage.header() : usage.description();
      table.addRowValues(sub.getKey(), firstSentence(summary));
    }
    return table.toString();
  }

  /** The description's lines joined, up to the end of the first sentence. */
  static String firstSentence(String[] description) {
    String text = String.join(" ", description).replace("%n", " ").replaceAll("\\s+", " ").strip();
    int end = text.indexOf(". ");
    return end < 0 ? text : text.substring(0, end + 1);
  }
}
