package dev.ramp.plugins.gatewayapi;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.PluginException;
import dev.ramp.plugin.api.RouterCall;
import dev.ramp.plugin.api.TrafficRouterPlugin;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.MirrorRoute;
import dev.ramp.plugin.api.TrafficRouting.WeightCheck;
import dev.ramp.plugin.api.TrafficRouting.WeightDestination;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * A traffic router over Gateway API routes (HTTPRoute, GRPCRoute), found by name or label selector
 * in the plugin's config. It does what it answers:
 *
 * <ul>
 *   <li>{@code setWeight}: the canary's and stable's backendRef weights, out of {@code
 *       maxTrafficWeight}, in every rule of every route that holds both;
 *   <li>{@code setHeaderRoute}, {@code setMirrorRoute}: a rule named after the managed route, in
 *       the routes that take managed routes; {@code removeManagedRoutes} removes the rules so
 *       named;
 *   <li>{@code verifyWeight}: VERIFIED only once the routes hold the weights and every parent's
 *       {@code Accepted} condition is True for the route's current generation; NOT_IMPLEMENTED only
 *       when no route has any {@code status.parents} (the Gateway implementation writes none);
 *   <li>{@code updateHash}: nothing, by design: the routes name the canary and stable Services,
 *       whose selectors Ramp's controller points at the pod template hashes.
 * </ul>
 *
 * Rules, backendRefs and filters it does not manage are never touched. Each route is written with
 * the resourceVersion it was read at, and read again on a conflict. The plugin keeps nothing
 * between calls but its Kubernetes client.
 */
@Extension
public final class GatewayApiRouter implements TrafficRouterPlugin {

  private static final System.Logger LOG = System.getLogger(GatewayApiRouter.class.getName());

  // Gateway API's SectionName, which a rule's name is.
  private static final Pattern RULE_NAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private final KubernetesAccess access;
  private final RouteUpdater routes;

  /** The plugin as the runner loads it: Kubernetes access from {@code $KUBECONFIG} only. */
  public GatewayApiRouter() {
    this(new KubernetesAccess(System.getenv()));
  }

  GatewayApiRouter(KubernetesAccess access) {
    this(access, new KubernetesRouteStore(access::client));
  }

  GatewayApiRouter(KubernetesAccess access, RouteStore store) {
    this.access = access;
    this.routes = new RouteUpdater(store);
  }

  @Override
  public void init() {
    if (!access.configured()) {
      LOG.log(Level.WARNING, KubernetesAccess.NO_ACCESS + "; every call will fail until then");
    }
  }

  /**
   * Nothing to do: the routes send traffic to the canary and stable Services, and Ramp's controller
   * points those Services' selectors at the new pod template hashes. The call still checks the
   * config and the access, so that a broken setup shows at the first call.
   */
  @Override
  public void updateHash(
      RouterCall call, String canaryHash, String stableHash, List<WeightDestination> additional) {
    request(call);
  }

  @Override
  public void setWeight(RouterCall call, DesiredWeight weight) {
    Request request = request(call);
    RouteEdits.checkWeights(weight);
    for (Target target : targets(request)) {
      setWeight(edits(target), target, request, weight);
    }
  }

  private <R extends HasMetadata> void setWeight(
      RouteEdits<R, ?, ?> edits, Target target, Request request, DesiredWeight weight) {
    routes.edit(
        edits,
        target,
        request.namespace(),
        route -> edits.setWeight(route, request.services(), weight));
  }

  @Override
  public void setHeaderRoute(RouterCall call, HeaderRoute header) {
    Request request = request(call);
    checkManaged("setHeaderRoute", header.name(), call.managedRoutes(), !header.match().isEmpty());
    List<Target> targets = managedRouteTargets(request, "header", !header.match().isEmpty());
    for (Target target : targets) {
      setHeaderRoute(edits(target), target, request, header, call.managedRoutes());
    }
  }

  private <R extends HasMetadata> void setHeaderRoute(
      RouteEdits<R, ?, ?> edits,
      Target target,
      Request request,
      HeaderRoute header,
      List<String> managed) {
    routes.edit(
        edits,
        target,
        request.namespace(),
        route ->
            edits.setHeaderRoute(
                route, request.services(), header.name(), header.match(), managed));
  }

