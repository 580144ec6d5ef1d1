package dev.ramp.engine.analysis;

import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.AnalysisMetric;
import dev.ramp.engine.model.AnalysisRunSpec;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.AnalysisTemplateSpec.DryRun;
import dev.ramp.engine.model.AnalysisTemplateSpec.MeasurementRetention;
import dev.ramp.engine.model.AnalysisTemplateSpec.TemplateRef;
import dev.ramp.engine.model.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Nested analysis templates ({@code spec.templates[]}) flattened into one spec, and the spec of an
 * AnalysisRun made from it, with Argo Rollouts' semantics ({@code FlattenTemplates}, {@code
 * MergeArgs} and {@code NewAnalysisRunFromTemplates} in {@code utils/analysis/helpers.go}):
 *
 * <ul>
 *   <li>metrics, dry-run and retention rules of all templates are concatenated; two metrics (or two
 *       rules) with the same name are an error;
 *   <li>args of the same name are merged: a declaration without a value takes another template's,
 *       two different values are an error;
 *   <li>a template reached twice (A nests B and C, both nest D) counts once;
 *   <li>args given by the caller (a Rollout's analysis step) override the templates' values, args
 *       the templates do not declare are ignored, and an arg left without value or valueFrom is an
 *       error.
 * </ul>
 *
 * <p>Where Ramp differs from Argo:
 *
 * <ul>
 *   <li>Order: Argo lists every AnalysisTemplate's metrics before every ClusterAnalysisTemplate's;
 *       Ramp keeps the order of the walk (a template, then the templates it nests, in order).
 *   <li>Cycles (A nests B nests A) are refused with a message naming the cycle; Argo recurses until
 *       it runs out of stack.
 *   <li>A missing template is reported by name with the reference that led to it, and every problem
 *       is reported, not only the first.
 *   <li>An arg declared with valueFrom only is not replaced by a later bare declaration of the same
 *       name (Argo's flattenArgs replaces it and loses the valueFrom).
 *   <li>A caller's value replaces the template's valueFrom and vice versa, so a run's arg has one
 *       source; Argo's MergeArgs can leave both set.
 * </ul>
 *
 * <p>No clock and no API: templates are found through a {@link Lookup} (an informer's cache, or the
 * files given to {@code ramp lint}). Inputs are never modified; results are copies.
 */
public final class AnalysisTemplates {

  private AnalysisTemplates() {}

  /** Finds a template by name: an AnalysisTemplate, or a ClusterAnalysisTemplate when asked. */
  @FunctionalInterface
  public interface Lookup {
    Optional<AnalysisTemplateSpec> find(String name, boolean clusterScope);

    /** The end of the sentence that reports a missing template, after its kind and name. */
    default String whyMissing() {
      return "is not found";
    }
  }

  /** A template's kind and name, as messages name it. */
  public record Ref(String name, boolean clusterScope) {
    static Ref of(TemplateRef ref) {
      return new Ref(ref.templateName, Boolean.TRUE.equals(ref.clusterScope));
    }

    @Override
    public String toString() {
      return (clusterScope ? "ClusterAnalysisTemplate " : "AnalysisTemplate ") + name;
    }
  }

  /** One reason the templates cannot be combined; {@code field} is relative to the root spec. */
  public record Problem(String field, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  /** The templates cannot be combined, or a run cannot be made from them. */
  public static final class Unresolvable extends Exception {
    private final transient List<Problem> problems;

    Unresolvable(List<Problem> problems) {
      super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }
  }

  /** Flattens a spec whose own identity does not matter (a Rollout's analysis step). */
  public static AnalysisTemplateSpec flatten(AnalysisTemplateSpec spec, Lookup lookup)
      throws Unresolvable {
    return flatten(Optional.empty(), spec, lookup);
  }

  /**
   * Flattens the template {@code self} with the templates it nests, recursively; the result has no
   * {@code templates}. Naming {@code self} lets a template that nests itself be caught as a cycle.
   */
  public static AnalysisTemplateSpec flatten(Ref self, AnalysisTemplateSpec spec, Lookup lookup)
      throws Unresolvable {
    return flatten(Optional.of(self), spec, lookup);
  }

  private static AnalysisTemplateSpec flatten(
      Optional<Ref> self, AnalysisTemplateSpec spec, Lookup lookup) throws Unresolvable {
    Walk walk = new Walk(lookup);
    self.ifPresent(walk.seen::add);
    walk.visit(self.orElse(null), spec, self.map(List::of).orElse(List.of()), "");
    if (!walk.problems.isEmpty()) {
      throw new Unresolvable(walk.problems);
    }
    List<Problem> problems = new ArrayList<>();
    AnalysisTemplateSpec flat = new AnalysisTemplateSpec();
    flat.metrics = uniqueMetrics(walk.visited, problems);
    flat.args = mergedArgs(walk.visited, problems);
    flat.dryRun =
        uniqueRules(
            collect(walk.visited, s -> s.dryRun), r -> r.metricName, "dryRun", "Dry-Run", problems);
    flat.measurementRetention =
        uniqueRules(
            collect(walk.visited, s -> s.measurementRetention),
            r -> r.metricName,
            "measurementRetention",
            "Measurement Retention",
            problems);
    if (!problems.isEmpty()) {
      throw new Unresolvable(problems);
    }
    return Json.copy(flat, AnalysisTemplateSpec.class);
  }

  /**
   * The spec of an AnalysisRun made from a flattened template: the caller's args override the
   * template's, and the caller's dry-run and retention rules come before the template's.
   */
  public static AnalysisRunSpec runSpec(
      AnalysisTemplateSpec flattened,
      List<AnalysisArgument> args,
      List<DryRun> dryRun,
      List<MeasurementRetention> measurementRetention)
      throws Unresolvable {
    List<Problem> problems = new ArrayList<>();
    AnalysisRunSpec run = new AnalysisRunSpec();
    run.metrics = flattened.metrics;
    run.args = mergeCallerArgs(args, flattened.args, problems);
    run.dryRun =
        uniqueRules(
            concat(dryRun, flattened.dryRun), r -> r.metricName, "dryRun", "Dry-Run", problems);
    run.measurementRetention =
        uniqueRules(
            concat(measurementRetention, flattened.measurementRetention),
            r -> r.metricName,
            "measurementRetention",
            "Measurement Retention",
            problems);
    if (!problems.isEmpty()) {
      throw new Unresolvable(problems);
    }
    return Json.copy(run, AnalysisRunSpec.class);
  }

  /** {@link #runSpec(AnalysisTemplateSpec, List, List, List)} without caller's rules. */
  public static AnalysisRunSpec runSpec(AnalysisTemplateSpec flattened, List<AnalysisArgument> args)
      throws Unresolvable {
    return runSpec(flattened, args, null, null);
  }

  /** A template's spec as the walk met it, with the template it came from (null: the root). */
  private record Visited(Ref from, AnalysisTemplateSpec spec) {
    String source() {
      return from == null ? "the spec" : from.toString();
    }
  }

  /** The depth-first walk over templates[]; collects specs in order and problems. */
  private static final class Walk {
    final Lookup lookup;
    final List<Visited> visited = new ArrayList<>();
    final Set<Ref> seen = new HashSet<>();
    final List<Problem> problems = new ArrayList<>();

    Walk(Lookup lookup) {
      this.lookup = lookup;
    }

    /**
     * @param path the templates from the root to this one, for cycles
     * @param field the root's templates[i] this one was reached through ("" for the root)
     */
    void visit(Ref from, AnalysisTemplateSpec spec, List<Ref> path, String field) {
      visited.add(new Visited(from, spec));
      List<TemplateRef> refs = spec.templates == null ? List.of() : spec.templates;
      for (int i = 0; i < refs.size(); i++) {
        String at = field.isEmpty() ? "templates[" + i + "]" : field;
        TemplateRef raw = refs.get(i);
        if (raw == null || raw.templateName == null || raw.templateName.isBlank()) {
          String which = field.isEmpty() ? "this reference" : "templates[" + i + "] of " + from;
          problems.add(new Problem(at, which + " has no templateName"));
          continue;
        }
        Ref ref = Ref.of(raw);
        List<Ref> next = new ArrayList<>(path);
        next.add(ref);
        if (path.contains(ref)) {
          String cycle =
              next.subList(path.indexOf(ref), next.size()).stream()
                  .map(Ref::toString)
                  .collect(Collectors.joining(" -> "));
          problems.add(new Problem(at, "templates nest in a cycle: " + cycle));
        } else if (seen.add(ref)) {
          Optional<AnalysisTemplateSpec> found = lookup.find(ref.name(), ref.clusterScope());
          if (found.isPresent()) {
            visit(ref, found.get(), next, at);
          } else {
            String via = field.isEmpty() ? "" : " (nested in " + from + ")";
            problems.add(new Problem(at, ref + via + " " + lookup.whyMissing()));
          }
        }
      }
    }
  }

  private static List<AnalysisMetric> uniqueMetrics(List<Visited> visited, List<Problem> problems) {
    Map<String, Visited> byName = new LinkedHashMap<>();
    List<AnalysisMetric> metrics = new ArrayList<>();
    for (Visited v : visited) {
      for (AnalysisMetric metric :
          v.spec().metrics == null ? List.<AnalysisMetric>of() : v.spec().metrics) {
        Visited first = byName.putIfAbsent(metric.name, v);
        if (first != null) {
          problems.add(
              new Problem(
                  "metrics",
                  "two metrics have the same name '"
                      + metric.name
                      + "' ("
                      + first.source()
                      + ", "
                      + v.source()
                      + ")"));
        }
        metrics.add(metric);
      }
    }
    return metrics.isEmpty() ? null : metrics;
  }

  /** Argo's flattenArgs: one arg per name; a value, once set, cannot change. */
  private static List<AnalysisArgument> mergedArgs(List<Visited> visited, List<Problem> problems) {
    Map<String, AnalysisArgument> byName = new LinkedHashMap<>();
    for (AnalysisArgument arg : collect(visited, s -> s.args)) {
      AnalysisArgument prev = byName.putIfAbsent(arg.name, arg);
      if (prev == null) {
        continue;
      }
      if (prev.value != null && arg.value != null && !prev.value.equals(arg.value)) {
        problems.add(
            new Problem(
                "args",
                "Argument `"
                    + arg.name
                    + "` specified multiple times with different values: '"
                    + prev.value
                    + "', '"
                    + arg.value
                    + "'"));
      } else if (prev.value == null && (arg.value != null || arg.valueFrom != null)) {
        byName.put(arg.name, arg);
      }
    }
    return byName.isEmpty() ? null : new ArrayList<>(byName.values());
  }

  /** Argo's MergeArgs and ResolveArgs: the caller's values win; every arg must end with one. */
  private static List<AnalysisArgument> mergeCallerArgs(
      List<AnalysisArgument> callers, List<AnalysisArgument> templates, List<Problem> problems) {
    if (templates == null) {
      return null;
    }
    List<AnalysisArgument> merged = new ArrayList<>();
    for (AnalysisArgument declared : templates) {
      AnalysisArgument arg = Json.copy(declared, AnalysisArgument.class);
      for (AnalysisArgument given : callers == null ? List.<AnalysisArgument>of() : callers) {
        if (!Objects.equals(given.name, arg.name)) {
          continue;
        }
        if (given.value != null) {
          arg.value = given.value;
          arg.valueFrom = null;
        } else if (given.valueFrom != null) {
          arg.value = null;
          arg.valueFrom = Json.copy(given.valueFrom, AnalysisArgument.ValueFrom.class);
        }
      }
      if (arg.value == null && arg.valueFrom == null) {
        problems.add(new Problem("args", "args." + arg.name + " was not resolved"));
      }
      merged.add(arg);
    }
    return merged;
  }

  /** Dry-run or retention rules; two for the same metric name are an error, as in Argo. */
  private static <T> List<T> uniqueRules(
      List<T> rules,
      Function<T, String> metricName,
      String field,
      String what,
      List<Problem> problems) {
    Set<String> names = new HashSet<>();
    for (T rule : rules) {
      if (!names.add(metricName.apply(rule))) {
        problems.add(
            new Problem(
                field,
                "two "
                    + what
                    + " metric rules have the same name '"
                    + metricName.apply(rule)
                    + "'"));
      }
    }
    return rules.isEmpty() ? null : rules;
  }

  private static <T> List<T> collect(
      List<Visited> visited, Function<AnalysisTemplateSpec, List<T>> field) {
    List<T> all = new ArrayList<>();
    for (Visited v : visited) {
      List<T> items = field.apply(v.spec());
      if (items != null) {
        all.addAll(items);
      }
    }
    return all;
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    List<T> all = new ArrayList<>();
    if (first != null) {
      all.addAll(first);
    }
    if (second != null) {
      all.addAll(second);
    }
    return all;
  }
}
