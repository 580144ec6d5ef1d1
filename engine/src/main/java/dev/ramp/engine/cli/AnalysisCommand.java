package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.AnalysisRunner;
import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.provider.MetricArgs;
import dev.ramp.engine.provider.MetricProviders;
import dev.ramp.engine.provider.MetricResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "analysis",
    description = "Work with analysis templates without a cluster.",
    subcommands = {AnalysisCommand.Run.class})
final class AnalysisCommand {

  @Command(
      name = "run",
      description = {
        "Run an AnalysisTemplate once against the real providers (web, prometheus) and print each"
            + " measurement as it comes: test a query before a rollout depends on it.",
        "Exit code: 0 Successful, 1 Failed, 2 Error or Inconclusive, 3 bad input."
      })
  static final class Run implements Callable<Integer> {

    @Option(
        names = {"-f", "--filename"},
        required = true,
        paramLabel = "TEMPLATE",
        description = "An AnalysisTemplate or ClusterAnalysisTemplate, YAML or JSON.")
    Path file;

    @Option(
        names = "--arg",
        paramLabel = "NAME=VALUE",
        description = "A value for one of the template's args; overrides its default.")
    Map<String, String> args = new LinkedHashMap<>();

    @Option(
        names = "--timeout",
        defaultValue = "30m",
        converter = DurationConverter.class,
        description = "Give up after this long (a Go duration); exit 2.")
    Duration timeout;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** The clock measurements are taken on; a test may stand in another. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws InterruptedException {
      JsonNode template = PluginSupport.readDocument(file);
      String kind = template.path("kind").asText("");
      if (!kind.equals("AnalysisTemplate") && !kind.equals("ClusterAnalysisTemplate")) {
        throw new CliException(
            file
                + ": kind is \""
                + kind
                + "\"; expected AnalysisTemplate or ClusterAnalysisTemplate");
      }
      MetricProviders providers = MetricProviders.create(clock::instant);
      Map<String, String> resolved = new LinkedHashMap<>();
      AnalysisRunner.InMemory runner;
      try {
        runner =
            AnalysisRunner.start(
                template.path("spec"), args, call -> measure(providers, call, resolved));
      } catch (AnalysisRunner.InvalidTemplate e) {
        throw new CliException(file + ": " + e.getMessage());
      }
      resolved.putAll(runner.args());
      return loop(runner, spec.commandLine().getOut());
    }

    private static Measurer.Measured measure(
        MetricProviders providers, Measurer.Call call, Map<String, String> args) {
      MetricResult r = providers.measure(call.provider(), MetricArgs.of(args));
      return r.phase() == MetricResult.Phase.SUCCESSFUL
          ? Measurer.Measured.of(r.value(), r.text()).withMetadata(r.metadata())
          : Measurer.Measured.failed(r.message()).withMetadata(r.metadata());
    }

    private int loop(AnalysisRunner.InMemory runner, PrintWriter out) throws InterruptedException {
      Instant giveUp = clock.instant().plus(timeout);
      while (true) {
        AnalysisRunner.Outcome step = runner.advance(clock.instant());
        for (AnalysisRunner.Taken t : step.taken()) {
          out.printf(
              "%s #%d: %s%s%s%n",
              t.metric(),
              t.index(),
              t.phase(),
              t.value().isEmpty() ? "" : "  value " + t.value(),
              t.message().isEmpty() ? "" : "  (" + t.message() + ")");
          out.flush();
        }
        if (step.done()) {
          String message = step.status().message;
          out.println(
              "analysis "
                  + step.phase()
                  + (message == null || message.isEmpty() ? "" : ": " + message));
          return switch (step.phase()) {
            case "Successful" -> 0;
            case "Failed" -> 1;
            default -> 2;
          };
        }
        Instant next = step.wakeAt().orElse(giveUp);
        if (!next.isBefore(giveUp)) {
          out.println(
              "analysis still Running after " + dev.ramp.engine.model.GoDuration.format(timeout));
          return 2;
        }
        Duration wait = Duration.between(clock.instant(), next);
        if (!wait.isNegative()) {
          Thread.sleep(wait.toMillis() + 1);
        }
      }
    }
  }
}