  @Override
  public void setMirrorRoute(RouterCall call, MirrorRoute mirror) {
    Request request = request(call);
    checkManaged("setMirrorRoute", mirror.name(), call.managedRoutes(), !mirror.match().isEmpty());
    boolean adding = !mirror.match().isEmpty();
    List<Target> targets = managedRouteTargets(request, "mirror", adding);
    for (Target target : targets) {
      if (adding && target.kind() != RouteKind.HTTP) {
        throw new InvalidConfigException(
            target.field(),
            "GRPCRoute '"
                + target.name()
                + "' takes managed routes (useHeaderRoutes), but mirror routes go into HTTPRoutes"
                + " only: a mirror route matches methods and paths the HTTP way, which a"
                + " GRPCRoute cannot express; set useHeaderRoutes: false on it for mirror steps");
      }
    }
    HttpRouteEdits edits = HttpRouteEdits.INSTANCE;
    for (Target target : targets) {
      if (target.kind() != RouteKind.HTTP) {
        continue; // removing: a GRPCRoute never gets a mirror rule
      }
      HTTPRoute stored =
          routes.edit(
              edits,
              target,
              request.namespace(),
              (HTTPRoute route) ->
                  edits.setMirrorRoute(route, request.services(), mirror, call.managedRoutes()));
      if (adding && !edits.keepsMirrorPercent(stored, mirror)) {
        // The API server dropped requestMirror.percent: its Gateway API CRDs predate v1.2, and
        // the rule would mirror every request. Take it out again rather than mirror more.
        routes.edit(
            edits,
            target,
            request.namespace(),
            (HTTPRoute route) -> edits.removeRules(route, List.of(mirror.name())));
        throw new PluginException(
            PluginException.Reason.FAILED_PRECONDITION,
            edits.describe(stored)
                + ": the API server dropped requestMirror.percent from the mirror rule '"
                + mirror.name()
                + "' (its Gateway API CRDs are older than v1.2), so it would mirror every request,"
                + " not "
                + mirror.percentage()
                + " %; the rule was removed again. Install Gateway API v1.2 or later, or mirror"
                + " 100 %");
      }
    }
  }

  @Override
  public WeightCheck verifyWeight(RouterCall call, DesiredWeight weight) {
    Request request = request(call);
    RouteEdits.checkWeights(weight);
    Verification verification = new Verification();
    for (Target target : targets(request)) {
      verify(edits(target), target, request, weight, verification);
    }
    return verification.result();
  }

  private <R extends HasMetadata> void verify(
      RouteEdits<R, ?, ?> edits,
      Target target,
      Request request,
      DesiredWeight weight,
      Verification verification) {
    R route = routes.read(edits, target, request.namespace());
    String name = edits.describe(route);
    verification.weights.addAll(edits.weightDifferences(route, request.services(), weight));
    if (edits.parents(route).isEmpty()) {
      verification.withoutParents.add(name);
      return;
    }
    verification.withParents.add(name + " at generation " + route.getMetadata().getGeneration());
    verification.lagging.addAll(
        Acceptance.lagging(
            name,
            route.getMetadata().getNamespace(),
            route.getMetadata().getGeneration(),
            edits.parents(route)));
  }

  /** What verifyWeight found across the routes. */
  private static final class Verification {
    final List<String> weights = new ArrayList<>();
    final List<String> withParents = new ArrayList<>();
    final List<String> withoutParents = new ArrayList<>();
    final List<String> lagging = new ArrayList<>();

    WeightCheck result() {
      if (!weights.isEmpty()) {
        return WeightCheck.notVerified(String.join("; ", weights));
      }
      if (withParents.isEmpty()) {
        return WeightCheck.notImplemented(
            String.join(", ", withoutParents)
                + (withoutParents.size() == 1 ? " has" : " have")
                + " no status.parents: the Gateway implementation reports nothing there, so"
                + " whether it routes the weights cannot be told");
      }
      List<String> problems = new ArrayList<>(lagging);
      for (String route : withoutParents) {
        problems.add(route + " has no status.parents yet");
      }
      if (!problems.isEmpty()) {
        return WeightCheck.notVerified(String.join("; ", problems));
      }
      return new WeightCheck(
          dev.ramp.plugin.api.TrafficRouting.Verification.VERIFIED,
          "accepted by every parent: " + String.join(", ", withParents));
    }
  }

