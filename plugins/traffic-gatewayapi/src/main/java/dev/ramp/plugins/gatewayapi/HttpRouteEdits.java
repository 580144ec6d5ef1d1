package dev.ramp.plugins.gatewayapi;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.TrafficRouting.HeaderMatch;
import dev.ramp.plugin.api.TrafficRouting.MirrorRoute;
import dev.ramp.plugin.api.TrafficRouting.RouteMatch;
import dev.ramp.plugin.api.TrafficRouting.StringMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The edits of an {@link HTTPRoute}: weights, header rules and mirror rules. */
final class HttpRouteEdits extends RouteEdits<HTTPRoute, HTTPRouteRule, HTTPBackendRef> {

  static final HttpRouteEdits INSTANCE = new HttpRouteEdits();

  /** The methods Gateway API's HTTPRouteMatch takes. */
  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private HttpRouteEdits() {}

  @Override
  RouteKind kind() {
    return RouteKind.HTTP;
  }

  @Override
  List<HTTPRouteRule> rules(HTTPRoute route) {
    if (route.getSpec() == null) {
      route.setSpec(new HTTPRouteSpec());
    }
    if (route.getSpec().getRules() == null) {
      route.getSpec().setRules(new ArrayList<>());
    }
    return route.getSpec().getRules();
  }

  @Override
  String name(HTTPRouteRule rule) {
    return rule.getName();
  }

  @Override
  void setName(HTTPRouteRule rule, String name) {
    rule.setName(name);
  }

  @Override
  List<HTTPBackendRef> backendRefs(HTTPRouteRule rule) {
    if (rule.getBackendRefs() == null) {
      rule.setBackendRefs(new ArrayList<>());
    }
    return rule.getBackendRefs();
  }

  @Override
  void setBackendRefs(HTTPRouteRule rule, List<HTTPBackendRef> refs) {
    rule.setBackendRefs(new ArrayList<>(refs));
  }

  @Override
  Backend backend(HTTPBackendRef ref) {
    return new Backend(
        ref.getGroup(), ref.getKind(), ref.getName(), ref.getNamespace(), ref.getPort());
  }

  @Override
  Integer weight(HTTPBackendRef ref) {
    return ref.getWeight();
  }

  @Override
  void setWeight(HTTPBackendRef ref, Integer weight) {
    ref.setWeight(weight);
  }

  @Override
  List<RouteParentStatus> parents(HTTPRoute route) {
    return route.getStatus() == null || route.getStatus().getParents() == null
        ? List.of()
        : route.getStatus().getParents();
  }

  @Override
  HTTPRouteRule withoutRouting(HTTPRouteRule rule) {
    HTTPRouteRule shape = copy(rule);
    shape.setName(null);
    shape.setMatches(new ArrayList<>());
    shape.setBackendRefs(new ArrayList<>());
    return shape;
  }

  @Override
  HTTPRouteRule headerRule(
      String name,
      HTTPRouteRule shape,
      List<HTTPRouteRule> sources,
      HTTPBackendRef canary,
      List<HeaderMatch> headers) {
    List<HTTPHeaderMatch> added = new ArrayList<>();
    for (int i = 0; i < headers.size(); i++) {
      added.add(headerMatch("setHeaderRoute.match[" + i + "]", headers.get(i)));
    }
    List<HTTPRouteMatch> matches = new ArrayList<>();
    for (HTTPRouteRule source : sources) {
      List<HTTPRouteMatch> own =
          source.getMatches() == null || source.getMatches().isEmpty()
              ? List.of(new HTTPRouteMatch())
              : source.getMatches();
      for (HTTPRouteMatch match : own) {
        HTTPRouteMatch combined = copy(match);
        List<HTTPHeaderMatch> all =
            new ArrayList<>(combined.getHeaders() == null ? List.of() : combined.getHeaders());
        added.forEach(h -> all.add(copy(h)));
        combined.setHeaders(all);
        if (!matches.contains(combined)) {
          matches.add(combined);
        }
      }
    }
    HTTPRouteRule rule = copy(shape);
    rule.setName(name);
    rule.setMatches(matches);
    rule.setBackendRefs(new ArrayList<>(List.of(canary)));
    return rule;
  }

