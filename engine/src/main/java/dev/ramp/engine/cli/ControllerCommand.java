package dev.ramp.engine.cli;

import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.kube.election.LeaderElection;
import dev.ramp.engine.ops.OperationsServer;
import dev.ramp.engine.runtime.RampRuntime;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "controller",
    description = {
      "Run the Rollout controller until SIGTERM, then stop cleanly: release the Lease, stop the"
          + " plugins.",
      "Serves /metrics, /healthz and /readyz on --metrics-port."
    })
final class ControllerCommand implements Callable<Integer> {

  @Option(
      names = "--kubeconfig",
      description =
          "A kubeconfig file (default: $KUBECONFIG,"
              + " ~/.kube/config, else the in-cluster service account).")
  Path kubeconfig;

  @Option(names = "--context", description = "The kubeconfig context (default: the current one).")
  String context;

  @Option(
      names = "--namespace",
      description = "Handle Rollouts in this namespace only (default: every namespace).")
  String namespace;

  @Option(
      names = "--controller-namespace",
      description =
          "Where ramp-config and the Lease live (default: $POD_NAMESPACE, else" + " ramp-system).")
  String controllerNamespace;

  @Option(
      names = "--instance-id",
      description =
          "Shard: handle only Rollouts labelled ramp.dev/controller-instance=<id>"
              + " (default: only unlabelled Rollouts).")
  String instanceId;

  @Option(
      names = "--leader-elect",
      description = "Reconcile only while holding the Lease; without it, reconcile at once.")
  boolean leaderElect;

  @Option(
      names = "--lease-name",
      defaultValue = "ramp-controller",
      description = "Default: ${DEFAULT-VALUE}.")
  String leaseName;

  @Option(
      names = "--identity",
      description = "This replica's name in the Lease (default: $POD_NAME, else the host name).")
  String identity;

  @Option(
      names = "--lease-duration",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "How long a lease lasts without renewal. Default: ${DEFAULT-VALUE}.")
  Duration leaseDuration;

  @Option(
      names = "--renew-deadline",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long the leader keeps trying to renew. Default: ${DEFAULT-VALUE}.")
  Duration renewDeadline;

  @Option(
      names = "--retry-period",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description = "Time between election attempts. Default: ${DEFAULT-VALUE}.")
  Duration retryPeriod;

  @Option(
      names = "--metrics-port",
      defaultValue = "8080",
      description =
          "Port of /metrics, /healthz, /readyz (0: any free port). Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(
      names = "--metrics-bind-address",
      defaultValue = "0.0.0.0",
      description = "Address to serve them on. Default: ${DEFAULT-VALUE}.")
  String metricsAddress;

  @Option(
      names = "--workers",
      defaultValue = "" + RampRuntime.Settings.DEFAULT_WORKERS,
      description =
          "Reconcile threads; every plugin's maxConcurrentCalls must stay below it."
              + " Default: ${DEFAULT-VALUE}.")
  int workers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile OperationsServer ops;

  @Override
  public Integer call() throws Exception {
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new CliException(
          "--metrics-port " + metricsPort + " is not a port: use 0-65535 (0 picks a free one)");
    }
    RampRuntime.Settings settings;
    LeaderElection.Settings election;
    try {
      settings = runtimeSettings();
      election = leaderElect ? electionSettings(settings) : null;
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    Thread hook = new Thread(this::stopAndWait, "ramp-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config()).build();
        RampRuntime runtime = new RampRuntime(client, settings)) {
      ops =
          OperationsServer.start(
              new InetSocketAddress(metricsAddress, metricsPort),
              runtime.meterRegistry(),
              runtime::isLive,
              runtime::isReady);
      try {
        runUntilStopped(runtime, settings, election, out);
      } finally {
        // Runtime first (controller, Lease, plugins), then the probes.
        runtime.close();
        ops.close();
      }
    } finally {
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running: it is what stopped us.
      }
    }
    return 0;
  }

  private RampRuntime.Settings runtimeSettings() {
    return RampRuntime.Settings.defaults(controllerNamespace())
        .withWatchNamespace(namespace)
        .withWorkers(workers)
        .withInstanceId(instanceId)
        .withClock(Clock.systemUTC())
        .withPluginHost(PluginHost.Settings.defaults());
  }

  private LeaderElection.Settings electionSettings(RampRuntime.Settings settings) {
    return new LeaderElection.Settings(
        settings.controllerNamespace(),
        leaseName,
        identity(),
        leaseDuration,
        renewDeadline,
        retryPeriod);
  }

  /** Starts the controller (elected or not), says so, and waits for a stop request. */
  private void runUntilStopped(
      RampRuntime runtime,
      RampRuntime.Settings settings,
      LeaderElection.Settings election,
      PrintWriter out)
      throws InterruptedException {
    out.println(
        "ramp controller: /metrics, /healthz, /readyz on http://"
            + metricsAddress
            + ":"
            + ops.port());
    out.flush();
    if (election != null) {
      runtime.startElected(election);
      out.println(
          "standing for election on Lease "
              + settings.controllerNamespace()
              + "/"
              + leaseName
              + " as "
              + election.identity());
    } else {
      runtime.start();
      out.println("controller running");
    }
    out.flush();
    stopRequested.await();
    out.println("stopping");
    out.flush();
  }

  /** Asks a running controller to stop (SIGTERM does this through the shutdown hook). */
  void requestStop() {
    stopRequested.countDown();
  }

  /** The port /metrics is served on, once started. */
  int metricsPort() {
    OperationsServer server = ops;
    return server == null ? -1 : server.port();
  }

  private void stopAndWait() {
    requestStop();
    try {
      // The JVM exits when the hooks return: give the clean stop the time it needs.
      stopped.await(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String controllerNamespace() {
    if (controllerNamespace != null) {
      return controllerNamespace;
    }
    String env = System.getenv("POD_NAMESPACE");
    return env == null || env.isBlank() ? "ramp-system" : env;
  }

  private String identity() {
    if (identity != null) {
      return identity;
    }
    String env = System.getenv("POD_NAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new CliException(
          "cannot tell this replica's identity (no POD_NAME, no host name): pass --identity");
    }
  }

  private Config config() {
    if (kubeconfig == null) {
      return Config.autoConfigure(context);
    }
    if (!Files.isReadable(kubeconfig)) {
      throw new CliException(
          "--kubeconfig " + kubeconfig + " cannot be read: give the path of a kubeconfig file");
    }
    return Config.fromKubeconfig(context, kubeconfig.toFile());
  }
}
