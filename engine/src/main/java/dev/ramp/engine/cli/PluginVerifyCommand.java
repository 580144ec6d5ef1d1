package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.testkit.ConformanceReport;
import dev.ramp.plugin.sdk.testkit.PluginTestKit;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "verify",
    description = {
      "Start a plugin exactly as the controller would and check it against the plugin contract.",
      "Prints a report naming the plugin by its Info name: the required checks (✓ passed,"
          + " ✗ failed, ? not verified: a step that answered ERROR, which the contract allows but"
          + " which shows nothing working; – skipped), then the recommendations (a plugin that"
          + " takes no config may accept any). Exit code 0 when no required check failed, 1"
          + " otherwise."
    })
final class PluginVerifyCommand implements Callable<Integer> {

  /** The kinds as written on the command line and in ramp-config. */
  enum Kind {
    step(PluginTestKit.Kind.STEP),
    trafficRouter(PluginTestKit.Kind.TRAFFIC_ROUTER),
    metricProvider(PluginTestKit.Kind.METRIC_PROVIDER);

    final PluginTestKit.Kind testKitKind;

    Kind(PluginTestKit.Kind testKitKind) {
      this.testKitKind = testKitKind;
    }
  }

  @Parameters(index = "0", paramLabel = "LOCATION", description = "file://, https:// or a path.")
  String location;

  @Option(
      names = "--kind",
      description = "Kind to check (${COMPLETION-CANDIDATES}); default: what the plugin declares.")
  Kind kind;

  @Option(names = "--config", description = "A valid config for the plugin's calls, JSON.")
  String config;

  @Option(
      names = "--name",
      defaultValue = "local/plugin",
      description =
          "The name the plugin is configured under, as in ramp-config (RAMP_PLUGIN_NAME; default"
              + " ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--sha256", description = "Expected sha256 of the plugin file.")
  String sha256;

  @Option(names = "--env", description = "Environment for the plugin, KEY=VALUE.")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(
      names = "--start-timeout",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description =
          "How long the plugin may take to print its handshake and answer health checks, as"
              + " startTimeout in ramp-config (default ${DEFAULT-VALUE}).")
  Duration startTimeout;

  @Option(
      names = "--deadline",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Deadline of each call.")
  Duration deadline;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    JsonNode sample = PluginSupport.parseJson("--config", config);
    if (sample != null && !sample.isObject()) {
      throw new CliException("--config must be a JSON object, was " + sample);
    }
    LaunchSpec launch = PluginSupport.spec(name, location, sha256, List.of(), env, startTimeout);
    PrintWriter err = spec.commandLine().getErr();
    PluginTestKit kit = new PluginTestKit(new PluginLauncher(err::println), deadline);
    Set<PluginTestKit.Kind> kinds = kind == null ? Set.of() : EnumSet.of(kind.testKitKind);
    ConformanceReport report = kit.verify(launch, kinds, sample);
    PrintWriter out = spec.commandLine().getOut();
    out.print(report.render());
    out.flush();
    return report.passed() ? 0 : 1;
  }
}
