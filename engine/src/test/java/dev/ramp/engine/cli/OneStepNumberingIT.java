package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rehearsal.Rehearsal;
import dev.ramp.engine.rehearsal.Rehearsal.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every human-facing line about a 5-step rollout with a plugin step — `ramp run`'s output, `ramp
 * get` and `ramp status` at every change, and the Rollout's Events — numbers the steps one way: the
 * plugin step is step 3 of 5 wherever it is named, and no line uses another format.
 */
class OneStepNumberingIT {
  static final String PLUGIN = "ramp-examples/smoke-test";
  static final List<String> FILES =
      List.of(
          "../examples/canary-with-plugin/ramp-config.yaml",
          "../examples/canary-with-plugin/rollout.yaml");

  @TempDir Path work;

  @Test
  void theStepsAreNumberedOneWayEverywhere() {
    List<String> lines = new ArrayList<>();
    List<String> run = new ArrayList<>(List.of("run", "--speed", "100", "--auto-promote"));
    FILES.forEach(f -> run.addAll(List.of("-f", f)));
    CliHarness.Result result = CliHarness.run(run.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.err()).isZero();
    lines.addAll(result.out().lines().toList());

    try (Rehearsal rehearsal =
        Rehearsal.start(
            new Rehearsal.Options(
                100, Duration.ofSeconds(10), true, Duration.ofMinutes(30), null, work, l -> {}))) {
      Rollout rollout = rehearsal.apply(FILES.stream().map(Path::of).toList()).get(0);
      assertThat(rehearsal.awaitStable(rollout).verdict()).isEqualTo(Verdict.HEALTHY);
      rehearsal.newRevision(rollout, null);
      String[] on = {"--kubeconfig", rehearsal.kubeconfig().toString(), "-n", "default"};
      var outcome =
          rehearsal.runToEnd(
              rollout,
              r -> {
                lines.addAll(cli(on, "get", "rollout", "checkout").lines().toList());
                lines.addAll(cli(on, "status", "checkout").lines().toList());
              });
      assertThat(outcome.verdict()).isEqualTo(Verdict.HEALTHY);
      rehearsal
          .client()
          .v1()
          .events()
          .inNamespace("default")
          .list()
          .getItems()
          .forEach(e -> lines.add(e.getReason() + ": " + e.getMessage()));
    }

    // The plugin step, wherever a line names it with a number, is number 3 of 5.
    Pattern numbered = Pattern.compile("(?i)\\bstep:?\\s+(\\d+)(?: of (\\d+))?");
    List<String> aboutThePlugin =
        lines.stream().filter(l -> l.contains(PLUGIN) && numbered.matcher(l).find()).toList();
    assertThat(aboutThePlugin).isNotEmpty();
    for (String line : aboutThePlugin) {
      Matcher m = numbered.matcher(line);
      assertThat(m.find()).isTrue();
      assertThat(m.group(1)).as(line).isEqualTo("3");
    }
    // Every step number is "N of 5", with N from 1 to 5, and no line counts another way.
    Matcher of =
        Pattern.compile("(?i)\\bstep:?\\s+(\\d+) of (\\d+)").matcher(String.join("\n", lines));
    int seen = 0;
    while (of.find()) {
      seen++;
      assertThat(of.group(2)).as(of.group(0)).isEqualTo("5");
      assertThat(Integer.parseInt(of.group(1))).as(of.group(0)).isBetween(1, 5);
    }
    assertThat(seen).isGreaterThan(10);
    assertThat(lines)
        .filteredOn(l -> l.matches(".*(?i)step:? \\d+/\\d+.*"))
        .as("N/M step numbers")
        .isEmpty();
    assertThat(lines)
        .filteredOn(l -> l.matches(".*Step \\d+ plugin.*"))
        .as("old plugin Event numbering")
        .isEmpty();
    assertThat(lines).anyMatch(l -> l.contains("step 3 of 5 (plugin " + PLUGIN + ")"));
    assertThat(lines).anyMatch(l -> l.contains("Rollout completed step 3 of 5 (plugin " + PLUGIN));
  }

  static String cli(String[] on, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(on));
    return CliHarness.run(all.toArray(String[]::new)).out();
  }
}
