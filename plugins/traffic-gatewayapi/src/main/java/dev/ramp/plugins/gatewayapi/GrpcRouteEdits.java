package dev.ramp.plugins.gatewayapi;

import dev.ramp.plugin.api.TrafficRouting.HeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The edits of a {@link GRPCRoute}: weights and header rules, with the same code as HTTPRoute's.
 * Mirror rules are HTTPRoute's only: a mirror route matches methods and paths the HTTP way, which a
 * GRPCRoute (service and method) cannot express.
 */
final class GrpcRouteEdits extends RouteEdits<GRPCRoute, GRPCRouteRule, GRPCBackendRef> {

  static final GrpcRouteEdits INSTANCE = new GrpcRouteEdits();

  private GrpcRouteEdits() {}

  @Override
  RouteKind kind() {
    return RouteKind.GRPC;
  }

  @Override
  List<GRPCRouteRule> rules(GRPCRoute route) {
    if (route.getSpec() == null) {
      route.setSpec(new GRPCRouteSpec());
    }
    if (route.getSpec().getRules() == null) {
      route.getSpec().setRules(new ArrayList<>());
    }
    return route.getSpec().getRules();
  }

  @Override
  String name(GRPCRouteRule rule) {
    return rule.getName();
  }

  @Override
  void setName(GRPCRouteRule rule, String name) {
    rule.setName(name);
  }

  @Override
  List<GRPCBackendRef> backendRefs(GRPCRouteRule rule) {
    if (rule.getBackendRefs() == null) {
      rule.setBackendRefs(new ArrayList<>());
    }
    return rule.getBackendRefs();
  }

  @Override
  void setBackendRefs(GRPCRouteRule rule, List<GRPCBackendRef> refs) {
    rule.setBackendRefs(new ArrayList<>(refs));
  }

  @Override
  Backend backend(GRPCBackendRef ref) {
    return new Backend(
        ref.getGroup(), ref.getKind(), ref.getName(), ref.getNamespace(), ref.getPort());
  }

  @Override
  Integer weight(GRPCBackendRef ref) {
    return ref.getWeight();
  }

  @Override
  void setWeight(GRPCBackendRef ref, Integer weight) {
    ref.setWeight(weight);
  }

  @Override
  List<RouteParentStatus> parents(GRPCRoute route) {
    return route.getStatus() == null || route.getStatus().getParents() == null
        ? List.of()
        : route.getStatus().getParents();
  }

  @Override
  GRPCRouteRule withoutRouting(GRPCRouteRule rule) {
    GRPCRouteRule shape = copy(rule);
    shape.setName(null);
    shape.setMatches(new ArrayList<>());
    shape.setBackendRefs(new ArrayList<>());
    return shape;
  }

  @Override
  GRPCRouteRule headerRule(
      String name,
      GRPCRouteRule shape,
      List<GRPCRouteRule> sources,
      GRPCBackendRef canary,
      List<HeaderMatch> headers) {
    List<GRPCHeaderMatch> added = new ArrayList<>();
    for (int i = 0; i < headers.size(); i++) {
      HeaderMatch header = headers.get(i);
      TypedValue value =
          TypedValue.header(
              "setHeaderRoute.match[" + i + "]", header.headerName(), header.headerValue());
      added.add(new GRPCHeaderMatch(header.headerName(), value.type(), value.value()));
    }
    List<GRPCRouteMatch> matches = new ArrayList<>();
    for (GRPCRouteRule source : sources) {
      List<GRPCRouteMatch> own =
          source.getMatches() == null || source.getMatches().isEmpty()
              ? List.of(new GRPCRouteMatch())
              : source.getMatches();
      for (GRPCRouteMatch match : own) {
        GRPCRouteMatch combined = copy(match);
        List<GRPCHeaderMatch> all =
            new ArrayList<>(combined.getHeaders() == null ? List.of() : combined.getHeaders());
        added.forEach(h -> all.add(copy(h)));
        combined.setHeaders(all);
        if (!matches.contains(combined)) {
          matches.add(combined);
        }
      }
    }
    GRPCRouteRule rule = copy(shape);
    rule.setName(name);
    rule.setMatches(matches);
    rule.setBackendRefs(new ArrayList<>(List.of(canary)));
    return rule;
  }
}
