package dev.ramp.engine.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.PodTemplateMetadata;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.rollout.Plan;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes pod metadata by role. Order makes it safe to stop anywhere: (1) the ReplicaSet's pod
 * template, so pods made from now on carry the new role, with the record ({@link
 * RolloutLabels#ROLE_METADATA}) set to "pending" in the same patch; (2) the pods that exist, listed
 * after that; (3) the record, now the role written. A controller that stops before (3) finds
 * "pending" and writes the whole change again, whatever the role is by then; every patch is
 * idempotent. Only keys the roles name are touched (validation keeps them apart from the pod
 * template's own), so removing every role key the new role does not name is always safe.
 */
final class RoleMetadataWriter {
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  private final KubernetesClient client;

  RoleMetadataWriter(KubernetesClient client) {
    this.client = client;
  }

  void write(String ns, Plan.RoleMetadataWrite w) {
    var rs = client.apps().replicaSets().inNamespace(ns).withName(w.replicaSet());
    ObjectNode meta = patch(w.from(), w.to());
    ObjectNode template = JsonNodeFactory.instance.objectNode();
    // The record says "pending" until the pods are done: a controller that stops in between, or
    // a role that changes again meanwhile, finds no record it could trust and writes it all again.
    template
        .putObject("metadata")
        .putObject("annotations")
        .put(RolloutLabels.ROLE_METADATA, PENDING);
    template.putObject("spec").putObject("template").set("metadata", meta);
    try {
      rs.patch(MERGE, template.toString());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return; // deleted since it was read: no pods of it to relabel
      }
      throw e;
    }
    for (Pod pod : pods(ns, w.replicaSet(), w.hash())) {
      ObjectNode podPatch = JsonNodeFactory.instance.objectNode();
      podPatch.set("metadata", meta.deepCopy());
      try {
        client.pods().inNamespace(ns).resource(pod).patch(MERGE, podPatch.toString());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e; // a pod gone since the list needs no role
        }
      }
    }
    ObjectNode record = JsonNodeFactory.instance.objectNode();
    ObjectNode annotations = record.putObject("metadata").putObject("annotations");
    if (w.to().isEmpty()) {
      annotations.putNull(RolloutLabels.ROLE_METADATA);
    } else {
      annotations.put(RolloutLabels.ROLE_METADATA, Json.write(w.to()));
    }
    rs.patch(MERGE, record.toString());
  }

  /** The pods the ReplicaSet controls, by its hash label and its owner reference. */
  private List<Pod> pods(String ns, String replicaSet, String hash) {
    return client
        .pods()
        .inNamespace(ns)
        .withLabel(RolloutLabels.POD_TEMPLATE_HASH, hash)
        .list()
        .getItems()
        .stream()
        .filter(
            p ->
                p.getMetadata().getOwnerReferences().stream()
                    .anyMatch(ref -> replicaSet.equals(ref.getName())))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /**
   * The merge patch of {@code metadata}: every label and annotation of the new role set, every one
   * of the old role that the new one does not name removed.
   */
  static ObjectNode patch(PodTemplateMetadata from, PodTemplateMetadata to) {
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    part(meta, "labels", from.labels, to.labels);
    part(meta, "annotations", from.annotations, to.annotations);
    return meta;
  }

  private static void part(
      ObjectNode meta, String name, Map<String, String> from, Map<String, String> to) {
    Map<String, String> old = from == null ? Map.of() : from;
    Map<String, String> now = to == null ? Map.of() : to;
    Set<String> keys = new TreeSet<>(old.keySet());
    keys.addAll(now.keySet());
    if (keys.isEmpty()) {
      return;
    }
    ObjectNode out = meta.putObject(name);
    for (String key : keys) {
      if (now.containsKey(key)) {
        out.put(key, now.get(key));
      } else {
        out.putNull(key);
      }
    }
  }

  /** The record's value while a change is being written. */
  static final String PENDING = "pending";

  /** The metadata by role recorded on each ReplicaSet, by name; one that does not parse: none. */
  static Map<String, PodTemplateMetadata> recorded(List<ReplicaSet> owned) {
    Map<String, PodTemplateMetadata> out = new HashMap<>();
    for (ReplicaSet rs : owned) {
      Map<String, String> annotations = rs.getMetadata().getAnnotations();
      String value = annotations == null ? null : annotations.get(RolloutLabels.ROLE_METADATA);
      if (value == null || value.isBlank()) {
        continue;
      }
      if (PENDING.equals(value)) {
        out.put(rs.getMetadata().getName(), PodTemplateMetadata.pending());
        continue;
      }
      try {
        PodTemplateMetadata m = Json.MAPPER.readValue(value, PodTemplateMetadata.class);
        out.put(rs.getMetadata().getName(), Objects.requireNonNull(m));
      } catch (JsonProcessingException | NullPointerException e) {
        // Not Ramp's writing: nothing is known to be Ramp's to take off.
      }
    }
    return out;
  }
}
