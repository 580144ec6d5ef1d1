package dev.ramp.plugins.gatewayapi;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.PluginException;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderMatch;
import dev.ramp.plugin.api.TrafficRouting.WeightDestination;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The route edits of this plugin as pure functions: a route in, a new route out, the input left as
 * it was. Only what a call manages changes: the weights of the canary's and stable's backendRefs in
 * the rules that hold both (and of additional destinations' backendRefs there), and the rules named
 * after managed routes. Every other rule, backendRef, filter, match, hostname, parentRef and all
 * metadata are copied as they are.
 *
 * <p>HTTPRoute and GRPCRoute differ in their Java types only; a subclass per kind says how to reach
 * rules and backendRefs and how to build a header rule.
 *
 * @param <R> the route
 * @param <U> its rule
 * @param <B> its backendRef
 */
abstract class RouteEdits<R extends HasMetadata, U, B> {

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  abstract RouteKind kind();

  @SuppressWarnings("unchecked")
  Class<R> type() {
    return (Class<R>) kind().type();
  }

  /** The route's rules, as a mutable list of the route (creating the spec when missing). */
  abstract List<U> rules(R route);

  abstract String name(U rule);

  abstract void setName(U rule, String name);

  /** The rule's backendRefs, as a mutable list of the rule. */
  abstract List<B> backendRefs(U rule);

  abstract void setBackendRefs(U rule, List<B> refs);

  abstract Backend backend(B ref);

  abstract Integer weight(B ref);

  abstract void setWeight(B ref, Integer weight);

  /** The route's status.parents, empty when it has no status. */
  abstract List<RouteParentStatus> parents(R route);

  /**
   * A copy of the rule without name, matches and backendRefs: what a managed rule takes over from
   * the rules it copies (filters, timeouts, retries, session persistence, fields this model does
   * not know).
   */
  abstract U withoutRouting(U rule);

  /**
   * The header rule: {@code shape} named {@code name}, with a match per match of each source rule
   * (a source rule without matches counts as one empty match) to which the header matches are
   * added, and {@code canary} as its only backendRef.
   */
  abstract U headerRule(String name, U shape, List<U> sources, B canary, List<HeaderMatch> headers);

  static <T> T copy(T value) {
    return SERIALIZATION.clone(value);
  }

  /** "HTTPRoute shop/checkout". */
  String describe(R route) {
    return kind().kind()
        + " "
        + route.getMetadata().getNamespace()
        + "/"
        + route.getMetadata().getName();
  }

  // ---- weights

  /**
   * Sets the canary's weight to {@code desired.weight()}, the stable's to what is left of {@code
   * desired.maxWeight()}, and each additional destination's to its weight, in every rule that holds
   * backendRefs to both the canary and the stable Service.
   */
  R setWeight(R route, Services services, DesiredWeight desired) {
    checkWeights(desired);
    R out = copy(route);
    String namespace = out.getMetadata().getNamespace();
    List<U> rules = rules(out);
    boolean any = false;
    for (int i = 0; i < rules.size(); i++) {
      U rule = rules.get(i);
      if (!holdsBoth(rule, services, namespace)) {
        continue;
      }
      any = true;
      for (WeightDestination d : desired.additional()) {
        if (backendRefs(rule).stream()
            .noneMatch(ref -> backend(ref).isService(d.serviceName(), namespace))) {
          throw new InvalidConfigException(
              "additionalDestinations",
              describe(out)
                  + " "
                  + ruleName(rules, i)
                  + " holds the canary and the stable Service but no backendRef to the additional"
                  + " destination '"
                  + d.serviceName()
                  + "'; add one to the rule (this plugin sets weights, it does not add"
                  + " backends)");
        }
      }
      for (B ref : backendRefs(rule)) {
        Backend backend = backend(ref);
        if (backend.isService(services.canary(), namespace)) {
          setWeight(ref, desired.weight());
        } else if (backend.isService(services.stable(), namespace)) {
          setWeight(ref, desired.stableWeight());
        } else {
          for (WeightDestination d : desired.additional()) {
            if (backend.isService(d.serviceName(), namespace)) {
              setWeight(ref, d.weight());
            }
          }
        }
      }
    }
    if (!any) {
      throw noRuleHoldsBoth(out, services);
    }
    return out;
  }

  static void checkWeights(DesiredWeight desired) {
    if (desired.weight() < 0 || desired.weight() > desired.maxWeight()) {
      throw new InvalidConfigException(
          "weight",
          desired.weight() + " is outside 0.." + desired.maxWeight() + " (maxTrafficWeight)");
    }
    for (WeightDestination d : desired.additional()) {
      if (d.weight() < 0) {
        throw new InvalidConfigException(
            "additionalDestinations", d.serviceName() + " has a negative weight " + d.weight());
      }
    }
    if (desired.stableWeight() < 0) {
      throw new InvalidConfigException(
          "weight",
          "the canary's "
              + desired.weight()
              + " and the additional destinations' weights add up to more than maxTrafficWeight "
              + desired.maxWeight());
    }
  }

  /**
   * What differs between the weights the route holds and {@code desired}, one text per backendRef
   * that is off; empty when the route holds the desired weights. An unset weight is 1, as Gateway
   * API defines it.
   */
  List<String> weightDifferences(R route, Services services, DesiredWeight desired) {
    String namespace = route.getMetadata().getNamespace();
    List<U> rules = rules(copy(route));
    List<String> differences = new ArrayList<>();
    boolean any = false;
    for (int i = 0; i < rules.size(); i++) {
      U rule = rules.get(i);
      if (!holdsBoth(rule, services, namespace)) {
        continue;
      }
      any = true;
      for (B ref : backendRefs(rule)) {
        Backend backend = backend(ref);
        Integer expected = null;
        if (backend.isService(services.canary(), namespace)) {
          expected = desired.weight();
        } else if (backend.isService(services.stable(), namespace)) {
          expected = desired.stableWeight();
        } else {
          for (WeightDestination d : desired.additional()) {
            if (backend.isService(d.serviceName(), namespace)) {
              expected = d.weight();
            }
          }
        }
        int actual = weight(ref) == null ? 1 : weight(ref);
        if (expected != null && actual != expected) {
          differences.add(
              describe(route)
                  + " "
                  + ruleName(rules, i)
                  + " gives "
                  + backend.name()
                  + " weight "
                  + actual
                  + ", not "
                  + expected
                  + " (out of "
                  + desired.maxWeight()
                  + ")");
        }
      }
    }
    if (!any) {
      differences.add(noRuleHoldsBoth(route, services).getMessage());
    }
    return differences;
  }

  // ---- managed rules

  /**
   * Adds (or replaces) the rule named {@code name} that sends requests matching the source rules'
   * matches plus {@code headers} to the canary; with no headers, removes that rule.
   *
   * @param managedRoutes the Rollout's managed route names, first = highest precedence: the order
   *     of the managed rules in the route
   */
  R setHeaderRoute(
      R route, Services services, String name, List<HeaderMatch> headers, List<String> managed) {
    R out = copy(route);
    rules(out).removeIf(rule -> name.equals(name(rule)));
    if (headers.isEmpty()) {
      return out;
    }
    List<U> sources = sources(out, services, managed);
    U shape = commonShape(out, sources, false, "a header route");
    B canary = canaryRef(out, sources, services);
    insert(out, headerRule(name, shape, sources, canary, headers), name, services, managed);
    return out;
  }

  /** Removes every rule whose name is one of {@code names}; nothing else. */
  R removeRules(R route, Collection<String> names) {
    R out = copy(route);
    rules(out).removeIf(rule -> name(rule) != null && names.contains(name(rule)));
    return out;
  }

  /**
   * The rules a managed rule is made from: those holding backendRefs to both Services that are not
   * themselves managed rules.
   */
  List<U> sources(R route, Services services, List<String> managed) {
    String namespace = route.getMetadata().getNamespace();
    List<U> sources = new ArrayList<>();
    for (U rule : rules(route)) {
      if (holdsBoth(rule, services, namespace)
          && (name(rule) == null || !managed.contains(name(rule)))) {
        sources.add(rule);
      }
    }
    if (sources.isEmpty()) {
      throw noRuleHoldsBoth(route, services);
    }
    return sources;
  }

  /**
   * What the source rules share besides name, matches and (unless {@code withBackends})
   * backendRefs; one managed rule stands for all of them, so they must agree.
   */
  U commonShape(R route, List<U> sources, boolean withBackends, String what) {
    U shape = withoutRouting(sources.get(0));
    List<B> refs = refsWithoutWeights(sources.get(0));
    List<U> all = rules(route);
    for (int i = 1; i < sources.size(); i++) {
      U other = sources.get(i);
      boolean sameShape = Objects.equals(shape, withoutRouting(other));
      boolean sameRefs = !withBackends || Objects.equals(refs, refsWithoutWeights(other));
      if (!sameShape || !sameRefs) {
        throw new InvalidConfigException(
            "trafficRouting",
            describe(route)
                + ": "
                + ruleName(all, all.indexOf(sources.get(0)))
                + " and "
                + ruleName(all, all.indexOf(other))
                + " both hold the canary and the stable Service but differ in "
                + (sameShape ? "their backendRefs" : "their filters or other settings")
                + ", and one rule of "
                + what
                + " cannot stand for both; make them alike or put them in separate routes");
      }
    }
    return shape;
  }

  private List<B> refsWithoutWeights(U rule) {
    List<B> refs = new ArrayList<>();
    for (B ref : backendRefs(rule)) {
      B c = copy(ref);
      setWeight(c, null);
      refs.add(c);
    }
    return refs;
  }

  /** The canary's backendRef of the source rules, weight unset; they must agree on it. */
  B canaryRef(R route, List<U> sources, Services services) {
    String namespace = route.getMetadata().getNamespace();
    B first = null;
    for (U rule : sources) {
      for (B ref : backendRefs(rule)) {
        if (backend(ref).isService(services.canary(), namespace)) {
          B c = copy(ref);
          setWeight(c, null);
          if (first == null) {
            first = c;
          } else if (!first.equals(c)) {
            throw new InvalidConfigException(
                "trafficRouting",
                describe(route)
                    + ": the rules holding the canary and the stable Service point at the canary"
                    + " '"
                    + services.canary()
                    + "' differently (port or filters), and one managed rule cannot stand for"
                    + " them all; make them alike");
          }
        }
      }
    }
    return first;
  }

  /**
   * Puts a managed rule among the rules: after the managed rules that come before it in {@code
   * managed}, before those that come after it, and before the first source rule.
   */
  void insert(R route, U rule, String name, Services services, List<String> managed) {
    String namespace = route.getMetadata().getNamespace();
    List<U> rules = rules(route);
    int rank = managed.indexOf(name);
    int at = rules.size();
    for (int i = 0; i < rules.size(); i++) {
      U other = rules.get(i);
      int otherRank = name(other) == null ? -1 : managed.indexOf(name(other));
      if (otherRank >= 0) {
        if (otherRank > rank) {
          at = i;
          break;
        }
      } else if (holdsBoth(other, services, namespace)) {
        at = i;
        break;
      }
    }
    rules.add(at, rule);
  }

  boolean holdsBoth(U rule, Services services, String namespace) {
    boolean canary = false;
    boolean stable = false;
    for (B ref : backendRefs(rule)) {
      Backend backend = backend(ref);
      canary |= backend.isService(services.canary(), namespace);
      stable |= backend.isService(services.stable(), namespace);
    }
    return canary && stable;
  }

  InvalidConfigException noRuleHoldsBoth(R route, Services services) {
    return new InvalidConfigException(
        "trafficRouting",
        describe(route)
            + " has no rule with backendRefs to both the canary Service '"
            + services.canary()
            + "' and the stable Service '"
            + services.stable()
            + "'; add both to the rules that should carry the canary");
  }

  /** "rule 2" or "rule 2 ('api')". */
  String ruleName(List<U> rules, int index) {
    String name = index < 0 ? null : name(rules.get(index));
    return "rule " + index + (name == null ? "" : " ('" + name + "')");
  }

  static PluginException notManaged(String call, String name, List<String> managed) {
    return new InvalidConfigException(
        "trafficRouting.managedRoutes",
        call
            + " '"
            + name
            + "' is not one of the Rollout's managedRoutes "
            + managed
            + "; list it there (its position sets its precedence)");
  }
}
