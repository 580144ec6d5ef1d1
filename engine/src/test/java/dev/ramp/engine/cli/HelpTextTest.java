package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Help a person can read: whole sentences in the command lists, every option described. */
class HelpTextTest {

  /** The entries of a help page's "Commands:" list, wrapped lines joined. */
  private static List<String> commandEntries(String help) {
    List<String> entries = new ArrayList<>();
    boolean inList = false;
    for (String line : help.split("\n")) {
      if (line.equals("Commands:")) {
        inList = true;
      } else if (inList && line.isBlank()) {
        break;
      } else if (inList && line.startsWith("  ") && !line.startsWith("   ")) {
        entries.add(line.strip());
      } else if (inList) {
        int last = entries.size() - 1;
        entries.set(last, entries.get(last) + " " + line.strip());
      }
    }
    return entries.stream().map(e -> e.replaceAll("\\s+", " ")).toList();
  }

  @Test
  void everyCommandListedAtTheTopIsAWholeSentence() {
    CliHarness.Result help = CliHarness.run("--help");
    assertThat(help.exitCode()).isZero();
    List<String> entries = commandEntries(help.out());
    assertThat(entries).hasSizeGreaterThan(15);
    assertThat(entries).allSatisfy(entry -> assertThat(entry).endsWith(".").doesNotContain("%n"));
    assertThat(entries).contains("help Display help information about the specified command.");
    assertThat(entries)
        .anySatisfy(
            e ->
                assertThat(e)
                    .startsWith("run ")
                    .contains("Rehearse a rollout without a cluster")
                    .contains("run it to its end with the real controller and plugins."));
  }

  @Test
  void nestedCommandListsAreWholeSentencesToo() {
    for (String group : List.of("plugin", "analysis", "set")) {
      List<String> entries = commandEntries(CliHarness.run(group, "--help").out());
      assertThat(entries).as(group).isNotEmpty();
      assertThat(entries).allSatisfy(entry -> assertThat(entry).endsWith("."));
    }
  }

  @Test
  void firstSentenceJoinsWrappedLinesAndStopsAtTheFirstFullStop() {
    assertThat(HelpText.firstSentence(new String[] {"Do a thing with", "care. Then more."}))
        .isEqualTo("Do a thing with care.");
    assertThat(HelpText.firstSentence(new String[] {"No full stop"})).isEqualTo("No full stop");
  }

  @Test
  void everyOptionAndParameterOfEveryCommandIsDescribed() {
    List<String> undocumented = new ArrayList<>();
    collect(RampCommand.commandLine(), undocumented);
    assertThat(undocumented).isEmpty();
  }

  private static void collect(CommandLine command, List<String> undocumented) {
    String name = command.getCommandSpec().qualifiedName();
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (!option.hidden() && String.join("", option.description()).isBlank()) {
        undocumented.add(name + " " + option.longestName());
      }
    }
    for (PositionalParamSpec p : command.getCommandSpec().positionalParameters()) {
      if (!p.hidden() && String.join("", p.description()).isBlank()) {
        undocumented.add(name + " " + p.paramLabel());
      }
    }
    command.getSubcommands().values().forEach(sub -> collect(sub, undocumented));
  }
}
