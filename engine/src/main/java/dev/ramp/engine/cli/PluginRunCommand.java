package dev.ramp.engine.cli;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.host.config.PluginLimits;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.engine.plugin.StepPluginClient;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    description = {
      "Start a plugin as the controller would, make one call, print the result, stop it.",
      "The call goes through the controller's own plugin host: same request, deadline, state"
          + " limit and error messages.",
      "Exit code: 0 SUCCESSFUL or RUNNING, 1 FAILED, 5 ERROR or a gRPC error (or the plugin did"
          + " not start), 3 bad input (or a plugin the controller would refuse)."
    })
final class PluginRunCommand implements Callable<Integer> {

  /** Exit code of an ERROR result, a transport error, or a plugin that did not start. */
  static final int ERROR_EXIT = 5;

  /**
   * How long past the start timeout to wait for the first launch's outcome: the launcher bounds the
   * start itself; a download of a remote location (up to 60 s) comes first.
   */
  private static final Duration SETTLE_GRACE = Duration.ofSeconds(65);

  enum Kind {
    step
  }

  enum Operation {
    run(StepOperation.RUN),
    terminate(StepOperation.TERMINATE),
    abort(StepOperation.ABORT);

    final StepOperation step;

    Operation(StepOperation step) {
      this.step = step;
    }
  }

  @Parameters(index = "0", paramLabel = "LOCATION", description = "file://, https:// or a path.")
  String location;

  @Option(
      names = "--kind",
      defaultValue = "step",
      description = "Plugin kind: ${COMPLETION-CANDIDATES}.")
  Kind kind;

  @Option(names = "--name", defaultValue = "local/plugin", description = "Configured name.")
  String name;

  @Option(names = "--rollout", required = true, description = "The Rollout, YAML or JSON.")
  Path rollout;

  @Option(names = "--config", defaultValue = "{}", description = "The step's config, JSON.")
  String config;

  @Option(names = "--operation", defaultValue = "run", description = "${COMPLETION-CANDIDATES}.")
  Operation operation;

  @Option(names = "--state", description = "The state a previous call returned, JSON.")
  String state;

  @Option(names = "--step-index", defaultValue = "0")
  int stepIndex;

  @Option(names = "--sha256", description = "Expected sha256 of the plugin file.")
  String sha256;

  @Option(names = "--env", description = "Environment for the plugin, KEY=VALUE.")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--start-timeout", defaultValue = "20s", converter = DurationConverter.class)
  Duration startTimeout;

