package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.analysis.Measurer.Measured;
import dev.ramp.engine.analysis.Measurer.Measured.Status;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.plugin.MetricProviderClient;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginCallException;
import dev.ramp.engine.provider.MetricArgs;
import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.MetricCall;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.PluginException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code plugin} provider of AnalysisRuns ({@code provider: {plugin: {"org/name": {...}}}}, as
 * Argo writes it): each measurement of a metric goes to a metric-provider plugin through {@link
 * MetricProviderClient}, and the plugin's answer becomes a {@link Measured} as {@code
 * metric_provider.proto} says: SUCCESSFUL is a value for the metric's conditions, FAILED and
 * INCONCLUSIVE are the plugin's own verdict, ERROR is no measurement, RUNNING is resumed at the
 * plugin's {@code resume_at}.
 *
 * <p>Every call's {@link PluginContext} names the AnalysisRun, the metric and the measurement
 * index; its idempotency key is {@code <run uid>/<metric>/<measurement index>}, the same for the
 * Run, the Resumes and the Terminate of one measurement. Its attempt is 1 for Run and, for a Resume
 * or Terminate, one more than the attempt of the answer the run's status holds, which this class
 * keeps in that answer's metadata under {@value #ATTEMPT}. The attempt is so derived from the
 * status alone: a controller that crashed after the plugin answered and before its status write
 * recorded the answer finds the previous answer in the status and calls again with the same key and
 * attempt, as the contract asks; once the write recorded the answer, the next call counts one more.
 * A counter in memory would restart at a crash, and a count of anything else in the status (the
 * measurements, their times) does not move with each recorded answer.
 *
 * <p>The plugin's config has its {@code {{args.x}}} rendered; the AnalysisRun is passed as it is
 * (its spec refers to Secrets, it holds no resolved secret values). Messages and metadata have the
 * values of secret args masked (a plugin that keeps a secret in its metadata gets it back masked on
 * Resume). A RUNNING answer without {@code resume_at} is passed on with none: the controller
 * decides when to look again. No method throws for plugin trouble: it is an ERROR measurement, an
 * error of {@link #garbageCollect}, or no metadata.
 *
 * <p>The keys of the Run, Resume and Terminate calls made are kept until {@link #calls()} drains
 * them, for the controller to pass to {@link MetricProviderClient#recorded} once its status write
 * holds the answers. A drain takes every key, so one instance serves one reconcile at a time (or
 * the controller drains after all its reconciles' writes).
 */
final class PluginMeasurements {

  /**
   * Ramp's key in a plugin measurement's metadata: the attempt of the call that answered it. It is
   * taken out of the metadata handed back to the plugin on Resume and Terminate.
   */
  static final String ATTEMPT = "ramp.dev/plugin-attempt";

  private static final String RUN = "Run";
  private static final String RESUME = "Resume";
  private static final String TERMINATE = "Terminate";

  private final MetricProviderClient plugins;
  private final List<CallKey> calls = new ArrayList<>();

  PluginMeasurements(MetricProviderClient plugins) {
    this.plugins = plugins;
  }

  /** Starts a measurement: the plugin's {@code Run}, attempt 1. */
  Measured run(AnalysisRun run, Measurer.Call call, JsonNode pluginSpec, MetricArgs args) {
    Target target;
    try {
      target = Target.of(call, pluginSpec, args, plugins);
    } catch (Unusable e) {
      return Measured.failed(args.mask(e.getMessage()));
    }
    MetricCall request = target.call(run, call, RUN, 1, call.measurementIndex());
    Measurement answer = plugins.run(target.name(), request);
    remember(target.name(), RUN, request);
    return measured(answer, 1, RUN, target.name(), args);
  }

  /** Looks again at a RUNNING measurement: the plugin's {@code Resume}. */
  Measured resume(
      AnalysisRun run, Measurer.Call call, Measurer.InFlight inFlight, MetricArgs args) {
    return again(run, call, inFlight, args, RESUME);
  }

  /**
   * Stops a RUNNING measurement because the run is terminating: the plugin's {@code Terminate}. A
   * SUCCESSFUL answer without a value is the SUCCESSFUL verdict (nothing was measured, so there is
   * nothing for the conditions); with a value it is a value, as for Run.
   */
  Measured terminate(
      AnalysisRun run, Measurer.Call call, Measurer.InFlight inFlight, MetricArgs args) {
    return again(run, call, inFlight, args, TERMINATE);
  }

  /**
   * Lets the plugin drop what it keeps beyond the newest {@code limit} measurements. The call is
   * not about one measurement: measurement index 0, no idempotency key (the call is idempotent).
   *
   * @return empty on success, else what went wrong
   */
  Optional<String> garbageCollect(AnalysisRun run, Measurer.Call call, int limit, MetricArgs args) {
    try {
      Target target = Target.of(call, call.provider().path("plugin"), args, plugins);
      plugins.garbageCollect(target.name(), target.call(run, call, "GarbageCollect", 1, 0), limit);
      return Optional.empty();
    } catch (Unusable | PluginCallException e) {
      return Optional.of(args.mask(e.getMessage()));
    }
  }

  /**
   * The plugin's metadata of the metric ({@code GetMetadata}), secret values masked; empty when the
   * plugin cannot be called or answers an error.
   */
  Map<String, String> metadata(AnalysisRun run, Measurer.Call call, MetricArgs args) {
    try {
      Target target = Target.of(call, call.provider().path("plugin"), args, plugins);
      return masked(
          plugins.metadata(target.name(), target.call(run, call, "GetMetadata", 1, 0)), args);
    } catch (Unusable | PluginCallException e) {
      return Map.of();
    }
  }

  /**
   * The keys of the Run, Resume and Terminate calls made since the last drain, for {@link
   * MetricProviderClient#recorded} after the status write; forgets them.
   */
  synchronized List<CallKey> calls() {
    List<CallKey> drained = List.copyOf(calls);
    calls.clear();
    return drained;
  }

  private Measured again(
      AnalysisRun run,
      Measurer.Call call,
      Measurer.InFlight inFlight,
      MetricArgs args,
      String operation) {
    Target target;
    try {
      target = Target.of(call, call.provider().path("plugin"), args, plugins);
    } catch (Unusable e) {
      return Measured.failed(args.mask(e.getMessage()));
    }
    int attempt = attemptOf(inFlight) + 1;
    MetricCall request = target.call(run, call, operation, attempt, call.measurementIndex());
    Measurement given = inFlight(inFlight);
    Measurement answer =
        operation.equals(RESUME)
            ? plugins.resume(target.name(), request, given)
            : plugins.terminate(target.name(), request, given);
    remember(target.name(), operation, request);
    return measured(answer, attempt, operation, target.name(), args);
  }

  /**
   * The attempt of the answer the status holds. A measurement in flight without the key (written by
   * an older controller, or edited) counts as answered once, by its Run.
   */
  static int attemptOf(Measurer.InFlight inFlight) {
    String text = inFlight.metadata().get(ATTEMPT);
    if (text != null) {
      try {
        int attempt = Integer.parseInt(text.trim());
        if (attempt >= 1) {
          return attempt;
        }
      } catch (NumberFormatException e) {
        // Not ours to trust: as if the key were absent.
      }
    }
    return 1;
  }

  /** The measurement in flight as the plugin gave it, without Ramp's key. */
  private static Measurement inFlight(Measurer.InFlight inFlight) {
    Map<String, String> metadata = new LinkedHashMap<>(inFlight.metadata());
    metadata.remove(ATTEMPT);
    return new Measurement(
        Measurement.Phase.RUNNING,
        inFlight.value(),
        metadata,
        inFlight.startedAt(),
        null,
        inFlight.resumeAt(),
        "");
  }

  private synchronized void remember(String plugin, String operation, MetricCall request) {
    calls.add(
        new CallKey(
            plugin, operation, request.context().idempotencyKey(), request.context().attempt()));
  }

  /** The plugin's answer as the run's semantics see it. */
  private static Measured measured(
      Measurement m, int attempt, String operation, String plugin, MetricArgs args) {
    Map<String, String> metadata = new LinkedHashMap<>(masked(m.metadata(), args));
    metadata.put(ATTEMPT, Integer.toString(attempt));
    String message = args.mask(m.message());
    return switch (m.phase()) {
      case SUCCESSFUL ->
          operation.equals(TERMINATE) && m.value().isBlank()
              ? Measured.verdict(Status.SUCCESSFUL, "", message, metadata)
              : new Measured(Status.VALUE, value(m.value()), m.value(), message, null, metadata);
      case FAILED -> Measured.verdict(Status.FAILED, m.value(), message, metadata);
      case INCONCLUSIVE -> Measured.verdict(Status.INCONCLUSIVE, m.value(), message, metadata);
      case ERROR ->
          new Measured(
              Status.ERROR,
              null,
              "",
              message.isEmpty()
                  ? "metric-provider plugin "
                      + plugin
                      + " answered ERROR to "
                      + operation
                      + " without a message"
                  : message,
              null,
              metadata);
      case RUNNING -> new Measured(Status.RUNNING, null, "", message, m.resumeAt(), metadata);
    };
  }

  /** The value as the conditions see it: JSON when it parses, otherwise the text itself. */
  static JsonNode value(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return dev.ramp.plugin.api.Json.parse(text);
    } catch (PluginException e) {
      return TextNode.valueOf(text);
    }
  }

  private static Map<String, String> masked(Map<String, String> metadata, MetricArgs args) {
    Map<String, String> out = new LinkedHashMap<>();
    metadata.forEach((k, v) -> out.put(k, args.mask(v)));
    return out;
  }

  /** Why a metric's plugin cannot be called; its message is shown (after masking). */
  private static final class Unusable extends Exception {
    Unusable(String message) {
      super(message);
    }
  }

  /** The plugin a metric names and its config, rendered. */
  private record Target(String name, JsonNode config) {

    static Target of(
        Measurer.Call call, JsonNode pluginSpec, MetricArgs args, MetricProviderClient plugins)
        throws Unusable {
      String where = "metric " + call.metric() + ": provider.plugin";
      if (pluginSpec == null || !pluginSpec.isObject() || pluginSpec.size() != 1) {
        throw new Unusable(where + " must name exactly one plugin, got " + names(pluginSpec));
      }
      String name = pluginSpec.fieldNames().next();
      PluginAvailability availability = plugins.availability(name);
      if (!availability.isReady()) {
        String state = availability.state().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        throw new Unusable(
            "metric-provider plugin "
                + name
                + " of metric "
                + call.metric()
                + " is "
                + state
                + (availability.reason().isEmpty() ? "" : ": " + availability.reason()));
      }
      try {
        return new Target(name, args.render(pluginSpec.get(name)));
      } catch (IllegalArgumentException e) {
        throw new Unusable(where + "." + name + ": " + e.getMessage());
      }
    }

    private static String names(JsonNode spec) {
      if (spec == null || spec.isNull() || spec.isMissingNode()) {
        return "none";
      }
      if (!spec.isObject()) {
        return "a " + spec.getNodeType().name().toLowerCase(Locale.ROOT);
      }
      if (spec.isEmpty()) {
        return "none";
      }
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      return names.size() + " (" + String.join(", ", names) + ")";
    }

    /** The call about measurement {@code index} (0: not about one measurement, no key). */
    MetricCall call(AnalysisRun run, Measurer.Call call, String operation, int attempt, int index) {
      ObjectMeta meta = run.getMetadata() == null ? new ObjectMeta() : run.getMetadata();
      String runUid = text(meta.getUid());
      String key =
          index == 0
              ? ""
              : (runUid.isEmpty() ? text(meta.getNamespace()) + "/" + text(meta.getName()) : runUid)
                  + "/"
                  + call.metric()
                  + "/"
                  + index;
      OwnerReference rollout =
          meta.getOwnerReferences() == null
              ? null
              : meta.getOwnerReferences().stream()
                  .filter(o -> "Rollout".equals(o.getKind()))
                  .findFirst()
                  .orElse(null);
      Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
      PluginContext context =
          new PluginContext(
              rollout == null ? "" : text(rollout.getUid()),
              text(meta.getNamespace()),
              rollout == null ? "" : text(rollout.getName()),
              text(labels.get(RolloutLabels.POD_TEMPLATE_HASH)),
              -1,
              "",
              operation,
              attempt,
              key,
              name,
              new PluginContext.Analysis(text(meta.getName()), runUid, call.metric(), index));
      JsonNode metric =
          call.spec() == null
              ? JsonNodeFactory.instance.objectNode().put("name", call.metric())
              : call.spec();
      return new MetricCall(context, Json.tree(run), metric, config);
    }

    private static String text(String s) {
      return s == null ? "" : s;
    }
  }
}
