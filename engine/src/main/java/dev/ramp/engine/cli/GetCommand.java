package dev.ramp.engine.cli;

import dev.ramp.engine.model.Rollout;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "get",
    description = {
      "Show a rollout as a tree, live with --watch.",
      "The phase, current step, weights, revisions and their ReplicaSets, step plugin",
      "statuses and conditions."
    })
final class GetCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "KIND", description = "rollout (or rollouts, ro).")
  String kind;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  @Option(
      names = {"-w", "--watch"},
      description = "Redraw on every change until Ctrl-C.")
  boolean watch;

  @Option(
      names = "--until-done",
      description = "With --watch: stop once the rollout is Healthy or Degraded.")
  boolean untilDone;

  @Option(names = "--no-color", description = "No colours even on a terminal.")
  boolean noColour;

  @Option(
      names = "--interval",
      hidden = true,
      defaultValue = "1s",
      converter = DurationConverter.class)
  Duration interval;

  @Mixin ClusterOptions cluster;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    RolloutKind.require("get", kind);
    String namespace = cluster.namespace();
    PrintWriter out = spec.commandLine().getOut();
    boolean colour = !noColour && Ansi.wanted();
    try (KubernetesClient client = cluster.client()) {
      String last = null;
      while (true) {
        Rollout r = ClusterOptions.rollout(client, namespace, name);
        List<ReplicaSet> sets = ClusterOptions.replicaSets(client, r);
        String version = version(r, sets);
        // On a terminal redraw every tick (ages and pauses count down); piped, only on a change.
        if (!version.equals(last) || (watch && colour)) {
          if (watch && colour) {
            out.print("\u001b[H\u001b[2J");
          } else if (last != null) {
            out.println("---");
          }
          out.print(RolloutView.render(r, sets, colour, clock.instant()));
          out.flush();
          last = version;
        }
        if (!watch || (untilDone && StatusCommand.verdict(r).finished())) {
          return 0;
        }
        Watching.pause(interval);
      }
    }
  }

  /** Changes when the Rollout or any of its ReplicaSets changes. */
  private static String version(Rollout r, List<ReplicaSet> sets) {
    return r.getMetadata().getResourceVersion()
        + sets.stream()
            .map(rs -> rs.getMetadata().getName() + "@" + rs.getMetadata().getResourceVersion())
            .sorted()
            .collect(Collectors.joining(",", "[", "]"));
  }
}
