package dev.ramp.engine.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.TrafficRouting;
import dev.ramp.plugin.v1.CallContext;
import dev.ramp.plugin.v1.HeaderMatch;
import dev.ramp.plugin.v1.RouteMatch;
import dev.ramp.plugin.v1.StringMatch;
import dev.ramp.plugin.v1.WeightDestination;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Conversions between the plain Java value types and the contract's messages. */
final class ProtoMapping {

  private ProtoMapping() {}

  static CallContext context(PluginContext c, String pluginName, String operation) {
    return CallContext.newBuilder()
        .setRolloutUid(nz(c.rolloutUid()))
        .setNamespace(nz(c.namespace()))
        .setRolloutName(nz(c.rolloutName()))
        .setPodTemplateHash(nz(c.podTemplateHash()))
        .setStepIndex(c.stepIndex())
        .setStepHash(nz(c.stepHash()))
        .setOperation(operation)
        .setAttempt(Math.max(c.attempt(), 1))
        .setIdempotencyKey(nz(c.idempotencyKey()))
        .setPluginName(pluginName)
        .setAnalysisRunName(nz(c.analysis().analysisRunName()))
        .setAnalysisRunUid(nz(c.analysis().analysisRunUid()))
        .setMetricName(nz(c.analysis().metricName()))
        .setMeasurementIndex(Math.max(c.analysis().measurementIndex(), 0))
        .build();
  }

  /** JSON text of a node; an absent config is "{}" as the contract says. */
  static String config(JsonNode node) {
    String text = Json.write(node);
    return text.isEmpty() ? "{}" : text;
  }

  static String json(JsonNode node) {
    return Json.write(node);
  }

  static List<WeightDestination> destinations(List<TrafficRouting.WeightDestination> in) {
    return in == null
        ? List.of()
        : in.stream()
            .map(
                d ->
                    WeightDestination.newBuilder()
                        .setServiceName(nz(d.serviceName()))
                        .setPodTemplateHash(nz(d.podTemplateHash()))
                        .setWeight(d.weight())
                        .build())
            .toList();
  }

  static StringMatch match(TrafficRouting.StringMatch m) {
    StringMatch.Builder b = StringMatch.newBuilder();
    return switch (m.type()) {
      case EXACT -> b.setExact(m.value()).build();
      case PREFIX -> b.setPrefix(m.value()).build();
      case REGEX -> b.setRegex(m.value()).build();
    };
  }

  static List<HeaderMatch> headerMatches(List<TrafficRouting.HeaderMatch> in) {
    return in.stream()
        .map(
            h -> {
              HeaderMatch.Builder b = HeaderMatch.newBuilder().setHeaderName(nz(h.headerName()));
              if (h.headerValue() != null) {
                b.setHeaderValue(match(h.headerValue()));
              }
              return b.build();
            })
        .toList();
  }

  static List<RouteMatch> routeMatches(List<TrafficRouting.RouteMatch> in) {
    return in.stream()
        .map(
            r -> {
              RouteMatch.Builder b = RouteMatch.newBuilder();
              if (r.method() != null) {
                b.setMethod(match(r.method()));
              }
              if (r.path() != null) {
                b.setPath(match(r.path()));
              }
              for (Map.Entry<String, TrafficRouting.StringMatch> e : r.headers().entrySet()) {
                b.putHeaders(e.getKey(), match(e.getValue()));
              }
              return b.build();
            })
        .toList();
  }

  static com.google.protobuf.Timestamp timestamp(Instant i) {
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(i.getEpochSecond())
        .setNanos(i.getNano())
        .build();
  }

  /** Null for an unset timestamp (the proto default of zero). */
  static Instant instant(boolean present, com.google.protobuf.Timestamp t) {
    return present ? Instant.ofEpochSecond(t.getSeconds(), t.getNanos()) : null;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
