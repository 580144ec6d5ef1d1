package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.engine.model.AntiAffinity;
import dev.ramp.engine.model.RolloutLabels;

/**
 * {@code antiAffinity}: a new ReplicaSet is created with a pod anti-affinity term against the
 * stable ReplicaSet's pods (by pod-template hash, per node), added to the template's own affinity.
 * As in Argo, the term is written once, when the ReplicaSet is made; the hash it names is the
 * stable one at that moment.
 */
final class AntiAffinityRule {
  static final String TOPOLOGY_KEY = "kubernetes.io/hostname";

  private AntiAffinityRule() {}

  static void inject(Reconcile r, ObjectNode template) {
    AntiAffinity a = spec(r);
    String stable = r.st.stableRS;
    if (a == null || stable == null || stable.equals(r.hash)) {
      return;
    }
    ObjectNode podSpec = object(template, "spec");
    ObjectNode anti = object(object(podSpec, "affinity"), "podAntiAffinity");
    ObjectNode term = term(stable, r.rollout.getMetadata().getNamespace());
    if (a.preferredDuringSchedulingIgnoredDuringExecution != null) {
      ObjectNode weighted = anti.objectNode();
      weighted.put("weight", a.preferredDuringSchedulingIgnoredDuringExecution.weight);
      weighted.set("podAffinityTerm", term);
      array(anti, "preferredDuringSchedulingIgnoredDuringExecution").add(weighted);
    } else {
      array(anti, "requiredDuringSchedulingIgnoredDuringExecution").add(term);
    }
  }

  private static AntiAffinity spec(Reconcile r) {
    var s = r.spec.strategy;
    if (s.blueGreen != null) {
      return s.blueGreen.antiAffinity;
    }
    return s.canary == null ? null : s.canary.antiAffinity;
  }

  private static ObjectNode term(String stableHash, String namespace) {
    ObjectNode term = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    ObjectNode expression =
        term.putObject("labelSelector").putArray("matchExpressions").addObject();
    expression.put("key", RolloutLabels.POD_TEMPLATE_HASH);
    expression.put("operator", "In");
    expression.putArray("values").add(stableHash);
    term.putArray("namespaces").add(namespace);
    term.put("topologyKey", TOPOLOGY_KEY);
    return term;
  }

  private static ObjectNode object(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode o ? o : parent.putObject(name);
  }

  private static ArrayNode array(ObjectNode parent, String name) {
    return parent.get(name) instanceof ArrayNode a ? a : parent.putArray(name);
  }
}
