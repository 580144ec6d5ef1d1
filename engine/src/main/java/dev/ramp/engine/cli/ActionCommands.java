package dev.ramp.engine.cli;

import dev.ramp.engine.actions.RolloutActions;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The verbs that change a rollout, each one {@link RolloutActions} call. */
final class ActionCommands {

  private ActionCommands() {}

  /** What every action verb shares: the cluster, the rollout's name, one line of outcome. */
  abstract static class Action implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The rollout.")
    String name;

    @Mixin ClusterOptions cluster;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Does the action and returns what was done, e.g. "promoted". */
    abstract String act(RolloutActions actions, String namespace);

    @Override
    public Integer call() {
      String namespace = cluster.namespace();
      try (KubernetesClient client = cluster.client()) {
        ClusterOptions.rollout(client, namespace, name);
        String done;
        try {
          // Stamped with the server's time (restartAt), as the controller compares it with its own.
          done =
              act(
                  new RolloutActions(client, new ServerClock(client, Clock.systemUTC())),
                  namespace);
        } catch (RolloutActions.ActionException e) {
          throw new CliException(e.getMessage());
        }
        spec.commandLine().getOut().println("rollout " + namespace + "/" + name + " " + done);
        return 0;
      }
    }
  }

  @Command(
      name = "promote",
      description = "Leave the current pause or step; with --full, skip all remaining steps.")
  static final class Promote extends Action {
    @Option(names = "--full", description = "Skip all remaining steps (and analyses).")
    boolean full;

    @Override
    String act(RolloutActions actions, String namespace) {
      if (full) {
        actions.promoteFull(namespace, name);
        return "fully promoted";
      }
      actions.promote(namespace, name);
      return "promoted";
    }
  }

  @Command(name = "abort", description = "Send traffic and pods back to stable (phase Degraded).")
  static final class Abort extends Action {
    @Override
    String act(RolloutActions actions, String namespace) {
      actions.abort(namespace, name);
      return "aborted";
    }
  }

  @Command(name = "retry", description = "After an abort, start the steps again from the first.")
  static final class Retry extends Action {
    @Override
    String act(RolloutActions actions, String namespace) {
      actions.retry(namespace, name);
      return "retried";
    }
  }

  @Command(name = "pause", description = "Hold the rollout at its current step (spec.paused).")
  static final class Pause extends Action {
    @Override
    String act(RolloutActions actions, String namespace) {
      actions.pause(namespace, name);
      return "paused";
    }
  }

  @Command(name = "resume", description = "Clear a pause set by `ramp pause`.")
  static final class Resume extends Action {
    @Override
    String act(RolloutActions actions, String namespace) {
      actions.resume(namespace, name);
      return "resumed";
    }
  }

  @Command(
      name = "undo",
      description = "Roll back to the previous revision's pod template (or --to-revision N).")
  static final class Undo extends Action {
    @Option(names = "--to-revision", paramLabel = "N", description = "The revision to go back to.")
    Integer toRevision;

    @Override
    String act(RolloutActions actions, String namespace) {
      if (toRevision != null && toRevision < 1) {
        throw new CliException(
            "--to-revision " + toRevision + " is not a revision; they start at 1");
      }
      actions.undo(namespace, name, toRevision);
      return toRevision == null
          ? "rolled back to the previous revision"
          : "rolled back to revision " + toRevision;
    }
  }

  @Command(name = "restart", description = "Replace the pods of the current revision.")
  static final class Restart extends Action {
    @Override
    String act(RolloutActions actions, String namespace) {
      actions.restart(namespace, name);
      return "restarting";
    }
  }

  @Command(
      name = "set",
      description = "Change a rollout's spec.",
      subcommands = {SetImage.class})
  static final class Set {}

  @Command(name = "image", description = "Set one container's image: a new revision.")
  static final class SetImage extends Action {
    @Parameters(
        index = "1",
        paramLabel = "CONTAINER=IMAGE",
        description = "e.g. app=registry.example/shop:1.4.2")
    String assignment;

    @Override
    String act(RolloutActions actions, String namespace) {
      int eq = assignment.indexOf('=');
      if (eq <= 0 || eq == assignment.length() - 1) {
        throw new CliException(
            "\"" + assignment + "\" is not CONTAINER=IMAGE; write e.g. app=shop:1.4.2");
      }
      String container = assignment.substring(0, eq);
      String image = assignment.substring(eq + 1);
      actions.setImage(namespace, name, container, image);
      return "container " + container + " set to " + image;
    }
  }
}