  @Option(names = "--deadline", defaultValue = "30s", converter = DurationConverter.class)
  Duration deadline;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode rolloutJson = PluginSupport.readDocument(rollout);
    JsonNode configJson = PluginSupport.parseJson("--config", config);
    JsonNode stateJson = PluginSupport.parseJson("--state", state);
    PluginEntry entry = entry();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PluginHost.Settings settings =
        PluginHost.Settings.defaults()
            .withRunnerJar(runnerJar())
            .withCacheDir(PluginSupport.cacheDir());
    try (QuietHostLog quiet = QuietHostLog.open();
        PluginHost host = new PluginHost(settings, new SimpleMeterRegistry(), err::println)) {
      host.apply(new PluginConfigSnapshot(List.of(entry), List.of()));
      StepPluginClient steps = host.stepClient();
      awaitReady(steps);
      StepCall call =
          new StepCall(
              context(rolloutJson),
              rolloutJson,
              configJson,
              stateJson == null ? MissingNode.getInstance() : stateJson);
      StepResult result = steps.call(name, operation.step, call);
      print(out, result);
      out.flush();
      return switch (result.phase()) {
        case SUCCESSFUL, RUNNING -> 0;
        case FAILED -> 1;
        case ERROR -> ERROR_EXIT;
      };
    }
  }

  /** The one ramp-config entry the controller would run for these options. */
  private PluginEntry entry() {
    if (startTimeout.isZero() || startTimeout.isNegative()) {
      throw new CliException("--start-timeout must be more than zero, got " + startTimeout);
    }
    if (deadline.isZero() || deadline.isNegative()) {
      throw new CliException("--deadline must be more than zero, got " + deadline);
    }
    for (String key : env.keySet()) {
      if (PluginConfigSnapshot.CONTRACT_VARIABLES.contains(key)) {
        throw new CliException("--env may not set " + key + "; the host sets it for every plugin");
      }
    }
    return new PluginEntry(
        PluginKind.STEP,
        name,
        location(),
        sha256 == null ? null : sha256.toLowerCase(Locale.ROOT),
        List.of(),
        env,
        false,
        new PluginLimits(deadline, PluginLimits.DEFAULT_MAX_CONCURRENT_CALLS, startTimeout),
        List.of());
  }

  /**
   * The location as the entry's URI; on a command line a relative path means the working directory.
   */
  private URI location() {
    if (!location.contains("://")) {
      return Path.of(location).toAbsolutePath().normalize().toUri();
    }
    try {
      URI uri = new URI(location);
      return "file".equalsIgnoreCase(uri.getScheme()) ? Path.of(uri).normalize().toUri() : uri;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new CliException("location " + location + " is not a URL: " + e.getMessage());
    }
  }

  /** The runner that hosts JAR plugins, when it exists; the host refuses JARs without one. */
  private static Path runnerJar() {
    Path runner = PluginSupport.runnerJar();
    return Files.isRegularFile(runner) ? runner : null;
  }

  /**
   * Waits for the outcome of the plugin's first launch: returns when it is ready, else throws with
   * the host's reason (refused: exit 3, the entry would be refused by the controller too; anything
   * else: exit 5).
   */
  private void awaitReady(StepPluginClient steps) {
    long limit = System.nanoTime() + startTimeout.plus(SETTLE_GRACE).toNanos();
    PluginAvailability availability = steps.availability(name);
    while (availability.state() == PluginAvailability.State.STARTING && System.nanoTime() < limit) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while plugin " + name + " was starting", ERROR_EXIT);
      }
      availability = steps.availability(name);
    }
    switch (availability.state()) {
      case READY -> {}
      case REFUSED -> throw new CliException(availability.reason());
      case STARTING ->
          throw new CliException(
              "plugin " + name + " did not start within " + startTimeout.plus(SETTLE_GRACE),
              ERROR_EXIT);
      // The controller would restart it after a backoff; here one launch is all there is.
      default ->
          throw new CliException(
              availability.reason().replaceFirst("; restarting in \\S+$", ""), ERROR_EXIT);
    }
  }

  /** The context the controller sends for this rollout, step and operation (first attempt). */
  private PluginContext context(JsonNode rolloutJson) {
    JsonNode metadata = rolloutJson.path("metadata");
    JsonNode status = rolloutJson.path("status");
    String uid = metadata.path("uid").asText("");
    String podHash = status.path("currentPodHash").asText("");
    String stepHash = status.path("currentStepHash").asText("");
    return new PluginContext(
        uid,
        metadata.path("namespace").asText("default"),
        metadata.path("name").asText(""),
        podHash,
        stepIndex,
        stepHash,
        operation.step.rpcName(),
        1,
        operation.step.idempotencyKey(
            uid,
            podHash,
            stepHash,
            stepIndex,
            status.path("retries").isInt() ? status.path("retries").asInt() : null),
        name);
  }

  /**
   * At the command line's default level (warnings) the host would log a refusal or a failed start
   * that this command reports itself, so it would say it twice: its log is off meanwhile.
   * RAMP_LOG_LEVEL=INFO or finer keeps it.
   */
  private record QuietHostLog(ch.qos.logback.classic.Logger logger) implements AutoCloseable {

    static QuietHostLog open() {
      if (LoggerFactory.getLogger(PluginHost.class.getPackageName())
              instanceof ch.qos.logback.classic.Logger logger
          && logger.getLevel() == null
          && logger.getEffectiveLevel().isGreaterOrEqual(Level.WARN)) {
        logger.setLevel(Level.OFF);
        return new QuietHostLog(logger);
      }
      return new QuietHostLog(null);
    }

    @Override
    public void close() {
      if (logger != null) {
        logger.setLevel(null);
      }
    }
  }

  private static void print(PrintWriter out, StepResult result) {
    out.println("phase:   " + result.phase());
    out.println("message: " + result.message());
    if (!result.requeueAfter().isZero()) {
      out.println("requeue: " + result.requeueAfter());
    }
    JsonNode state = result.state();
    if (state != null && !state.isMissingNode()) {
      out.println("state:   " + (state instanceof ObjectNode ? state.toPrettyString() : state));
    }
  }
}
