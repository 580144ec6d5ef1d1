package dev.ramp.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.AnalysisRunner;
import dev.ramp.engine.analysis.AnalysisTemplates;
import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.analysis.Measurer.Measured;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.host.config.PluginLimits;
import dev.ramp.engine.kube.LocalMeasurer;
import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.GoDuration;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.plugin.MetricProviderClient;
import dev.ramp.engine.provider.MetricArgs;
import dev.ramp.engine.provider.MetricProviders;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
        "Run an AnalysisTemplate once against the real providers (web, prometheus, and"
            + " metric-provider plugins given with --plugin) and print each measurement as it"
            + " comes: test a query before a rollout depends on it.",
        "The first template given is run; the others are there for its templates[].",
        "Exit code: 0 Successful, 1 Failed, 2 Error or Inconclusive, 3 bad input, 5 a plugin that"
            + " did not start."
      })
  static final class Run implements Callable<Integer> {

    /** Why a job metric is refused: this command runs no containers. */
    static final String NO_JOBS =
        "a job metric runs a Kubernetes Job, and ramp analysis run runs no containers (it"
            + " measures from here, outside a cluster); create an AnalysisRun in a cluster to"
            + " test it";

    @Option(
        names = {"-f", "--filename"},
        required = true,
        paramLabel = "TEMPLATE",
        description = {
          "AnalysisTemplates or ClusterAnalysisTemplates, YAML or JSON, one or more documents a"
              + " file; repeat for more files.",
          "The first template is run; the templates its templates[] name must be among them."
        })
    List<Path> files;

    @Option(
        names = "--arg",
        paramLabel = "NAME=VALUE",
        description = "A value for one of the template's args; overrides its default.")
    Map<String, String> args = new LinkedHashMap<>();

    @Option(
        names = "--plugin",
        paramLabel = "ORG/NAME=PATH",
        description = {
          "The metric-provider plugin a metric names under provider.plugin: its executable or"
              + " JAR (a path or file:// URL); repeat for more.",
          "It is started and called as the controller would, and stopped at the end."
        })
    Map<String, String> plugins = new LinkedHashMap<>();

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
      AnalysisTemplateFiles given = AnalysisTemplateFiles.read(files);
      AnalysisTemplateFiles.Template root = given.root();
      JsonNode flat = given.flattenedSpec();
      Map<String, String> resolved = check(root, flat);
      AnalysisRun run = run(root, flat, resolved);
      PrintWriter err = spec.commandLine().getErr();
      try (PluginSupport.QuietHostLog quiet = PluginSupport.QuietHostLog.open();
          PluginHost host = new PluginHost(settings(), new SimpleMeterRegistry(), err::println)) {
        startPlugins(host);
        Measurer measurer =
            new LocalMeasurer(
                run,
                MetricArgs.of(resolved),
                MetricProviders.create(clock::instant),
                host.metricProviderClient(),
                clock);
        AnalysisRunner.InMemory runner;
        try {
          runner = AnalysisRunner.start(flat, args, measurer);
        } catch (AnalysisRunner.InvalidTemplate e) {
          throw new CliException(root.file() + ": " + e.getMessage()); // checked above
        }
        return loop(runner, spec.commandLine().getOut());
      }
    }

    /**
     * Refuses, before anything starts, a template that cannot run here: every bad field, arg
     * without value, job metric, plugin metric without its --plugin and --plugin no metric uses.
     *
     * @return the args of the run, resolved
     */
    private Map<String, String> check(AnalysisTemplateFiles.Template root, JsonNode flat) {
      List<String> problems = new ArrayList<>();
      Map<String, List<String>> metricsOf = new LinkedHashMap<>();
      for (JsonNode metric : flat.path("metrics")) {
        String name = metric.path("name").asText("");
        JsonNode provider = metric.path("provider");
        if (provider.has("job")) {
          problems.add("metric " + name + ": " + NO_JOBS);
        }
        JsonNode plugin = provider.path("plugin");
        if (plugin.isObject() && plugin.size() == 1) {
          metricsOf.computeIfAbsent(plugin.fieldNames().next(), p -> new ArrayList<>()).add(name);
        }
      }
      metricsOf.forEach(
          (plugin, metrics) -> {
            if (!plugins.containsKey(plugin)) {
              problems.add(
                  (metrics.size() == 1 ? "metric " : "metrics ")
                      + String.join(", ", metrics)
                      + ": provider.plugin names "
                      + plugin
                      + "; pass --plugin "
                      + plugin
                      + "=PATH (the plugin's executable or JAR)");
            }
          });
      for (String plugin : plugins.keySet()) {
        if (!metricsOf.containsKey(plugin)) {
          problems.add("--plugin " + plugin + ": no metric of the template uses that plugin");
        }
      }
      Map<String, String> resolved = Map.of();
      try {
        resolved = AnalysisRunner.start(flat, args, call -> Measured.failed("not started")).args();
      } catch (AnalysisRunner.InvalidTemplate e) {
        problems.add(e.getMessage());
      }
      if (!problems.isEmpty()) {
        throw new CliException(root.file() + ": " + String.join("; ", problems));
      }
      return resolved;
    }

    /**
     * The AnalysisRun plugins are told about: named after the template, in its namespace, with a
     * uid of its own so that its measurements' idempotency keys are new.
     */
    private static AnalysisRun run(
        AnalysisTemplateFiles.Template root, JsonNode flat, Map<String, String> resolved) {
      AnalysisRun run = new AnalysisRun();
      JsonNode metadata = root.tree().path("metadata");
      run.setMetadata(
          new ObjectMetaBuilder()
              .withName(root.name().isEmpty() ? "local" : root.name())
              .withNamespace(metadata.path("namespace").asText("default"))
              .withUid(UUID.randomUUID().toString())
              .build());
      List<AnalysisArgument> given = new ArrayList<>();
      resolved.forEach((k, v) -> given.add(new AnalysisArgument(k, v)));
      try {
        AnalysisTemplateSpec template = Json.MAPPER.treeToValue(flat, AnalysisTemplateSpec.class);
        run.setSpec(AnalysisTemplates.runSpec(template, given));
      } catch (JsonProcessingException e) {
        throw new CliException(
            root.file()
                + ": spec cannot be read: "
                + e.getOriginalMessage().lines().findFirst().orElse(""));
      } catch (AnalysisTemplates.Unresolvable e) {
        throw new CliException(root.file() + ": " + e.getMessage());
      }
      return run;
    }

    private static PluginHost.Settings settings() {
      Path runner = PluginSupport.runnerJar();
      return PluginHost.Settings.defaults()
          .withRunnerJar(Files.isRegularFile(runner) ? runner : null)
          .withCacheDir(PluginSupport.cacheDir());
    }

    /** Starts the --plugin plugins as metric providers and waits until each is ready. */
    private void startPlugins(PluginHost host) {
      if (plugins.isEmpty()) {
        return;
      }
      List<PluginEntry> entries = new ArrayList<>();
      plugins.forEach(
          (name, location) ->
              entries.add(
                  new PluginEntry(
                      PluginKind.METRIC_PROVIDER,
                      name,
                      PluginSupport.locationUri(location),
                      null,
                      List.of(),
                      Map.of(),
                      false,
                      PluginLimits.defaults(),
                      List.of(),
                      false)));
      host.apply(new PluginConfigSnapshot(entries, List.of()));
      MetricProviderClient client = host.metricProviderClient();
      for (String name : plugins.keySet()) {
        PluginSupport.awaitReady(
            name, () -> client.availability(name), PluginLimits.DEFAULT_START_TIMEOUT);
      }
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
          out.println("analysis still Running after " + GoDuration.format(timeout));
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
