package dev.ramp.plugin.sdk.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import dev.ramp.plugin.sdk.launch.PluginLaunchException;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import dev.ramp.plugin.sdk.testkit.ConformanceReport.Check;
import dev.ramp.plugin.sdk.testkit.ConformanceReport.Outcome;
import dev.ramp.plugin.v1.GetInfoRequest;
import dev.ramp.plugin.v1.InfoGrpc;
import dev.ramp.plugin.v1.PluginInfo;
import dev.ramp.plugin.v1.PluginKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Checks that a plugin keeps the ramp.plugin.v1 contract, by starting it exactly as the controller
 * does (the same {@link PluginLauncher}) and calling every RPC of its kinds.
 *
 * <p>From a plugin's own JUnit test:
 *
 * <pre>{@code
 * LaunchSpec spec = new LaunchSpec("acme/gate", Path.of("target/acme-gate.jar"), null,
 *     List.of(), Map.of(), List.of(), Duration.ofSeconds(20), runnerJar);
 * new PluginTestKit().verify(spec, Set.of(), Json.MAPPER.readTree("{\"url\":\"http://...\"}"))
 *     .assertPassed();
 * }</pre>
 *
 * Every call has a deadline, so {@link #verify} ends within the start timeout plus a deadline per
 * call plus the stop grace, whatever the plugin does.
 */
public final class PluginTestKit {

  /** The plugin kinds the kit can check. */
  public enum Kind {
    STEP,
    TRAFFIC_ROUTER,
    METRIC_PROVIDER
  }

  public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(5);

  static final String LAUNCH = "launch and handshake";
  static final String HEALTH = "health SERVING";
  static final String INFO = "Info answers";
  static final String STILL_HEALTHY = "still healthy at the end";
  static final String STOP = "graceful stop";

  private final PluginLauncher launcher;
  private final Duration callDeadline;

  /** Plugin output goes to the slf4j logger {@code ramp.plugin}; calls get 5 s each. */
  public PluginTestKit() {
    this(new PluginLauncher(), DEFAULT_CALL_DEADLINE);
  }

  /** Plugin output goes to {@code log} as {@code "[<name>] <line>"}; calls get 5 s each. */
  public PluginTestKit(Consumer<String> log) {
    this(new PluginLauncher(log), DEFAULT_CALL_DEADLINE);
  }

  public PluginTestKit(PluginLauncher launcher, Duration callDeadline) {
    if (launcher == null) {
      throw new IllegalArgumentException("launcher must not be null");
    }
    if (callDeadline == null || callDeadline.isZero() || callDeadline.isNegative()) {
      throw new IllegalArgumentException("callDeadline must be positive, was " + callDeadline);
    }
    this.launcher = launcher;
    this.callDeadline = callDeadline;
  }

  /**
   * Launches the plugin, runs the checks and stops it.
   *
   * @param spec how to start the plugin, as its controller config entry would
   * @param kinds the kinds to check; empty checks those the plugin declares in Info
   * @param sampleConfig a valid config object for the plugin's calls, or null for {@code {}}
   */
  public ConformanceReport verify(LaunchSpec spec, Set<Kind> kinds, JsonNode sampleConfig) {
    if (spec == null) {
      throw new IllegalArgumentException("spec must not be null");
    }
    if (sampleConfig != null && !sampleConfig.isObject()) {
      throw new IllegalArgumentException(
          "sampleConfig must be a JSON object (a step's config), was " + sampleConfig);
    }
    Set<Kind> requested = kinds == null || kinds.isEmpty() ? Set.of() : EnumSet.copyOf(kinds);
    List<Check> checks = new ArrayList<>();
    PluginProcess plugin;
    try {
      plugin = launcher.launch(spec);
    } catch (PluginLaunchException e) {
      if (e.reason() == PluginLaunchException.Reason.NOT_HEALTHY) {
        checks.add(new Check(LAUNCH, Outcome.PASSED, "handshake read"));
        checks.add(new Check(HEALTH, Outcome.FAILED, e.getMessage()));
      } else {
        checks.add(new Check(LAUNCH, Outcome.FAILED, e.reason() + ": " + e.getMessage()));
        checks.add(new Check(HEALTH, Outcome.SKIPPED, "the plugin did not start"));
      }
      for (String name : List.of(INFO, STILL_HEALTHY, STOP)) {
        checks.add(new Check(name, Outcome.SKIPPED, "the plugin did not start"));
      }
      return new ConformanceReport(spec.name(), "unknown", checks);
    }
    checks.add(new Check(LAUNCH, Outcome.PASSED, "pid " + plugin.pid()));
    checks.add(new Check(HEALTH, Outcome.PASSED, ""));
    String version = "unknown";
    String infoName = "";
    try {
      Session session = new Session(plugin, spec.name(), callDeadline, checks);
      Answer<PluginInfo> info =
          Answer.of(
              () ->
                  session
                      .withDeadline(InfoGrpc.newBlockingStub(plugin.channel()))
                      .getInfo(GetInfoRequest.getDefaultInstance()));
      Set<Kind> declared = EnumSet.noneOf(Kind.class);
      if (info.ok()) {
        version = info.response().getVersion().isBlank() ? "unknown" : info.response().getVersion();
        infoName = info.response().getName();
        declared = checkInfo(session, info.response(), requested);
      } else {
        session.fail(
            INFO, "answered " + info.describe() + "; every plugin serves ramp.plugin.v1.Info");
      }
      Set<Kind> toCheck = requested.isEmpty() ? declared : requested;
      String config = sampleConfig == null ? "{}" : sampleConfig.toString();
      for (Kind kind : EnumSet.allOf(Kind.class)) {
        if (toCheck.contains(kind)) {
          switch (kind) {
            case STEP -> new StepConformance(session, sampleConfig).run();
            case TRAFFIC_ROUTER -> new RouterConformance(session, config).run();
            case METRIC_PROVIDER -> new MetricConformance(session, config).run();
          }
        }
      }
      if (toCheck.isEmpty()) {
        session.skip("kind checks", "no kinds declared in Info or asked for");
      }
      if (!session.exitedSoon() && session.healthy()) {
        session.pass(STILL_HEALTHY, "");
      } else {
        session.fail(STILL_HEALTHY, session.afterwards());
      }
    } finally {
      checks.add(stop(plugin));
    }
    return new ConformanceReport(spec.name(), infoName, version, checks);
  }

  private static Set<Kind> checkInfo(Session session, PluginInfo info, Set<Kind> requested) {
    Set<Kind> declared = EnumSet.noneOf(Kind.class);
    List<String> problems = new ArrayList<>();
    for (PluginKind kind : info.getKindsList()) {
      switch (kind) {
        case PLUGIN_KIND_STEP -> declared.add(Kind.STEP);
        case PLUGIN_KIND_TRAFFIC_ROUTER -> declared.add(Kind.TRAFFIC_ROUTER);
        case PLUGIN_KIND_METRIC_PROVIDER -> declared.add(Kind.METRIC_PROVIDER);
        default -> problems.add("kind " + kind + " is not a plugin kind");
      }
    }
    if (info.getName().isBlank()) {
      problems.add("name is empty");
    }
    if (info.getVersion().isBlank()) {
      problems.add("version is empty");
    }
    if (info.getContractVersion() != 1) {
      problems.add("contract_version is " + info.getContractVersion() + ", must be 1");
    }
    if (declared.isEmpty()) {
      problems.add("kinds is empty; list the kinds the plugin serves");
    }
    if (!declared.containsAll(requested)) {
      problems.add("declares kinds " + declared + " but the test asked for " + requested);
    }
    String seen =
        "name "
            + info.getName()
            + ", version "
            + info.getVersion()
            + ", kinds "
            + declared
            + ", contract "
            + info.getContractVersion();
    if (problems.isEmpty()) {
      session.pass(INFO, seen);
    } else {
      session.fail(INFO, String.join("; ", problems) + " (" + seen + ")");
    }
    return declared;
  }

  /** Stops the plugin as the controller does and says whether it left on its stdin closing. */
  private static Check stop(PluginProcess plugin) {
    if (!plugin.isAlive()) {
      plugin.close();
      return new Check(
          STOP,
          Outcome.FAILED,
          "the plugin had already exited during the checks, with code " + plugin.onExit().join());
    }
    plugin.close();
    int code = plugin.onExit().join();
    // A process ended by a signal reports 128 + the signal: SIGTERM 143, SIGKILL 137.
    if (code == 143 || code == 137) {
      return new Check(
          STOP,
          Outcome.FAILED,
          "did not exit in time after its stdin closed and was ended with "
              + (code == 143 ? "SIGTERM" : "SIGKILL")
              + "; exit when stdin reaches end of file");
    }
    return new Check(STOP, Outcome.PASSED, "exited with code " + code + " when stdin closed");
  }
}
