package dev.ramp.plugin.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.MetricCall;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.PluginException;
import dev.ramp.plugin.api.RouterCall;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import dev.ramp.plugin.api.StepResult;
import dev.ramp.plugin.api.TrafficRouting;
import dev.ramp.plugin.v1.CallContext;
import dev.ramp.plugin.v1.HeaderMatch;
import dev.ramp.plugin.v1.MeasurementPhase;
import dev.ramp.plugin.v1.MetricRequest;
import dev.ramp.plugin.v1.RouteMatch;
import dev.ramp.plugin.v1.RouterRequest;
import dev.ramp.plugin.v1.StepRequest;
import dev.ramp.plugin.v1.StringMatch;
import dev.ramp.plugin.v1.WeightDestination;
import dev.ramp.plugin.v1.WeightVerification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between the generated protobuf messages and the Java plugin API's types. */
final class Conversions {

  /** The largest step state the controller stores, in bytes of UTF-8 JSON. */
  static final int MAX_STATE_BYTES = 64 * 1024;

  private Conversions() {}

  static PluginContext context(CallContext c) {
    return new PluginContext(
        c.getRolloutUid(),
        c.getNamespace(),
        c.getRolloutName(),
        c.getPodTemplateHash(),
        c.getStepIndex(),
        c.getStepHash(),
        c.getOperation(),
        c.getAttempt(),
        c.getIdempotencyKey(),
        c.getPluginName(),
        new PluginContext.Analysis(
            c.getAnalysisRunName(),
            c.getAnalysisRunUid(),
            c.getMetricName(),
            c.getMeasurementIndex()));
  }

  // ---- step

  static StepCall stepCall(StepRequest r) {
    return new StepCall(
        context(r.getContext()),
        parse("rollout_json", r.getRolloutJson(), PluginException.Reason.INVALID_CONFIG),
        config(r.getConfigJson()),
        parse("state_json", r.getStateJson(), PluginException.Reason.FAILED_PRECONDITION));
  }

