package dev.ramp.engine.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents a real API server serves ({@code /api}, {@code /apis}, each group
 * version's resource list, {@code /version}), so that kubectl can talk to the embedded server. The
 * mock server stores any resource; these documents only tell clients which ones exist.
 */
final class Discovery {

  /** A resource as discovery lists it. */
  record Resource(
      String plural, String singular, String kind, boolean namespaced, List<String> shortNames) {}

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** group/version ("v1" for core) to its resources. */
  static final Map<String, List<Resource>> RESOURCES = new LinkedHashMap<>();

  static {
    RESOURCES.put(
        "v1",
        List.of(
            new Resource("namespaces", "namespace", "Namespace", false, List.of("ns")),
            new Resource("pods", "pod", "Pod", true, List.of("po")),
            new Resource("services", "service", "Service", true, List.of("svc")),
            new Resource("configmaps", "configmap", "ConfigMap", true, List.of("cm")),
            new Resource("secrets", "secret", "Secret", true, List.of()),
            new Resource("events", "event", "Event", true, List.of("ev"))));
    RESOURCES.put(
        "apps/v1",
        List.of(
            new Resource("replicasets", "replicaset", "ReplicaSet", true, List.of("rs")),
            new Resource("deployments", "deployment", "Deployment", true, List.of("deploy"))));
    RESOURCES.put(
        "coordination.k8s.io/v1",
        List.of(new Resource("leases", "lease", "Lease", true, List.of())));
    RESOURCES.put(
        "ramp.dev/v1alpha1",
        List.of(
            new Resource("rollouts", "rollout", "Rollout", true, List.of("ro")),
            new Resource(
                "analysistemplates", "analysistemplate", "AnalysisTemplate", true, List.of()),
            new Resource(
                "clusteranalysistemplates",
                "clusteranalysistemplate",
                "ClusterAnalysisTemplate",
                false,
                List.of()),
            new Resource("analysisruns", "analysisrun", "AnalysisRun", true, List.of())));
    // Served when their stand-in CRDs are registered (see GatewayApi), as in a rehearsal.
    RESOURCES.put(
        GatewayApi.API_VERSION,
        GatewayApi.KINDS.stream()
            .map(k -> new Resource(k.plural(), k.singular(), k.kind(), k.namespaced(), List.of()))
            .toList());
  }

  /** The resources with a status subresource that discovery lists (kubectl reads them). */
  private static final java.util.Set<String> WITH_STATUS =
      java.util.Set.of("rollouts", "replicasets", "httproutes", "grpcroutes");

  private Discovery() {}

  /** Path to JSON body, for every discovery path. */
  static Map<String, String> documents() {
    Map<String, String> docs = new LinkedHashMap<>();
    ObjectNode versions = JSON.createObjectNode().put("kind", "APIVersions");
    versions.putArray("versions").add("v1");
    versions.putArray("serverAddressByClientCIDRs");
    docs.put("/api", versions.toString());

    ObjectNode groups = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groupList = groups.putArray("groups");
    for (Map.Entry<String, List<Resource>> entry : RESOURCES.entrySet()) {
      String groupVersion = entry.getKey();
      docs.put(
          groupVersion.equals("v1") ? "/api/v1" : "/apis/" + groupVersion,
          resourceList(groupVersion, entry.getValue()));
      if (groupVersion.equals("v1")) {
        continue;
      }
      String group = groupVersion.substring(0, groupVersion.indexOf('/'));
      String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
      ObjectNode preferred =
          JSON.createObjectNode().put("groupVersion", groupVersion).put("version", version);
      ObjectNode groupNode = groupList.addObject().put("name", group);
      groupNode.putArray("versions").add(preferred);
      groupNode.set("preferredVersion", preferred);
      ObjectNode single = groupNode.deepCopy().put("kind", "APIGroup").put("apiVersion", "v1");
      docs.put("/apis/" + group, single.toString());
    }
    docs.put("/apis", groups.toString());
    docs.put(
        "/version",
        JSON.createObjectNode()
            .put("major", "1")
            .put("minor", "33")
            .put("gitVersion", "v1.33.0-ramp-embedded")
            .put("platform", "linux/amd64")
            .toString());
    return docs;
  }

  private static String resourceList(String groupVersion, List<Resource> resources) {
    ObjectNode list =
        JSON.createObjectNode()
            .put("kind", "APIResourceList")
            .put("apiVersion", "v1")
            .put("groupVersion", groupVersion);
    ArrayNode array = list.putArray("resources");
    for (Resource r : resources) {
      ObjectNode node =
          array
              .addObject()
              .put("name", r.plural())
              .put("singularName", r.singular())
              .put("namespaced", r.namespaced())
              .put("kind", r.kind());
      ArrayNode verbs = node.putArray("verbs");
      VERBS.forEach(verbs::add);
      ArrayNode shortNames = node.putArray("shortNames");
      r.shortNames().forEach(shortNames::add);
      if (WITH_STATUS.contains(r.plural())) {
        array
            .addObject()
            .put("name", r.plural() + "/status")
            .put("singularName", "")
            .put("namespaced", r.namespaced())
            .put("kind", r.kind())
            .putArray("verbs")
            .add("get")
            .add("patch")
            .add("update");
      }
    }
    return list.toString();
  }
}
