package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Rollout;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "get",
    description = {
      "Show a rollout as a tree, or one AnalysisRun whole; live with --watch.",
      "A rollout: the phase, current step, weights, revisions and their ReplicaSets, its",
      "AnalysisRuns with each metric's last measurement, step plugin statuses and conditions.",
      "An analysisrun: its phase, message, args (Secrets as references only), and each metric",
      "with its counters, metadata and measurements."
    })
final class GetCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "KIND",
      description = "rollout (or rollouts, ro), analysisrun (or analysisruns, ar).")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME", description = "The rollout's or run's name.")
  String name;

  @Option(
      names = {"-w", "--watch"},
      description = "Redraw on every change until Ctrl-C.")
  boolean watch;

  @Option(
      names = "--until-done",
      description =
          "With --watch: stop once the rollout is Healthy or Degraded (a run: once completed).")
  boolean untilDone;

  @Option(names = "--no-color", description = "No colours even on a terminal.")
  boolean noColour;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "json or yaml: print the object as stored (Secret arg values left out).")
  String output;

  @Option(
      names = "--interval",
      hidden = true,
      defaultValue = "1s",
      converter = DurationConverter.class)
  Duration interval;

  @Mixin ClusterOptions cluster;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The time views count against; null: the API server's ({@link ServerClock}). */
  Clock clock;

  /** What one look at the cluster shows: a version that changes with it, the text, whether done. */
  private record View(String version, String text, boolean done) {}

  @Override
  public Integer call() throws Exception {
    boolean run = RolloutKind.analysisRunOrRollout(kind);
    if (output != null && !output.equals("json") && !output.equals("yaml")) {
      throw new CliException("-o " + output + " is not supported; use -o json or -o yaml");
    }
    if (output != null && watch) {
      throw new CliException("-o " + output + " prints the object once; leave out --watch");
    }
    String namespace = cluster.namespace();
    PrintWriter out = spec.commandLine().getOut();
    boolean colour = !noColour && Ansi.wanted();
    try (KubernetesClient client = cluster.client()) {
      Clock now = clock != null ? clock : new ServerClock(client, Clock.systemUTC());
      if (output != null) {
        out.print(
            objectText(
                output,
                run
                    ? AnalysisRunView.object(ClusterOptions.analysisRun(client, namespace, name))
                    : Serialization.jsonMapper()
                        .valueToTree(ClusterOptions.rollout(client, namespace, name))));
        out.flush();
        return 0;
      }
      String last = null;
      while (true) {
        View view =
            run
                ? analysisRun(client, namespace, colour, now)
                : rollout(client, namespace, colour, now);
        // On a terminal redraw every tick (ages and pauses count down); piped, only on a change.
        if (!view.version().equals(last) || (watch && colour)) {
          if (watch && colour) {
            out.print("\u001b[H\u001b[2J");
          } else if (last != null) {
            out.println("---");
          }
          out.print(view.text());
          out.flush();
          last = view.version();
        }
        if (!watch || (untilDone && view.done())) {
          return 0;
        }
        Watching.pause(interval);
      }
    }
  }

  private View rollout(KubernetesClient client, String namespace, boolean colour, Clock now) {
    Rollout r = ClusterOptions.rollout(client, namespace, name);
    List<ReplicaSet> sets = ClusterOptions.replicaSets(client, r);
    List<AnalysisRun> runs = ClusterOptions.analysisRuns(client, r);
    return new View(
        r.getMetadata().getResourceVersion()
            + versions(sets.stream().map(HasMetadata.class::cast))
            + versions(runs.stream().map(HasMetadata.class::cast)),
        RolloutView.render(r, sets, runs, colour, now.instant()),
        StatusCommand.verdict(r).finished());
  }

  private View analysisRun(KubernetesClient client, String namespace, boolean colour, Clock now) {
    AnalysisRun run = ClusterOptions.analysisRun(client, namespace, name);
    return new View(
        run.getMetadata().getResourceVersion(),
        AnalysisRunView.render(run, colour, now.instant()),
        AnalysisRunTable.completed(run));
  }

  /** Changes when any of the objects changes. */
  private static String versions(Stream<HasMetadata> objects) {
    return objects
        .map(o -> o.getMetadata().getName() + "@" + o.getMetadata().getResourceVersion())
        .sorted()
        .collect(Collectors.joining(",", "[", "]"));
  }

  /** The object as -o json or -o yaml prints it. */
  static String objectText(String output, JsonNode object) throws Exception {
    return output.equals("json")
        ? JSON.writeValueAsString(object) + "\n"
        : YAML.writeValueAsString(object);
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
}