  static dev.ramp.plugin.v1.StepResult stepResult(String method, StepResult result) {
    if (result == null) {
      throw new PluginException(
          PluginException.Reason.INTERNAL, method + " returned null instead of a StepResult");
    }
    Duration requeue = result.requeueAfter();
    if (requeue.isNegative()) {
      throw new PluginException(
          PluginException.Reason.INTERNAL,
          method
              + " returned a negative requeueAfter ("
              + requeue
              + "); use Duration.ZERO"
              + " for the controller's default");
    }
    String state = Json.write(result.state());
    int bytes = state.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_STATE_BYTES) {
      throw new PluginException(
          PluginException.Reason.INTERNAL,
          method
              + " returned a state of "
              + bytes
              + " bytes of JSON, over the limit of "
              + MAX_STATE_BYTES
              + " bytes (64 KiB); keep large data outside the state and"
              + " store a reference to it");
    }
    return dev.ramp.plugin.v1.StepResult.newBuilder()
        .setPhase(stepPhase(result.phase()))
        .setMessage(result.message())
        .setRequeueAfter(duration(requeue))
        .setStateJson(state)
        .build();
  }

  static dev.ramp.plugin.v1.StepPhase stepPhase(StepPhase phase) {
    return switch (phase) {
      case RUNNING -> dev.ramp.plugin.v1.StepPhase.STEP_PHASE_RUNNING;
      case SUCCESSFUL -> dev.ramp.plugin.v1.StepPhase.STEP_PHASE_SUCCESSFUL;
      case FAILED -> dev.ramp.plugin.v1.StepPhase.STEP_PHASE_FAILED;
      case ERROR -> dev.ramp.plugin.v1.StepPhase.STEP_PHASE_ERROR;
    };
  }

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  // ---- traffic router

  static RouterCall routerCall(RouterRequest r) {
    return new RouterCall(
        context(r.getContext()),
        parse("rollout_json", r.getRolloutJson(), PluginException.Reason.INVALID_CONFIG),
        config(r.getConfigJson()),
        r.getManagedRoutesList());
  }

  static TrafficRouting.DesiredWeight desiredWeight(
      int weight, int maxWeight, List<WeightDestination> additional) {
    // 0: a host from before max_weight, whose weights were percentages.
    return new TrafficRouting.DesiredWeight(
        weight, maxWeight <= 0 ? 100 : maxWeight, destinations(additional));
  }

  static List<TrafficRouting.WeightDestination> destinations(List<WeightDestination> list) {
    return list.stream()
        .map(
            d ->
                new TrafficRouting.WeightDestination(
                    d.getServiceName(), d.getPodTemplateHash(), d.getWeight()))
        .toList();
  }

  static TrafficRouting.HeaderRoute headerRoute(String name, List<HeaderMatch> matches) {
    return new TrafficRouting.HeaderRoute(
        name,
        matches.stream()
            .map(
                m ->
                    new TrafficRouting.HeaderMatch(
                        m.getHeaderName(),
                        stringMatch("header " + m.getHeaderName(), m.getHeaderValue())))
            .toList());
  }

  static TrafficRouting.MirrorRoute mirrorRoute(
      String name, int percentage, List<RouteMatch> matches) {
    return new TrafficRouting.MirrorRoute(
        name, percentage, matches.stream().map(Conversions::routeMatch).toList());
  }

  private static TrafficRouting.RouteMatch routeMatch(RouteMatch m) {
    Map<String, TrafficRouting.StringMatch> headers = new LinkedHashMap<>();
    m.getHeadersMap()
        .forEach(
            (header, match) -> {
              TrafficRouting.StringMatch value = stringMatch("header " + header, match);
              if (value == null) {
                throw new PluginException(
                    PluginException.Reason.INVALID_CONFIG,
                    "mirror route header " + header + " has no exact, prefix or regex value");
              }
              headers.put(header, value);
            });
    return new TrafficRouting.RouteMatch(
        stringMatch("method", m.getMethod()), stringMatch("path", m.getPath()), headers);
  }

  /** A match, or null when the oneof is unset (meaning: match anything). */
  static TrafficRouting.StringMatch stringMatch(String what, StringMatch m) {
    return switch (m.getKindCase()) {
      case EXACT -> new TrafficRouting.StringMatch(TrafficRouting.MatchType.EXACT, m.getExact());
      case PREFIX -> new TrafficRouting.StringMatch(TrafficRouting.MatchType.PREFIX, m.getPrefix());
      case REGEX -> new TrafficRouting.StringMatch(TrafficRouting.MatchType.REGEX, m.getRegex());
      case KIND_NOT_SET -> null;
    };
  }

  static WeightVerification verification(TrafficRouting.Verification v) {
    if (v == null) {
      return WeightVerification.WEIGHT_VERIFICATION_NOT_IMPLEMENTED;
    }
    return switch (v) {
      case VERIFIED -> WeightVerification.WEIGHT_VERIFICATION_VERIFIED;
      case NOT_VERIFIED -> WeightVerification.WEIGHT_VERIFICATION_NOT_VERIFIED;
      case NOT_IMPLEMENTED -> WeightVerification.WEIGHT_VERIFICATION_NOT_IMPLEMENTED;
    };
  }

  // ---- metric provider

  static MetricCall metricCall(MetricRequest r) {
    return new MetricCall(
        context(r.getContext()),
        parse("analysis_run_json", r.getAnalysisRunJson(), PluginException.Reason.INVALID_CONFIG),
        parse("metric_json", r.getMetricJson(), PluginException.Reason.INVALID_CONFIG),
        config(r.getConfigJson()));
  }

  static Measurement measurement(dev.ramp.plugin.v1.Measurement m) {
    return new Measurement(
        measurementPhase(m.getPhase()),
        m.getValue(),
        m.getMetadataMap(),
        m.hasStartedAt() ? instant(m.getStartedAt()) : null,
        m.hasFinishedAt() ? instant(m.getFinishedAt()) : null,
        m.hasResumeAt() ? instant(m.getResumeAt()) : null,
        m.getMessage());
  }

  static dev.ramp.plugin.v1.Measurement measurement(String method, Measurement m) {
    if (m == null) {
      throw new PluginException(
          PluginException.Reason.INTERNAL, method + " returned null instead of a Measurement");
    }
    dev.ramp.plugin.v1.Measurement.Builder b =
        dev.ramp.plugin.v1.Measurement.newBuilder()
            .setPhase(measurementPhase(m.phase()))
            .setValue(m.value())
            .putAllMetadata(m.metadata())
            .setMessage(m.message());
    if (m.startedAt() != null) {
      b.setStartedAt(timestamp(m.startedAt()));
    }
    if (m.finishedAt() != null) {
      b.setFinishedAt(timestamp(m.finishedAt()));
    }
    if (m.resumeAt() != null) {
      b.setResumeAt(timestamp(m.resumeAt()));
    }
    return b.build();
  }

  /** The zero value, and any value this SDK does not know, reads as ERROR. */
  static Measurement.Phase measurementPhase(MeasurementPhase p) {
    return switch (p) {
      case MEASUREMENT_PHASE_RUNNING -> Measurement.Phase.RUNNING;
      case MEASUREMENT_PHASE_SUCCESSFUL -> Measurement.Phase.SUCCESSFUL;
      case MEASUREMENT_PHASE_FAILED -> Measurement.Phase.FAILED;
      case MEASUREMENT_PHASE_INCONCLUSIVE -> Measurement.Phase.INCONCLUSIVE;
      case MEASUREMENT_PHASE_ERROR, MEASUREMENT_PHASE_UNSPECIFIED, UNRECOGNIZED ->
          Measurement.Phase.ERROR;
    };
  }

  static MeasurementPhase measurementPhase(Measurement.Phase p) {
    return switch (p) {
      case RUNNING -> MeasurementPhase.MEASUREMENT_PHASE_RUNNING;
      case SUCCESSFUL -> MeasurementPhase.MEASUREMENT_PHASE_SUCCESSFUL;
      case FAILED -> MeasurementPhase.MEASUREMENT_PHASE_FAILED;
      case INCONCLUSIVE -> MeasurementPhase.MEASUREMENT_PHASE_INCONCLUSIVE;
      case ERROR -> MeasurementPhase.MEASUREMENT_PHASE_ERROR;
    };
  }

  static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  // ---- JSON

  /** The config object; empty text is an empty object, as the contract promises "{}". */
  static JsonNode config(String text) {
    if (text.isBlank()) {
      return Json.MAPPER.createObjectNode();
    }
    return parse("config_json", text, PluginException.Reason.INVALID_CONFIG);
  }

  /** Parses one JSON field of a request; empty text is a missing node. */
  static JsonNode parse(String field, String text, PluginException.Reason reasonIfBad) {
    try {
      return Json.parse(text);
    } catch (PluginException e) {
      throw new PluginException(reasonIfBad, field + " is " + e.getMessage(), e);
    }
  }
}
