package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.StepText;
import dev.ramp.engine.rehearsal.Rehearsal;
import dev.ramp.engine.rehearsal.Rehearsal.Outcome;
import dev.ramp.engine.rehearsal.Rehearsal.StepRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    description = {
      "Rehearse a rollout without a cluster: apply the manifests to an embedded Kubernetes API,",
      "wait for the first revision to be stable, start a new one and run it to its end with the",
      "real controller and plugins. Exit code: 0 Healthy, 1 Degraded or aborted, 2 timed out."
    })
final class RunCommand implements Callable<Integer> {

  @Option(
      names = {"-f", "--filename"},
      required = true,
      description =
          "Manifests: Rollouts, AnalysisTemplates, ClusterAnalysisTemplates, Secrets,"
              + " ConfigMaps (ramp-config among them), Services, Namespaces, Gateway API routes,"
              + " Gateways and GatewayClasses are applied; other kinds (an Ingress, a"
              + " Deployment) are skipped with a note.")
  List<Path> files = new ArrayList<>();

  @Option(names = "--image", description = "The new revision's image (first container).")
  String image;

  @Option(
      names = "--speed",
      defaultValue = "1",
      description =
          "Run the rehearsal's clock N times faster than real time while the world is idle.")
  double speed;

  @Option(names = "--auto-promote", description = "Promote indefinite pauses as a person would.")
  boolean autoPromote;

  @Option(
      names = "--timeout",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "Give up after this long times --speed on the rehearsal's clock (real time on an"
              + " idle machine; a busy machine stops the clock, so it cannot time out early).")
  Duration timeout;

  @Option(
      names = "--pod-ready-after",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long a new pod takes to become ready (divided by --speed too).")
  Duration podReadyAfter;

  @Option(
      names = {"-o", "--output"},
      description = "json: print the final status and the step history as JSON.")
  String output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (output != null && !output.equals("json")) {
      throw new CliException("-o " + output + " is not supported; use -o json");
    }
    if (!(speed >= 1)) {
      throw new CliException("--speed must be at least 1, was " + speed);
    }
    boolean json = output != null;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // With -o json, stdout carries the JSON only.
    PrintWriter progress = json ? err : out;
    try (Rehearsal rehearsal =
        Rehearsal.start(
            new Rehearsal.Options(
                speed,
                podReadyAfter,
                autoPromote,
                Duration.ofNanos((long) (timeout.toNanos() * speed)),
                PluginSupport.runnerJar(),
                null,
                line -> progress.println("· " + line)))) {
      List<Rollout> rollouts = rehearsal.apply(files);
      ArrayNode results = JSON.createArrayNode();
      int exit = 0;
      for (Rollout rollout : rollouts) {
        String id = rollout.getMetadata().getNamespace() + "/" + rollout.getMetadata().getName();
        Outcome first = rehearsal.awaitStable(rollout);
        if (first.verdict() != Rehearsal.Verdict.HEALTHY) {
          progress.println(
              "· rollout " + id + " never became stable: " + first.verdict() + cause(first));
          results.add(result(first, rehearsal.analysisRuns(rollout)));
          exit = Math.max(exit, code(first));
          continue;
        }
        rehearsal.newRevision(rollout, image);
        Outcome outcome = rehearsal.runToEnd(rollout, stepPrinter(progress, id));
        progress.println("· rollout " + id + " ended " + outcome.verdict() + cause(outcome));
        outcome
            .history()
            .forEach(
                s ->
                    progress.println(
                        "    " + HistoryText.line(s, CanarySteps.of(outcome.rollout()).size())));
        results.add(result(outcome, rehearsal.analysisRuns(rollout)));
        exit = Math.max(exit, code(outcome));
      }
      if (json) {
        out.println(JSON.writeValueAsString(results.size() == 1 ? results.get(0) : results));
      }
      out.flush();
      progress.flush();
      return exit;
    }
  }

  /** Prints a line whenever the rollout moves to another step. */
  private static Consumer<Rollout> stepPrinter(PrintWriter progress, String id) {
    int[] lastStep = {-1};
    return current -> {
      var status = current.getStatus();
      // A status for an older generation says nothing about this one: wait for the controller.
      if (status != null
          && !RolloutView.stale(current)
          && status.currentStepIndex != null
          && status.currentStepIndex != lastStep[0]) {
        lastStep[0] = status.currentStepIndex;
        List<dev.ramp.engine.model.CanaryStep> steps = CanarySteps.of(current);
        progress.println(
            "· "
                + id
                + ": "
                + (status.currentStepIndex >= steps.size()
                    ? "all " + steps.size() + " steps done"
                    : StepText.label(status.currentStepIndex, steps))
                + ", "
                + status.phase
                + (status.message == null ? "" : " (" + status.message + ")"));
        progress.flush();
      }
    };
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /** Why a rollout did not end Healthy, from its status message ("" when Healthy). */
  static String cause(Outcome outcome) {
    var status = outcome.rollout().getStatus();
    if (outcome.verdict() == Rehearsal.Verdict.HEALTHY
        || status == null
        || status.message == null
        || status.message.isBlank()) {
      return "";
    }
    return ": " + status.message;
  }

  /** The exit code of an outcome: 0 Healthy, 1 Degraded, 2 timed out. */
  static int code(Outcome outcome) {
    return switch (outcome.verdict()) {
      case HEALTHY -> 0;
      case DEGRADED -> 1;
      case TIMED_OUT -> 2;
    };
  }

  /**
   * The JSON of one rollout: its verdict, final status, step history and the AnalysisRuns it
   * controls at the end (name, phase, message, each metric's last measurement).
   */
  private static ObjectNode result(Outcome outcome, List<AnalysisRun> runs) {
    ObjectNode node = JSON.createObjectNode();
    Rollout r = outcome.rollout();
    node.put("rollout", r.getMetadata().getNamespace() + "/" + r.getMetadata().getName());
    node.put("result", outcome.verdict().name());
    node.set("status", JSON.valueToTree(r.getStatus()));
    ArrayNode steps = node.putArray("steps");
    int total = CanarySteps.of(r).size();
    for (StepRecord s : outcome.history()) {
      // People's numbering ("number": 3 of "of": 5); the 0-based index is Argo's, in "status".
      ObjectNode step = JSON.valueToTree(s);
      step.remove("index");
      step.put("number", s.index() + 1);
      step.put("of", total);
      steps.add(step);
    }
    node.set("analysisRuns", AnalysisRunTable.summary(runs));
    return node;
  }
}
