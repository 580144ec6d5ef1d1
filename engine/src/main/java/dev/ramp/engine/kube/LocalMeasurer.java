package dev.ramp.engine.kube;

import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.plugin.MetricProviderClient;
import dev.ramp.engine.provider.MetricArgs;
import dev.ramp.engine.provider.MetricProviders;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The providers of an AnalysisRun measured outside a cluster ({@code ramp analysis run}): the
 * built-in {@code web} and {@code prometheus}, and metric-provider plugins through a {@link
 * MetricProviderClient}, measured exactly as the AnalysisRun controller measures them (the same
 * {@link RunMeasurer} and plugin calls, with the same context and idempotency keys). Jobs are not
 * measured: there is no cluster to run them in, and a {@code job} metric is an Error measurement
 * saying so (a caller should refuse such a template before it starts).
 *
 * <p>The run is held in memory only, so a plugin's answer is recorded as soon as it is given: the
 * call keys are released to {@link MetricProviderClient#recorded} after every call, where the
 * controller waits for its status write.
 */
public final class LocalMeasurer implements Measurer {

  /** The message of a {@code job} metric's measurement. */
  public static final String NO_JOBS =
      "a job metric runs a Kubernetes Job, which needs a cluster; create an AnalysisRun there";

  private final AnalysisRun run;
  private final MetricArgs args;
  private final MetricProviders builtIn;
  private final MetricProviderClient pluginClient;
  private final PluginMeasurements plugins;
  private final Clock clock;

  /**
   * @param run the run as plugins see it (its metadata names it in every call's context; a unique
   *     uid keeps the idempotency keys of two local runs apart)
   * @param args the run's args, resolved
   * @param clock when a plugin's RUNNING answer without {@code resume_at} is resumed is reckoned on
   *     it
   */
  public LocalMeasurer(
      AnalysisRun run,
      MetricArgs args,
      MetricProviders builtIn,
      MetricProviderClient plugins,
      Clock clock) {
    this.run = run;
    this.args = args;
    this.builtIn = builtIn;
    this.pluginClient = plugins;
    this.plugins = new PluginMeasurements(plugins);
    this.clock = clock;
  }

  @Override
  public Measured measure(Call call) {
    return isJob(call) ? Measured.failed(NO_JOBS) : recorded(now().measure(call));
  }

  @Override
  public Measured resume(Call call, InFlight inFlight) {
    return isJob(call) ? Measured.failed(NO_JOBS) : recorded(now().resume(call, inFlight));
  }

  @Override
  public Measured terminate(Call call, InFlight inFlight) {
    return isJob(call)
        ? Measurer.super.terminate(call, inFlight)
        : recorded(now().terminate(call, inFlight));
  }

  @Override
  public Optional<String> garbageCollect(Call call, int limit) {
    return isJob(call) ? Optional.empty() : now().garbageCollect(call, limit);
  }

  @Override
  public Map<String, String> metadata(Call call) {
    return now().metadata(call);
  }

  private RunMeasurer now() {
    return new RunMeasurer(clock.instant(), run, args, builtIn, null, plugins);
  }

  private static boolean isJob(Call call) {
    return RunMeasurer.type(call).equals("job");
  }

  /** Nothing else will hold the answer: it is recorded once given. */
  private <T> T recorded(T answer) {
    pluginClient.recorded(plugins.calls());
    return answer;
  }
}
