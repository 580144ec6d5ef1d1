package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.provider.MetricArgs;
import dev.ramp.engine.provider.MetricProviders;
import dev.ramp.engine.provider.MetricResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The providers of one AnalysisRun's reconcile, by the name under a metric's {@code provider}: the
 * built-in {@code web} and {@code prometheus}, Kubernetes Jobs, and metric-provider plugins. Made
 * per reconcile, with the args as read then (Secrets included).
 */
final class RunMeasurer implements Measurer {
  private final AnalysisRun run;
  private final MetricArgs args;
  private final MetricProviders builtIn;
  private final JobMeasurements jobs;
  private final PluginMeasurements plugins;
  private final Instant now;

  /**
   * A plugin's RUNNING answer without {@code resume_at} is resumed after this: nothing else would
   * wake the run (Argo leaves it to the next resync).
   */
  static final Duration PLUGIN_RESUME = Duration.ofSeconds(10);

  RunMeasurer(
      Instant now,
      AnalysisRun run,
      MetricArgs args,
      MetricProviders builtIn,
      JobMeasurements jobs,
      PluginMeasurements plugins) {
    this.run = run;
    this.args = args;
    this.builtIn = builtIn;
    this.jobs = jobs;
    this.plugins = plugins;
    this.now = now;
  }

  @Override
  public Measured measure(Call call) {
    return switch (type(call)) {
      case "job" -> jobs.run(run, call, call.provider().get("job"), args);
      case "plugin" -> paced(plugins.run(run, call, call.provider().get("plugin"), args));
      default -> {
        MetricResult r = builtIn.measure(call.provider(), args);
        yield r.successful()
            ? Measured.of(r.value(), r.text()).withMetadata(r.metadata())
            : Measured.failed(r.message()).withMetadata(r.metadata());
      }
    };
  }

  @Override
  public Measured resume(Call call, InFlight inFlight) {
    return switch (type(call)) {
      case "job" -> jobs.resume(run, call, inFlight);
      case "plugin" -> paced(plugins.resume(run, call, inFlight, args));
      default -> Measurer.super.resume(call, inFlight);
    };
  }

  @Override
  public Measured terminate(Call call, InFlight inFlight) {
    return switch (type(call)) {
      case "job" -> jobs.terminate(run, call, inFlight);
      case "plugin" -> plugins.terminate(run, call, inFlight, args);
      default -> Measurer.super.terminate(call, inFlight);
    };
  }

  @Override
  public Optional<String> garbageCollect(Call call, int limit) {
    return switch (type(call)) {
      case "job" -> jobs.garbageCollect(run, call, limit);
      case "plugin" -> plugins.garbageCollect(run, call, limit, args);
      default -> Optional.empty();
    };
  }

  @Override
  public Map<String, String> metadata(Call call) {
    return switch (type(call)) {
      case "plugin" -> plugins.metadata(run, call, args);
      case "prometheus" -> resolvedQuery(call.provider().get("prometheus"));
      default -> Map.of();
    };
  }

  /** Argo keeps the query as it ran in the metric's metadata; Secrets' values masked. */
  private Map<String, String> resolvedQuery(JsonNode spec) {
    try {
      JsonNode query = args.render(spec.path("query"));
      return query.isTextual()
          ? Map.of("ResolvedPrometheusQuery", args.mask(query.asText()))
          : Map.of();
    } catch (IllegalArgumentException e) {
      return Map.of();
    }
  }

  private Measured paced(Measured m) {
    if (m.status() != Measured.Status.RUNNING || m.resumeAt() != null) {
      return m;
    }
    return Measured.running(now.plus(PLUGIN_RESUME), m.metadata());
  }

  /** The provider a metric names: the one field under its {@code provider}. */
  static String type(Call call) {
    var names = call.provider().fieldNames();
    return names.hasNext() ? names.next() : "";
  }
}
