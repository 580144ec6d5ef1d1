package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.rollout.Plan;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link Plan}'s ReplicaSets, pods, Service selectors and AnalysisRuns (the status and
 * Events have their own writers). Creating a ReplicaSet whose name is taken adopts an orphan with
 * the same hash, or bumps the collision count, which changes the hash; either way the reconcile
 * starts again. Creating an AnalysisRun whose name is taken adopts it when the Rollout controls it
 * (a controller that crashed after creating it) and otherwise fails the reconcile: a run is never
 * created under another name, so a step never has two.
 */
final class PlanWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PlanWriter.class);
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  private final KubernetesClient client;
  private final SharedIndexInformer<Service> services;
  private final StatusWriter<Rollout, RolloutStatus> status;
  private final AnalysisRunWriter runs;
  private final RoleMetadataWriter roles;

  PlanWriter(
      KubernetesClient client,
      SharedIndexInformer<Service> services,
      StatusWriter<Rollout, RolloutStatus> status,
      EventRecorder events,
      AnalysisInformers analysis) {
    this.client = client;
    this.services = services;
    this.status = status;
    this.runs = new AnalysisRunWriter(client, events, analysis);
    this.roles = new RoleMetadataWriter(client);
  }

  /**
   * Creates, terminates and deletes the Rollout's AnalysisRuns; called before the status that names
   * them is written, so a status never names a run that was not made.
   *
   * @throws IllegalStateException when a run's name is taken by one the Rollout does not control
   */
  void analysisRuns(Rollout rollout, Plan.AnalysisRunWrites w) {
    runs.write(rollout, w);
  }

  /** Writes the ReplicaSets and pods; false when the reconcile should start again. */
  boolean replicaSets(Rollout rollout, Plan.ReplicaSetWrites w) {
    String ns = rollout.getMetadata().getNamespace();
    if (w.create() != null && !create(rollout, w.create())) {
      return false;
    }
    w.scales().forEach((name, n) -> patch(rs(ns, name), "{\"spec\":{\"replicas\":" + n + "}}"));
    w.revisions()
        .forEach(
            (name, revision) ->
                patch(
                    rs(ns, name),
                    "{\"metadata\":{\"annotations\":{\""
                        + RolloutLabels.REVISION
                        + "\":\""
                        + revision
                        + "\"}}}"));
    w.deadlines()
        .forEach(
            (name, at) ->
                patch(
                    rs(ns, name),
                    "{\"metadata\":{\"annotations\":{\""
                        + RolloutLabels.SCALE_DOWN_DEADLINE
                        + "\":"
                        + (at.isEmpty() ? "null" : "\"" + at + "\"")
                        + "}}}"));
    for (String name : w.deletes()) {
      rs(ns, name).delete();
    }
    for (String name : w.podDeletes()) {
      client.pods().inNamespace(ns).withName(name).delete();
    }
    return true;
  }

  /** Points each Service at its pod-template hash; only that key of the selector is written. */
  void serviceSelectors(String ns, Map<String, String> selectors) {
    selectors.forEach(
        (name, hash) -> {
          Service svc = services.getStore().getByKey(ns + "/" + name);
          if (svc == null) {
            return;
          }
          Map<String, String> selector = svc.getSpec().getSelector();
          if (selector != null && hash.equals(selector.get(RolloutLabels.POD_TEMPLATE_HASH))) {
            return;
          }
          patch(
              client.services().inNamespace(ns).withName(name),
              "{\"spec\":{\"selector\":{\""
                  + RolloutLabels.POD_TEMPLATE_HASH
                  + "\":\""
                  + hash
                  + "\"}}}");
        });
  }

  /**
   * Moves pod metadata by role: the template, then the pods, then the record of it. A write the API
   * server refuses (RBAC, an admission webhook) does not hold the rollout up: it is returned, for a
   * Warning Event, and tried again at the next reconcile (the record still says so).
   */
  java.util.List<String> roleMetadata(String ns, java.util.List<Plan.RoleMetadataWrite> writes) {
    java.util.List<String> failures = new java.util.ArrayList<>();
    for (Plan.RoleMetadataWrite w : writes) {
      try {
        roles.write(ns, w);
      } catch (KubernetesClientException e) {
        LOG.warn("{}/{}: pod metadata by role not written: {}", ns, w.replicaSet(), e.getMessage());
        failures.add(
            "pod metadata of ReplicaSet "
                + w.replicaSet()
                + " not written ("
                + e.getCode()
                + "): "
                + firstLine(e.getMessage()));
      }
    }
    return failures;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private Resource<ReplicaSet> rs(String ns, String name) {
    return client.apps().replicaSets().inNamespace(ns).withName(name);
  }

  /** Creates the ReplicaSet; false when the reconcile should start again (adopted, collided). */
  private boolean create(Rollout rollout, Plan.NewReplicaSet n) {
    String ns = rollout.getMetadata().getNamespace();
    try {
      client.apps().replicaSets().inNamespace(ns).resource(build(rollout, n)).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    ReplicaSet existing = rs(ns, n.name()).get();
    if (existing == null) {
      throw new WorkQueue.RetryNow("ReplicaSet " + n.name() + " vanished after a conflict");
    }
    if (ObservedWorld.ownedBy(existing, rollout)) {
      return true;
    }
    boolean controlled =
        existing.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> Boolean.TRUE.equals(ref.getController()));
    Map<String, String> labels = existing.getMetadata().getLabels();
    if (!controlled
        && labels != null
        && n.hash().equals(labels.get(RolloutLabels.POD_TEMPLATE_HASH))) {
      LOG.info("{}/{}: adopting ReplicaSet {}", ns, rollout.getMetadata().getName(), n.name());
      ObjectNode patch = JsonNodeFactory.instance.objectNode();
      ObjectNode meta = patch.putObject("metadata");
      meta.put("resourceVersion", existing.getMetadata().getResourceVersion());
      meta.set(
          "ownerReferences",
          JsonNodeFactory.instance.arrayNode().add(Json.tree(ownerRef(rollout))));
      patch(rs(ns, n.name()), patch.toString());
      return false;
    }
    // Another object holds the name: bump the collision count, which changes the hash.
    RolloutStatus st =
        rollout.getStatus() == null ? new RolloutStatus() : rollout.getStatus().copy();
    st.collisionCount = st.collisionCount == null ? 1 : st.collisionCount + 1;
    LOG.info(
        "{}/{}: ReplicaSet name {} is taken; collision count {}",
        ns,
        rollout.getMetadata().getName(),
        n.name(),
        st.collisionCount);
    status.write(rollout, st);
    return false;
  }

  private static ReplicaSet build(Rollout rollout, Plan.NewReplicaSet n) {
    PodTemplateSpec template =
        Serialization.unmarshal(Json.write(n.template()), PodTemplateSpec.class);
    // The ReplicaSet's own labels are the template's, without the role's (they change with it).
    Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels());
    Map<String, String> annotations = new HashMap<>();
    if (n.role() != null && !n.role().isEmpty()) {
      n.role().labels.forEach((k, v) -> template.getMetadata().getLabels().put(k, v));
      if (template.getMetadata().getAnnotations() == null) {
        template.getMetadata().setAnnotations(new HashMap<>());
      }
      n.role().annotations.forEach((k, v) -> template.getMetadata().getAnnotations().put(k, v));
      annotations.put(RolloutLabels.ROLE_METADATA, Json.write(n.role()));
    }
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(n.name())
        .withNamespace(rollout.getMetadata().getNamespace())
        .withLabels(labels)
        .addToAnnotations(annotations)
        .addToAnnotations(RolloutLabels.REVISION, String.valueOf(n.revision()))
        .addToAnnotations(RolloutLabels.TEMPLATE, Json.canonicalString(rollout.getSpec().template))
        .withOwnerReferences(ownerRef(rollout))
        .endMetadata()
        .withNewSpec()
        .withReplicas(n.replicas())
        .withMinReadySeconds(n.minReadySeconds())
        .withNewSelector()
        .withMatchLabels(n.selector())
        .withMatchExpressions(rollout.getSpec().selector.getMatchExpressions())
        .endSelector()
        .withTemplate(template)
        .endSpec()
        .build();
  }

  static OwnerReference ownerRef(Rollout r) {
    return new OwnerReferenceBuilder()
        .withApiVersion(Rollout.API_VERSION)
        .withKind("Rollout")
        .withName(r.getMetadata().getName())
        .withUid(r.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private static void patch(Resource<?> resource, String mergePatch) {
    resource.patch(MERGE, mergePatch);
  }
}
