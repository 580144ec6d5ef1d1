package dev.ramp.engine.cli;

import dev.ramp.engine.model.Rollout;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "list",
    description = {
      "List rollouts: name, phase, step, canary weight, age.",
      "With -o json or -o yaml: the rollouts as stored, as one v1 List (as kubectl prints it)."
    })
final class ListCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "KIND",
      defaultValue = "rollouts",
      description = "rollouts (or rollout, ro); the default.")
  String kind;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "json or yaml: print the rollouts as stored, in one List.")
  String output;

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "Rollouts of all namespaces.")
  boolean allNamespaces;

  @Mixin ClusterOptions cluster;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The time views count against; null: the API server's ({@link ServerClock}). */
  Clock clock;

  @Override
  public Integer call() throws Exception {
    RolloutKind.require("list", kind);
    if (output != null && !output.equals("json") && !output.equals("yaml")) {
      throw new CliException("-o " + output + " is not supported; use -o json or -o yaml");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (KubernetesClient client = cluster.client()) {
      var rollouts = client.resources(Rollout.class);
      List<Rollout> items =
          new ArrayList<>(
              allNamespaces
                  ? rollouts.inAnyNamespace().list().getItems()
                  : rollouts.inNamespace(cluster.namespace()).list().getItems());
      items.sort(
          Comparator.comparing((Rollout r) -> r.getMetadata().getNamespace())
              .thenComparing(r -> r.getMetadata().getName()));
      if (output != null) {
        out.print(GetCommand.objectText(output, listOf(items)));
        out.flush();
        return 0;
      }
      if (items.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println(
                allNamespaces
                    ? "no rollouts found"
                    : "no rollouts found in namespace " + cluster.namespace());
        return 0;
      }
      Clock now = clock != null ? clock : new ServerClock(client, Clock.systemUTC());
      out.print(table(items, allNamespaces, now.instant()));
      out.flush();
      return 0;
    }
  }

  /** The rollouts as kubectl prints a list: {@code apiVersion: v1, kind: List, items}. */
  private static com.fasterxml.jackson.databind.JsonNode listOf(List<Rollout> items) {
    var list = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().createObjectNode();
    list.put("apiVersion", "v1");
    list.put("kind", "List");
    list.set(
        "items", io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().valueToTree(items));
    list.putObject("metadata").put("resourceVersion", "");
    return list;
  }

  static String table(List<Rollout> items, boolean withNamespace, Instant now) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAMESPACE", "NAME", "PHASE", "STEP", "WEIGHT", "AGE"});
    for (Rollout r : items) {
      rows.add(
          new String[] {
            r.getMetadata().getNamespace(),
            r.getMetadata().getName(),
            RolloutView.stale(r)
                ? "Waiting"
                : r.getStatus() == null || r.getStatus().phase == null ? "" : r.getStatus().phase,
            RolloutView.stale(r) ? "-" : RolloutView.stepColumn(r),
            String.valueOf(RolloutView.canaryWeight(r)),
            TimeText.ageOf(r.getMetadata().getCreationTimestamp(), now)
          });
    }
    int first = withNamespace ? 0 : 1;
    int[] widths = new int[6];
    for (String[] row : rows) {
      for (int i = first; i < 6; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = first; i < 6; i++) {
        line.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 3));
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }
}
