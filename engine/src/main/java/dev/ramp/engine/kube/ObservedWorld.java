package dev.ramp.engine.kube;

import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.rollout.Observed;
import dev.ramp.engine.rollout.RolloutReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What one reconcile of a Rollout observes, from the informer caches: the ReplicaSets it controls,
 * the Services it names that exist, its pods (listed only while a restart is pending), the
 * AnalysisRuns it controls with a lookup of the analysis templates ({@link AnalysisInformers}), and
 * the time on the controller's clock. The indexes keep this proportional to one Rollout.
 */
final class ObservedWorld {
  static final String OWNER_INDEX = "controller-uid";
  static final String SERVICE_INDEX = "services";

  private final KubernetesClient client;
  private final Clock clock;
  private final SharedIndexInformer<ReplicaSet> replicaSets;
  private final Function<String, Service> cachedServices;
  private final AnalysisInformers analysis;

  /**
   * @param cachedServices the Service informer's cache, by namespace/name
   */
  ObservedWorld(
      KubernetesClient client,
      Clock clock,
      SharedIndexInformer<ReplicaSet> replicaSets,
      Function<String, Service> cachedServices,
      AnalysisInformers analysis) {
    this.client = client;
    this.clock = clock;
    this.replicaSets = replicaSets;
    this.cachedServices = cachedServices;
    this.analysis = analysis;
  }

  /** The ReplicaSets the Rollout controls, as read. */
  private List<ReplicaSet> owned(Rollout rollout) {
    String ns = rollout.getMetadata().getNamespace();
    return replicaSets.getIndexer().byIndex(OWNER_INDEX, rollout.getMetadata().getUid()).stream()
        .filter(rs -> ns.equals(rs.getMetadata().getNamespace()))
        .filter(rs -> ownedBy(rs, rollout))
        .toList();
  }

  Observed observe(Rollout rollout) {
    String ns = rollout.getMetadata().getNamespace();
    List<ReplicaSet> owned = owned(rollout);
    // Only the Services the Rollout names matter (the spec check asks whether they exist).
    Set<String> serviceNames = new TreeSet<>();
    for (String serviceKey : servicesOf(rollout)) {
      String name = serviceKey.substring(ns.length() + 1);
      if (exists(ns, name, serviceKey)) {
        serviceNames.add(name);
      }
    }
    List<Observed.ReplicaSet> observed = owned.stream().map(ObservedWorld::observe).toList();
    List<Observed.Pod> pods =
        RolloutReconciler.restartPending(rollout) ? pods(ns, owned) : List.of();
    var runs = new Observed.Analysis(analysis.runsOf(rollout), analysis.lookup(ns));
    return new Observed(rollout, observed, pods, serviceNames, clock.instant(), runs)
        .withRoleMetadata(RoleMetadataWriter.recorded(owned));
  }

  /**
   * The Service is in the cache, or, missing there, on the server. Each informer has its own watch,
   * so a Service created just before its Rollout (one `kubectl apply`, a rehearsal's apply order)
   * can reach the Rollout informer's reconcile before the Service informer's cache: a miss is
   * confirmed by a read before the spec check calls the Service missing (InvalidSpec, Degraded).
   */
  private boolean exists(String ns, String name, String key) {
    return cachedServices.apply(key) != null
        || client.services().inNamespace(ns).withName(name).get() != null;
  }

  /** The Service keys (namespace/name) a Rollout names, for the Service index. */
  static List<String> servicesOf(Rollout r) {
    var strategy = r.getSpec() == null ? null : r.getSpec().strategy;
    var c = strategy == null ? null : strategy.canary;
    String ns = r.getMetadata().getNamespace();
    List<String> keys = new ArrayList<>(2);
    if (strategy != null && strategy.blueGreen != null) {
      if (strategy.blueGreen.activeService != null) {
        keys.add(ns + "/" + strategy.blueGreen.activeService);
      }
      if (strategy.blueGreen.previewService != null) {
        keys.add(ns + "/" + strategy.blueGreen.previewService);
      }
    }
    if (c == null) {
      return keys;
    }
    if (c.canaryService != null) {
      keys.add(ns + "/" + c.canaryService);
    }
    if (c.stableService != null) {
      keys.add(ns + "/" + c.stableService);
    }
    return keys;
  }

  /** The uid of the object's controller (a ReplicaSet's, an AnalysisRun's), for the owner index. */
  static List<String> controllerUid(HasMetadata o) {
    return o.getMetadata().getOwnerReferences().stream()
        .filter(ref -> Boolean.TRUE.equals(ref.getController()))
        .map(OwnerReference::getUid)
        .filter(Objects::nonNull)
        .toList();
  }

  /** Whether the Rollout is the object's controller. */
  static boolean ownedBy(HasMetadata o, Rollout r) {
    return o.getMetadata().getOwnerReferences().stream()
        .anyMatch(
            ref ->
                Objects.equals(ref.getUid(), r.getMetadata().getUid())
                    && Boolean.TRUE.equals(ref.getController()));
  }

  private static Observed.ReplicaSet observe(ReplicaSet rs) {
    var status = rs.getStatus();
    Map<String, String> labels = rs.getMetadata().getLabels();
    Map<String, String> annotations = rs.getMetadata().getAnnotations();
    int revision = 0;
    if (annotations != null && annotations.get(RolloutLabels.REVISION) != null) {
      try {
        revision = Integer.parseInt(annotations.get(RolloutLabels.REVISION));
      } catch (NumberFormatException e) {
        revision = 0;
      }
    }
    return new Observed.ReplicaSet(
        rs.getMetadata().getName(),
        labels == null ? null : labels.get(RolloutLabels.POD_TEMPLATE_HASH),
        nz(rs.getSpec().getReplicas()),
        status == null ? 0 : nz(status.getReplicas()),
        status == null ? 0 : nz(status.getReadyReplicas()),
        status == null ? 0 : nz(status.getAvailableReplicas()),
        revision,
        deadline(annotations));
  }

  /** The scale-down deadline annotated on a ReplicaSet; one that does not parse counts as due. */
  private static java.time.Instant deadline(Map<String, String> annotations) {
    String value = annotations == null ? null : annotations.get(RolloutLabels.SCALE_DOWN_DEADLINE);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return java.time.Instant.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      return java.time.Instant.EPOCH;
    }
  }

  /** The pods of the Rollout's ReplicaSets: read only while a restart is pending. */
  private List<Observed.Pod> pods(String ns, List<ReplicaSet> owned) {
    Map<String, String> hashByUid = new HashMap<>();
    owned.forEach(
        rs ->
            hashByUid.put(
                rs.getMetadata().getUid(),
                rs.getMetadata().getLabels().get(RolloutLabels.POD_TEMPLATE_HASH)));
    List<Observed.Pod> out = new ArrayList<>();
    for (var pod :
        client
            .pods()
            .inNamespace(ns)
            .withLabel(RolloutLabels.POD_TEMPLATE_HASH)
            .list()
            .getItems()) {
      String hash =
          pod.getMetadata().getOwnerReferences().stream()
              .map(ref -> hashByUid.get(ref.getUid()))
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
      if (hash == null || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      boolean ready =
          pod.getStatus() != null
              && pod.getStatus().getConditions() != null
              && pod.getStatus().getConditions().stream()
                  .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      out.add(
          new Observed.Pod(
              pod.getMetadata().getName(),
              hash,
              Instant.parse(pod.getMetadata().getCreationTimestamp()),
              ready));
    }
    return out;
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }
}
