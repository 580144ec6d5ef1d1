package dev.ramp.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's commands are a test: every command of its set-up and tour (its {@code bash} blocks
 * and the {@code ./ramp ...} commands written inline) runs verbatim, from the repository's root,
 * through the {@code ./ramp} script, with the outcome the README promises. A command added to the
 * README without an expectation here fails the test.
 */
class ReadmeCommandsIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The README's stand-in for the folder `ramp demo` prints. */
  private static final String DEMO_FOLDER = "/tmp/ramp-rehearsal-…";

  /** Commands not run, and why. */
  private static final Map<String, String> NOT_RUN =
      Map.of(
          "mvn -B -q package -DskipTests",
          "the build this test runs in (the reactor packaged everything before it)",
          "./scripts/test",
          "the test suite that runs this test",
          "./ramp analysis run -f template.yaml --arg service=cart",
          "template.yaml is a placeholder for the reader's own template");

  record Expect(int exitCode, String output) {}

  private static final Map<String, Expect> EXPECTED = new LinkedHashMap<>();

  static {
    EXPECTED.put("./ramp demo", new Expect(0, "The rollout ended HEALTHY"));
    EXPECTED.put("./ramp demo --bad", new Expect(1, "The rollout ended DEGRADED"));
    EXPECTED.put(
        "./ramp run -f examples/basic-canary/rollout.yaml --speed 100 --auto-promote",
        new Expect(0, "rollout default/checkout ended HEALTHY"));
    EXPECTED.put(
        "./ramp run -f examples/canary-with-plugin/ramp-config.yaml -f"
            + " examples/canary-with-plugin/rollout.yaml --speed 100 --auto-promote -o json",
        new Expect(0, "\"result\" : \"HEALTHY\""));
    EXPECTED.put(
        "./ramp lint -f examples/canary-with-prometheus/rollout.yaml",
        new Expect(0, "Rollout checkout: ok"));
    EXPECTED.put(
        "./ramp lint -f examples/basic-canary/rollout.yaml", new Expect(0, "Rollout checkout: ok"));
    EXPECTED.put(
        "./ramp plugin verify plugins/step-webhook/target/ramp-step-webhook.jar --config"
            + " '{\"url\":\"http://127.0.0.1:9/x\"}'",
        new Expect(0, "Ramp plugin conformance: step-webhook version"));
    EXPECTED.put(
        "./ramp plugin verify tests/python/step_plugin.py",
        new Expect(0, "Ramp plugin conformance: ramp-tests/python-step"));
    EXPECTED.put(
        "./ramp plugin verify tests/node/step_plugin.js",
        new Expect(0, "Ramp plugin conformance: ramp-tests/node-step"));
    EXPECTED.put(
        "./ramp plugin run tests/python/step_plugin.py --rollout"
            + " examples/basic-canary/rollout.yaml --config '{\"runningCalls\":1}'",
        new Expect(0, "phase:   RUNNING"));
  }

  /** Run while a demo runs, with the folder it printed in place of {@link #DEMO_FOLDER}. */
  private static final List<String> BESIDE_THE_DEMO =
      List.of(
          "kubectl --kubeconfig " + DEMO_FOLDER + "/kubeconfig get rollouts,rs",
          "./ramp get rollout demo --watch --kubeconfig " + DEMO_FOLDER + "/kubeconfig");

  /** The set-up and the tour: from "## Set-up" to the next section after the tour. */
  static String setUpAndTour() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int start = readme.indexOf("## Set-up");
    int end = readme.indexOf("## Layout");
    assertThat(start).isNotNegative();
    assertThat(end).isGreaterThan(start);
    return readme.substring(start, end);
  }

  /** Every command: the bash blocks' lines (continuations joined, comments cut, `&&` split). */
  static List<String> commands(String text) {
    List<String> commands = new ArrayList<>();
    Matcher block = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL).matcher(text);
    while (block.find()) {
      String joined = block.group(1).replaceAll("\\\\\n\\s*", "");
      for (String line : joined.split("\n")) {
        String command = line.replaceAll("\\s+#.*$", "").strip();
        for (String part : command.split("&&")) {
          if (!part.isBlank()) {
            commands.add(part.strip().replaceAll("\\s+", " "));
          }
        }
      }
    }
    Matcher inline = Pattern.compile("`(\\./ramp [^`]*)`").matcher(text);
    while (inline.find()) {
      if (!commands.contains(inline.group(1))) {
        commands.add(inline.group(1));
      }
    }
    return commands;
  }

  @Test
  void everyCommandOfTheSetUpAndTourIsKnownHere() throws Exception {
    List<String> commands = commands(setUpAndTour());
    List<String> known = new ArrayList<>(EXPECTED.keySet());
    known.addAll(NOT_RUN.keySet());
    known.addAll(BESIDE_THE_DEMO);
    assertThat(known).containsExactlyInAnyOrderElementsOf(commands);
  }

  @Test
  void everyCommandRunsVerbatimWithTheOutcomeTheReadmePromises() throws Exception {
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, Expect> e : EXPECTED.entrySet()) {
      Process process = shell(e.getKey()).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(e.getKey()).isTrue();
      if (process.exitValue() != e.getValue().exitCode()
          || !output.contains(e.getValue().output())) {
        failures.add(e.getKey() + " exited " + process.exitValue() + ":\n" + output);
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * The look-around commands of the tour's first step, against a demo kept running; Ctrl-C then
   * ends the demo and removes its folder.
   */
  @Test
  void theLookAroundCommandsWorkWhileADemoRuns() throws Exception {
    Process demo = shell("./ramp demo --keep").redirectErrorStream(true).start();
    demo.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> read(demo, output));
    reader.start();
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .until(() -> text(output).contains("Still running for you to poke at"));
      Matcher m =
          Pattern.compile("kubectl --kubeconfig (\\S+)/kubeconfig get").matcher(text(output));
      assertThat(m.find()).as(text(output)).isTrue();
      Path folder = Path.of(m.group(1));
      assertThat(folder.resolve("kubeconfig")).isRegularFile();

      Process kubectl =
          shell(BESIDE_THE_DEMO.get(0).replace(DEMO_FOLDER, folder.toString()))
              .redirectErrorStream(true)
              .start();
      String listed = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(kubectl.waitFor(1, TimeUnit.MINUTES)).isTrue();
      assertThat(kubectl.exitValue()).as(listed).isZero();
      assertThat(listed).contains("rollout.ramp.dev/demo").contains("replicaset.apps/demo-");

      Process watch =
          shell(BESIDE_THE_DEMO.get(1).replace(DEMO_FOLDER, folder.toString()))
              .redirectErrorStream(true)
              .start();
      StringBuilder watched = new StringBuilder();
      Thread watchReader = new Thread(() -> read(watch, watched));
      watchReader.start();
      await().atMost(Duration.ofMinutes(1)).until(() -> text(watched).contains("Healthy"));
      assertThat(text(watched)).contains("demo");
      watch.destroy();
      assertThat(watch.waitFor(1, TimeUnit.MINUTES)).isTrue();

      signal(demo, "INT");
      assertThat(demo.waitFor(1, TimeUnit.MINUTES)).as(text(output)).isTrue();
      assertThat(folder).as("removed on Ctrl-C").doesNotExist();
    } finally {
      demo.destroyForcibly();
    }
  }

  private static ProcessBuilder shell(String command) {
    // exec: the process is the command itself (./ramp execs java), so a signal reaches the JVM.
    return new ProcessBuilder("bash", "-c", "exec " + command).directory(ROOT.toFile());
  }

  /** Signals the JVM that `./ramp` became (the script execs java, so it is the same process). */
  private static void signal(Process process, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
    assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private static void read(Process process, StringBuilder into) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (into) {
          into.append(line).append('\n');
        }
      }
    } catch (IOException ignored) {
      // The process ended.
    }
  }

  private static String text(StringBuilder output) {
    synchronized (output) {
      return output.toString();
    }
  }
}
