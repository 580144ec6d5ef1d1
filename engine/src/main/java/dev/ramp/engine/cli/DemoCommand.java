package dev.ramp.engine.cli;

import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rehearsal.DemoGate;
import dev.ramp.engine.rehearsal.DemoManifests;
import dev.ramp.engine.rehearsal.Rehearsal;
import dev.ramp.engine.rehearsal.Rehearsal.Outcome;
import dev.ramp.engine.rehearsal.Rehearsal.Verdict;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    description = {
      "Run a canary without a cluster: an embedded Kubernetes API, the real controller, the",
      "step-webhook plugin as a real process calling a local gate. Ends Healthy; with --bad the",
      "gate refuses, the plugin step fails and the rollout aborts.",
      "Exit code, as for ramp run: 0 Healthy, 1 Degraded or aborted (so 1 with --bad), 2 timed out."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--bad", description = "The gate refuses: the rollout aborts.")
  boolean bad;

  @Option(
      names = "--speed",
      defaultValue = "10",
      description = "How many times faster pauses and waits pass (default ${DEFAULT-VALUE}).")
  double speed;

  @Option(
      names = "--keep",
      description = "Keep the embedded API and controller running after the end, until Ctrl-C.")
  boolean keep;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    boolean colour = Ansi.wanted();
    Path webhook = webhookJar();
    out.println("Ramp demo" + (bad ? " (--bad: the gate will refuse)" : ""));
    out.println("  starting an embedded Kubernetes API, the controller and its plugins ...");
    out.flush();
    try (DemoGate gate = new DemoGate(!bad, 2, line -> log(out, line));
        Rehearsal rehearsal =
            Rehearsal.start(
                new Rehearsal.Options(
                    speed,
                    Duration.ofSeconds(5),
                    true,
                    Duration.ofMinutes(30),
                    PluginSupport.runnerJar(),
                    null,
                    line -> log(out, line)))) {
      out.println("  API server: " + rehearsal.client().getMasterUrl());
      out.println(
          "  look around: kubectl --kubeconfig " + rehearsal.kubeconfig() + " get rollouts,rs");
      out.println(
          "               ramp get rollout demo --watch --kubeconfig " + rehearsal.kubeconfig());
      out.flush();
      List<Path> manifests = DemoManifests.write(rehearsal.workDir(), webhook, gate.url());
      Rollout rollout = rehearsal.apply(manifests).get(0);
      log(out, "waiting for the first revision to become stable ...");
      rehearsal.awaitStable(rollout);
      log(out, "revision 1 is stable; now a new image starts a canary");
      rehearsal.newRevision(rollout, "registry.example/demo:2.0.0");
      Outcome outcome = rehearsal.runToEnd(rollout, viewPrinter(out, rehearsal, colour));
      Verdict expected = bad ? Verdict.DEGRADED : Verdict.HEALTHY;
      report(out, outcome, expected);
      if (keep) {
        out.println(
            "Still running for you to poke at (kubectl and ramp with --kubeconfig "
                + rehearsal.kubeconfig()
                + "); Ctrl-C to stop.");
        out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
      }
      out.flush();
      // The rollout's verdict, as `ramp run` exits for the same outcome: --bad exits 1.
      return RunCommand.code(outcome);
    }
  }

  /**
   * Prints the rollout's view as it changes. On a terminal the view is redrawn on every change;
   * into a pipe or file it is printed when the step or phase changes, so a log stays readable.
   */
  private static Consumer<Rollout> viewPrinter(
      PrintWriter out, Rehearsal rehearsal, boolean colour) {
    String[] shown = {""};
    return current -> {
      String key = moment(current);
      if (!colour && key.equals(shown[0])) {
        return;
      }
      shown[0] = key;
      String view =
          RolloutView.render(
              current,
              ClusterOptions.replicaSets(rehearsal.client(), current),
              colour,
              rehearsal.now());
      out.print(colour ? CLEAR_SCREEN + view : view + System.lineSeparator());
      out.flush();
    };
  }

  /** How the rollout ended, its step history, and whether that is what the demo expected. */
  private void report(PrintWriter out, Outcome outcome, Verdict expected) {
    out.println();
    out.println("The rollout ended " + outcome.verdict() + RunCommand.cause(outcome) + ":");
    outcome
        .history()
        .forEach(
            s -> out.println("  " + HistoryText.line(s, CanarySteps.of(outcome.rollout()).size())));
    out.println(
        outcome.verdict() == expected
            ? "As expected. Try `ramp demo" + (bad ? "`" : " --bad`") + " next."
            : "Not what the demo expected (" + expected + ").");
  }

  /**
   * The step-webhook plugin JAR: {@code -Dramp.webhook.jar}, else the build's, under the repository
   * that {@code ramp} runs from ({@code -Dramp.home}).
   */
  static Path webhookJar() {
    String property = System.getProperty("ramp.webhook.jar");
    Path jar =
        property != null
            ? Path.of(property)
            : Path.of(System.getProperty("ramp.home", "."))
                .resolve("plugins/step-webhook/target/ramp-step-webhook.jar");
    if (!Files.isRegularFile(jar)) {
      throw new CliException(
          "the step-webhook plugin "
              + jar
              + " is missing; build it: mvn -B -q package -DskipTests");
    }
    return jar.toAbsolutePath().normalize();
  }

  private static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";

  /** What a reader of a log wants to see change: the step, the phase, the canary's weight. */
  private static String moment(Rollout rollout) {
    var status = rollout.getStatus();
    if (status == null) {
      return "";
    }
    String weight =
        status.canary == null
                || status.canary.weights == null
                || status.canary.weights.canary == null
            ? ""
            : String.valueOf(status.canary.weights.canary.weight);
    return status.currentStepIndex + "/" + status.phase + "/" + weight + "/" + status.message;
  }

  private static void log(PrintWriter out, String line) {
    synchronized (out) {
      out.println("  · " + line);
      out.flush();
    }
  }
}
