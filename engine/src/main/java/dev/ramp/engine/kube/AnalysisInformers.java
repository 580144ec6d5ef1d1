package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.AnalysisTemplates;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.AnalysisTemplate;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.ClusterAnalysisTemplate;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * What the Rollout controller reads of analysis: informers on AnalysisRuns (indexed by the uid of
 * their controller), on AnalysisTemplates and, when it watches every namespace, on
 * ClusterAnalysisTemplates (both indexed by the templates they nest).
 *
 * <ul>
 *   <li>A change to a run wakes the Rollout that controls it.
 *   <li>A change to a template wakes the Rollouts that name it in an analysis step or in background
 *       analysis, directly or through templates that nest it: Rollouts are indexed by {@link
 *       #templatesNamedBy}, and the nesting is followed up through the templates' own index.
 *   <li>Runs this controller created or deleted are overlaid on the cache until it catches up
 *       ({@link OwnRuns}).
 * </ul>
 *
 * <p>A controller limited to one namespace reads no ClusterAnalysisTemplates: a Role cannot grant a
 * cluster-scoped resource ({@code config/namespaced/role.yaml}), and an informer refused by the API
 * server would never sync. Its lookups say so when such a template is named.
 */
final class AnalysisInformers {
  /** Rollouts by the templates they name; templates by the templates they nest. */
  static final String TEMPLATE_INDEX = "analysis-templates";

  private static final String ANY_NAMESPACE = "*";

  private final KubernetesClient client;
  private final String namespace;
  private final OwnRuns own = new OwnRuns();
  private SharedIndexInformer<AnalysisRun> runs;
  private SharedIndexInformer<AnalysisTemplate> templates;
  private SharedIndexInformer<ClusterAnalysisTemplate> clusterTemplates;

  /**
   * @param namespace the namespace to watch, or null for all (and ClusterAnalysisTemplates)
   */
  AnalysisInformers(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * Starts the informers and waits for their first list.
   *
   * @param runChanged the namespace/name of the Rollout whose run changed
   * @param templatesChanged the {@link #TEMPLATE_INDEX} keys whose Rollouts should look again
   */
  void start(Consumer<String> runChanged, Consumer<Set<String>> templatesChanged) {
    var allRuns = client.resources(AnalysisRun.class);
    runs =
        (namespace == null ? allRuns.inAnyNamespace() : allRuns.inNamespace(namespace))
            .runnableInformer(0);
    runs.addIndexers(Map.of(ObservedWorld.OWNER_INDEX, ObservedWorld::controllerUid));
    runs.addEventHandler(
        InformerEvents.handler(
            r -> owningRollout(r).ifPresent(runChanged),
            r -> {
              own.gone(r);
              owningRollout(r).ifPresent(runChanged);
            }));
    runs.run();
    var allTemplates = client.resources(AnalysisTemplate.class);
    templates =
        (namespace == null ? allTemplates.inAnyNamespace() : allTemplates.inNamespace(namespace))
            .runnableInformer(0);
    templates.addIndexers(Map.of(TEMPLATE_INDEX, t -> nestedIn(t.getSpec(), namespaceOf(t))));
    Consumer<AnalysisTemplate> onTemplate =
        t -> templatesChanged.accept(reaching(namespacedKey(namespaceOf(t), nameOf(t))));
    templates.addEventHandler(InformerEvents.handler(onTemplate, onTemplate));
    templates.run();
    if (namespace == null) {
      clusterTemplates = client.resources(ClusterAnalysisTemplate.class).runnableInformer(0);
      clusterTemplates.addIndexers(
          Map.of(TEMPLATE_INDEX, t -> nestedIn(t.getSpec(), ANY_NAMESPACE)));
      Consumer<ClusterAnalysisTemplate> onCluster =
          t -> templatesChanged.accept(reaching(clusterKey(nameOf(t))));
      clusterTemplates.addEventHandler(InformerEvents.handler(onCluster, onCluster));
      clusterTemplates.run();
    }
  }

  boolean hasSynced() {
    return runs.hasSynced()
        && templates.hasSynced()
        && (clusterTemplates == null || clusterTemplates.hasSynced());
  }

  void stop() {
    for (SharedIndexInformer<?> i :
        new SharedIndexInformer<?>[] {runs, templates, clusterTemplates}) {
      if (i != null) {
        i.stop();
      }
    }
  }

  /** What the PlanWriter records of its own run writes. */
  OwnRuns own() {
    return own;
  }

  /** The run as cached (namespace/name), or null. */
  AnalysisRun cached(String key) {
    return runs.getStore().getByKey(key);
  }

  /** The runs the Rollout controls, as read (and as this controller last wrote them), by name. */
  List<AnalysisRun> runsOf(Rollout rollout) {
    String ns = rollout.getMetadata().getNamespace();
    String uid = rollout.getMetadata().getUid();
    List<AnalysisRun> cached =
        runs.getIndexer().byIndex(ObservedWorld.OWNER_INDEX, uid).stream()
            .filter(r -> ns.equals(r.getMetadata().getNamespace()))
            .toList();
    return own.overlay(uid, cached);
  }

  /**
   * Finds templates in the caches: an AnalysisTemplate in {@code ns}, a ClusterAnalysisTemplate
   * when asked. Each answer is a copy.
   */
  AnalysisTemplates.Lookup lookup(String ns) {
    SharedIndexInformer<ClusterAnalysisTemplate> cluster = clusterTemplates;
    String limitedTo = namespace;
    return new AnalysisTemplates.Lookup() {
      @Override
      public Optional<AnalysisTemplateSpec> find(String name, boolean clusterScope) {
        if (clusterScope) {
          return cluster == null
              ? Optional.empty()
              : Optional.ofNullable(cluster.getStore().getByKey(name)).map(t -> spec(t.getSpec()));
        }
        return Optional.ofNullable(templates.getStore().getByKey(ns + "/" + name))
            .map(t -> spec(t.getSpec()));
      }

      @Override
      public String whyMissing() {
        return cluster != null
            ? "is not found"
            : "is not found (this controller, limited to namespace "
                + limitedTo
                + ", reads no ClusterAnalysisTemplates)";
      }
    };
  }

  private static AnalysisTemplateSpec spec(AnalysisTemplateSpec s) {
    return s == null ? new AnalysisTemplateSpec() : Json.copy(s, AnalysisTemplateSpec.class);
  }

  /**
   * The {@link #TEMPLATE_INDEX} keys of the templates a Rollout names in {@code
   * spec.strategy.canary.steps[].analysis.templates[]} and {@code
   * spec.strategy.canary.analysis.templates[]} (and blue-green's pre- and post-promotion analysis),
   * read from its JSON so that the model may type those fields or not; anything malformed is
   * skipped (the spec check reports it).
   */
  static List<String> templatesNamedBy(Rollout r) {
    if (r.getSpec() == null || r.getMetadata() == null) {
      return List.of();
    }
    String ns = r.getMetadata().getNamespace();
    JsonNode canary = Json.tree(r.getSpec()).path("strategy").path("canary");
    Set<String> keys = new TreeSet<>();
    for (JsonNode step : canary.path("steps")) {
      addRefs(step.path("analysis").path("templates"), ns, keys);
    }
    addRefs(canary.path("analysis").path("templates"), ns, keys);
    JsonNode blueGreen = Json.tree(r.getSpec()).path("strategy").path("blueGreen");
    addRefs(blueGreen.path("prePromotionAnalysis").path("templates"), ns, keys);
    addRefs(blueGreen.path("postPromotionAnalysis").path("templates"), ns, keys);
    return List.copyOf(keys);
  }

  private static void addRefs(JsonNode refs, String ns, Set<String> keys) {
    if (!refs.isArray()) {
      return;
    }
    for (JsonNode ref : refs) {
      String name = ref.path("templateName").asText("");
      if (!name.isEmpty()) {
        keys.add(
            ref.path("clusterScope").asBoolean(false) ? clusterKey(name) : namespacedKey(ns, name));
      }
    }
  }

  /** The keys of the templates a template nests; a cluster template's resolve in any namespace. */
  private static List<String> nestedIn(AnalysisTemplateSpec spec, String ns) {
    if (spec == null || spec.templates == null) {
      return List.of();
    }
    Set<String> keys = new TreeSet<>();
    for (AnalysisTemplateSpec.TemplateRef ref : spec.templates) {
      if (ref != null && ref.templateName != null && !ref.templateName.isBlank()) {
        keys.add(
            Boolean.TRUE.equals(ref.clusterScope)
                ? clusterKey(ref.templateName)
                : namespacedKey(ns, ref.templateName));
      }
    }
    return List.copyOf(keys);
  }

  /**
   * The changed template's key and the keys of every template that nests it, however deep (a cycle
   * ends where it began).
   */
  Set<String> reaching(String changed) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(changed));
    while (!todo.isEmpty()) {
      String key = todo.poll();
      if (!seen.add(key)) {
        continue;
      }
      for (String nestedAs : nestedAs(key)) {
        templates.getIndexer().byIndex(TEMPLATE_INDEX, nestedAs).stream()
            .map(t -> namespacedKey(namespaceOf(t), nameOf(t)))
            .forEach(todo::add);
        if (clusterTemplates != null) {
          clusterTemplates.getIndexer().byIndex(TEMPLATE_INDEX, nestedAs).stream()
              .map(t -> clusterKey(nameOf(t)))
              .forEach(todo::add);
        }
      }
    }
    return seen;
  }

  /** How a template is named in templates[]: by its key, and by a cluster template by name only. */
  private static List<String> nestedAs(String key) {
    String prefix = "AnalysisTemplate/";
    if (!key.startsWith(prefix)) {
      return List.of(key);
    }
    String name = key.substring(key.lastIndexOf('/') + 1);
    return List.of(key, namespacedKey(ANY_NAMESPACE, name));
  }

  static String namespacedKey(String ns, String name) {
    return "AnalysisTemplate/" + ns + "/" + name;
  }

  static String clusterKey(String name) {
    return "ClusterAnalysisTemplate/" + name;
  }

  private static String namespaceOf(HasMetadata o) {
    return o.getMetadata().getNamespace();
  }

  private static String nameOf(HasMetadata o) {
    return o.getMetadata().getName();
  }

  /** The namespace/name of the Rollout that controls the run. */
  private static Optional<String> owningRollout(AnalysisRun run) {
    for (OwnerReference ref : run.getMetadata().getOwnerReferences()) {
      if (Boolean.TRUE.equals(ref.getController())
          && "Rollout".equals(ref.getKind())
          && Rollout.API_VERSION.equals(ref.getApiVersion())) {
        return Optional.of(run.getMetadata().getNamespace() + "/" + ref.getName());
      }
    }
    return Optional.empty();
  }
}