  /**
   * Adds (or replaces) the rule named after the mirror route: it routes as the source rules do (the
   * same backendRefs, weights and filters) and mirrors {@code percentage} percent of the requests
   * to the canary with a {@code RequestMirror} filter; its matches are the mirror route's. With no
   * matches, removes that rule.
   */
  HTTPRoute setMirrorRoute(
      HTTPRoute route, Services services, MirrorRoute mirror, List<String> managed) {
    HTTPRoute out = copy(route);
    rules(out).removeIf(rule -> mirror.name().equals(rule.getName()));
    if (mirror.match().isEmpty()) {
      return out;
    }
    if (mirror.percentage() < 0 || mirror.percentage() > 100) {
      throw new InvalidConfigException(
          "setMirrorRoute.percentage", mirror.percentage() + " is outside 0..100");
    }
    List<HTTPRouteMatch> matches = new ArrayList<>();
    for (int i = 0; i < mirror.match().size(); i++) {
      HTTPRouteMatch match = match("setMirrorRoute.match[" + i + "]", mirror.match().get(i));
      if (!matches.contains(match)) {
        matches.add(match);
      }
    }
    List<HTTPRouteRule> sources = sources(out, services, managed);
    commonShape(out, sources, true, "a mirror route");
    HTTPBackendRef canary = canaryRef(out, sources, services);
    HTTPRouteRule rule = copy(sources.get(0));
    rule.setName(mirror.name());
    rule.setMatches(matches);
    HTTPRequestMirrorFilter filter = new HTTPRequestMirrorFilter();
    filter.setBackendRef(
        new BackendObjectReference(
            canary.getGroup(),
            canary.getKind(),
            canary.getName(),
            canary.getNamespace(),
            canary.getPort()));
    filter.setPercent(mirror.percentage());
    HTTPRouteFilter mirrorFilter = new HTTPRouteFilter();
    mirrorFilter.setType("RequestMirror");
    mirrorFilter.setRequestMirror(filter);
    List<HTTPRouteFilter> filters =
        new ArrayList<>(rule.getFilters() == null ? List.of() : rule.getFilters());
    filters.add(mirrorFilter);
    rule.setFilters(filters);
    insert(out, rule, mirror.name(), services, managed);
    return out;
  }

  /**
   * Whether the stored route's mirror rule still says the percentage it was written with. An API
   * server with Gateway API CRDs older than v1.2 prunes {@code requestMirror.percent} (the field is
   * unknown to it), leaving a filter that mirrors every request. 100 % needs no field.
   */
  boolean keepsMirrorPercent(HTTPRoute stored, MirrorRoute mirror) {
    if (mirror.percentage() == 100) {
      return true;
    }
    for (HTTPRouteRule rule : rules(copy(stored))) {
      if (mirror.name().equals(rule.getName()) && rule.getFilters() != null) {
        for (HTTPRouteFilter filter : rule.getFilters()) {
          if (filter.getRequestMirror() != null
              && Integer.valueOf(mirror.percentage())
                  .equals(filter.getRequestMirror().getPercent())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** A header match: Exact, or RegularExpression for a prefix (anchored, quoted) or a regex. */
  static HTTPHeaderMatch headerMatch(String field, HeaderMatch header) {
    TypedValue value = TypedValue.header(field, header.headerName(), header.headerValue());
    return new HTTPHeaderMatch(header.headerName(), value.type(), value.value());
  }

  /**
   * A mirror route's match: the method exactly, the path as Exact, PathPrefix or RegularExpression,
   * the headers as {@link #headerMatch}. Gateway API's PathPrefix matches whole path segments: a
   * prefix {@code /api} matches {@code /api} and {@code /api/orders}, not {@code /apis}.
   */
  static HTTPRouteMatch match(String field, RouteMatch match) {
    HTTPRouteMatch out = new HTTPRouteMatch();
    StringMatch method = match.method();
    if (method != null) {
      if (method.type() != dev.ramp.plugin.api.TrafficRouting.MatchType.EXACT) {
        throw new InvalidConfigException(
            field + ".method",
            "Gateway API matches a method exactly; "
                + method.type().name().toLowerCase(java.util.Locale.ROOT)
                + " '"
                + method.value()
                + "' cannot be expressed, use exact");
      }
      if (!METHODS.contains(method.value())) {
        throw new InvalidConfigException(
            field + ".method",
            "'" + method.value() + "' is not one of Gateway API's methods " + sorted(METHODS));
      }
      out.setMethod(method.value());
    }
    StringMatch path = match.path();
    if (path != null) {
      String type =
          switch (path.type()) {
            case EXACT -> "Exact";
            case PREFIX -> "PathPrefix";
            case REGEX -> "RegularExpression";
          };
      if (path.type() != dev.ramp.plugin.api.TrafficRouting.MatchType.REGEX
          && !path.value().startsWith("/")) {
        throw new InvalidConfigException(
            field + ".path", "'" + path.value() + "' must start with '/'");
      }
      out.setPath(new HTTPPathMatch(type, path.value()));
    }
    List<HTTPHeaderMatch> headers = new ArrayList<>();
    for (Map.Entry<String, StringMatch> header : new TreeMap<>(match.headers()).entrySet()) {
      headers.add(
          headerMatch(
              field + ".headers." + header.getKey(),
              new HeaderMatch(header.getKey(), header.getValue())));
    }
    out.setHeaders(headers);
    return out;
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