  @Override
  public void removeManagedRoutes(RouterCall call) {
    Request request = request(call);
    if (call.managedRoutes().isEmpty()) {
      return;
    }
    for (Target target : targets(request)) {
      if (target.useHeaderRoutes()) {
        removeRules(edits(target), target, request, call.managedRoutes());
      }
    }
  }

  private <R extends HasMetadata> void removeRules(
      RouteEdits<R, ?, ?> edits, Target target, Request request, List<String> names) {
    routes.edit(edits, target, request.namespace(), route -> edits.removeRules(route, names));
  }

  // ---- the call's setting

  /** A call's checked setting: the config, the Services, the namespace. */
  private record Request(GatewayApiConfig config, Services services) {
    String namespace() {
      return config.namespace();
    }
  }

  private Request request(RouterCall call) {
    access.require();
    String namespace = call.context() == null ? null : call.context().namespace();
    if ((namespace == null || namespace.isBlank()) && call.rollout() != null) {
      namespace = call.rollout().path("metadata").path("namespace").asText(null);
    }
    GatewayApiConfig config = GatewayApiConfig.parse(call.config(), namespace);
    return new Request(config, Services.of(call.rollout()));
  }

  /** The routes of the config and of its selectors, each once, in the config's order. */
  private List<Target> targets(Request request) {
    Map<String, Target> targets = new LinkedHashMap<>();
    for (GatewayApiConfig.NamedRoute route : request.config().routes()) {
      add(targets, new Target(route.kind(), route.name(), route.useHeaderRoutes(), route.field()));
    }
    for (GatewayApiConfig.RouteSelector selector : request.config().selectors()) {
      List<? extends HasMetadata> found =
          routes.list(
              selector.kind(), selector.kind().type(), request.namespace(), selector.selector());
      if (found.isEmpty()) {
        throw new InvalidConfigException(
            selector.field(),
            "matches no "
                + selector.kind().kind()
                + " in namespace '"
                + request.namespace()
                + "'; label the routes or fix the selector");
      }
      found.stream()
          .map(r -> r.getMetadata().getName())
          .sorted()
          .forEach(
              name ->
                  add(
                      targets,
                      new Target(
                          selector.kind(), name, selector.useHeaderRoutes(), selector.field())));
    }
    return List.copyOf(targets.values());
  }

  private static void add(Map<String, Target> targets, Target target) {
    String key = target.kind() + "/" + target.name();
    Target known = targets.get(key);
    if (known == null) {
      targets.put(key, target);
    } else if (target.useHeaderRoutes() && !known.useHeaderRoutes()) {
      targets.put(key, new Target(known.kind(), known.name(), true, known.field()));
    }
  }

  private List<Target> managedRouteTargets(Request request, String what, boolean adding) {
    List<Target> targets = targets(request).stream().filter(Target::useHeaderRoutes).toList();
    if (targets.isEmpty() && adding) {
      throw new InvalidConfigException(
          "useHeaderRoutes",
          "no configured route takes "
              + what
              + " routes: set useHeaderRoutes: true on an httpRoutes entry (httpRoute and grpcRoute"
              + " take them always)");
    }
    return targets;
  }

  private static void checkManaged(String call, String name, List<String> managed, boolean adding) {
    if (name == null || name.isBlank()) {
      throw new InvalidConfigException(call + ".name", "is required");
    }
    if (!managed.contains(name)) {
      throw RouteEdits.notManaged(call, name, managed);
    }
    if (adding && (name.length() > 253 || !RULE_NAME.matcher(name).matches())) {
      throw new InvalidConfigException(
          call + ".name",
          "'"
              + name
              + "' cannot name a Gateway API rule: use lower-case letters, digits, '-' and '.'"
              + " (an RFC 1123 subdomain)");
    }
  }

  private static RouteEdits<?, ?, ?> edits(Target target) {
    return switch (target.kind()) {
      case HTTP -> HttpRouteEdits.INSTANCE;
      case GRPC -> GrpcRouteEdits.INSTANCE;
    };
  }
}
