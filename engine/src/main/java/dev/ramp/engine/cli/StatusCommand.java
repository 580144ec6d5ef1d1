package dev.ramp.engine.cli;

import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutState;
import dev.ramp.engine.model.RolloutStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "status",
    description = {
      "Report whether a rollout is done, for CI pipelines: one line per change.",
      "Done: the controller saw the latest spec, the phase is Healthy and the",
      "current pods are the stable ones.",
      "Exit code: 0 done, 1 Degraded or aborted, 2 timed out (without --watch:",
      "not done yet), 3 bad input, 4 cluster error."
    })
final class StatusCommand implements Callable<Integer> {

  static final int DEGRADED = 1;
  static final int NOT_DONE = 2;

  @Parameters(index = "0", paramLabel = "NAME", description = "The rollout's name.")
  String name;

  @Option(
      names = {"-w", "--watch"},
      description = "Wait until Healthy or Degraded (implied by --timeout).")
  boolean watch;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Give up after this long (e.g. 10m) with exit code 2.")
  Duration timeout;

  @Option(
      names = "--interval",
      hidden = true,
      defaultValue = "1s",
      converter = DurationConverter.class)
  Duration interval;

  @Mixin ClusterOptions cluster;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Where a rollout stands, as a pipeline sees it. */
  record Verdict(int exitCode, String line) {
    boolean finished() {
      return exitCode != NOT_DONE;
    }
  }

  static Verdict verdict(Rollout r) {
    RolloutStatus st = r.getStatus() == null ? new RolloutStatus() : r.getStatus();
    String phase = st.phase == null ? "Unknown" : st.phase;
    String message = st.message == null || st.message.isEmpty() ? "" : ": " + st.message;
    Long generation = r.getMetadata().getGeneration();
    RolloutState state = RolloutState.of(r);
    if (state == RolloutState.DEGRADED) {
      return new Verdict(
          DEGRADED, (Boolean.TRUE.equals(st.abort) ? "Degraded (aborted)" : "Degraded") + message);
    }
    if (state == RolloutState.HEALTHY) {
      return new Verdict(0, "Healthy: revision " + st.currentPodHash + " is stable");
    }
    if (generation != null && !Objects.equals(st.observedGeneration, generation)) {
      return new Verdict(
          NOT_DONE, "Progressing: waiting for the controller to see generation " + generation);
    }
    StringBuilder line = new StringBuilder(phase);
    String step = RolloutView.currentStep(r);
    if (step != null) {
      line.append(": step ")
          .append(RolloutView.stepColumn(r))
          .append(" (")
          .append(step)
          .append(')');
    } else {
      int n = CanarySteps.of(r).size();
      line.append(n == 0 ? ": no steps" : ": all " + n + " steps done");
    }
    line.append(", canary weight ").append(RolloutView.canaryWeight(r)).append('%');
    line.append(", ")
        .append(st.availableReplicas == null ? 0 : st.availableReplicas)
        .append('/')
        .append(r.getSpec() == null || r.getSpec().replicas == null ? 1 : r.getSpec().replicas)
        .append(" available");
    line.append(message);
    return new Verdict(NOT_DONE, line.toString());
  }

  @Override
  public Integer call() {
    String namespace = cluster.namespace();
    PrintWriter out = spec.commandLine().getOut();
    boolean waiting = watch || timeout != null;
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    try (KubernetesClient client = cluster.client()) {
      String last = null;
      while (true) {
        Verdict v = verdict(ClusterOptions.rollout(client, namespace, name));
        if (!v.line().equals(last)) {
          out.println(namespace + "/" + name + ": " + v.line());
          out.flush();
          last = v.line();
        }
        if (v.finished() || !waiting) {
          return v.exitCode();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          out.println(namespace + "/" + name + ": timed out after " + TimeText.compact(timeout));
          out.flush();
          return NOT_DONE;
        }
        Watching.pause(Duration.ofNanos(Math.min(left, interval.toNanos())));
      }
    }
  }
}
