package dev.ramp.plugins.nginx;

import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.MirrorRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the include holds, kept in its header comment so that the router needs nothing else across
 * restarts: the generation it was written with, the Rollout it belongs to, the weight, and the
 * managed routes with the precedence order of the call that wrote it.
 *
 * @param generation one more at every write; the generation location serves it
 * @param rollout {@code namespace/name}
 * @param order the Rollout's managed routes when last written (first wins)
 */
record RouterState(
    long generation,
    String rollout,
    int weight,
    int maxWeight,
    List<String> order,
    Map<String, HeaderRoute> headerRoutes,
    Map<String, MirrorRoute> mirrorRoutes) {

  RouterState {
    order = order == null ? List.of() : List.copyOf(order);
    headerRoutes = new TreeMap<>(headerRoutes == null ? Map.of() : headerRoutes);
    mirrorRoutes = new TreeMap<>(mirrorRoutes == null ? Map.of() : mirrorRoutes);
  }

  /** No include yet: everything to stable. */
  static RouterState empty(String rollout) {
    return new RouterState(0, rollout, 0, 100, List.of(), Map.of(), Map.of());
  }

  RouterState withWeight(int weight, int maxWeight) {
    return new RouterState(
        generation, rollout, weight, maxWeight, order, headerRoutes, mirrorRoutes);
  }

  RouterState withOrder(List<String> managedRoutes) {
    return new RouterState(
        generation, rollout, weight, maxWeight, managedRoutes, headerRoutes, mirrorRoutes);
  }

  /** A header route set, or removed when it has no matches; a same-named mirror route goes. */
  RouterState withHeaderRoute(HeaderRoute route) {
    Map<String, HeaderRoute> headers = new TreeMap<>(headerRoutes);
    Map<String, MirrorRoute> mirrors = new TreeMap<>(mirrorRoutes);
    headers.remove(route.name());
    mirrors.remove(route.name());
    if (!route.match().isEmpty()) {
      headers.put(route.name(), route);
    }
    return new RouterState(generation, rollout, weight, maxWeight, order, headers, mirrors);
  }

  RouterState withMirrorRoute(MirrorRoute route) {
    Map<String, HeaderRoute> headers = new TreeMap<>(headerRoutes);
    Map<String, MirrorRoute> mirrors = new TreeMap<>(mirrorRoutes);
    headers.remove(route.name());
    mirrors.remove(route.name());
    if (!route.match().isEmpty()) {
      mirrors.put(route.name(), route);
    }
    return new RouterState(generation, rollout, weight, maxWeight, order, headers, mirrors);
  }

  RouterState withoutRoutes() {
    return new RouterState(generation, rollout, weight, maxWeight, order, Map.of(), Map.of());
  }

  RouterState nextGeneration() {
    return new RouterState(
        generation + 1, rollout, weight, maxWeight, order, headerRoutes, mirrorRoutes);
  }

  /** The routes set, in precedence: the managed routes' order, then any others by name. */
  List<String> routesInOrder() {
    List<String> names = new ArrayList<>();
    for (String name : order) {
      if (headerRoutes.containsKey(name) || mirrorRoutes.containsKey(name)) {
        names.add(name);
      }
    }
    TreeMap<String, Boolean> rest = new TreeMap<>();
    headerRoutes.keySet().forEach(n -> rest.put(n, true));
    mirrorRoutes.keySet().forEach(n -> rest.put(n, true));
    for (String name : rest.keySet()) {
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }
}
