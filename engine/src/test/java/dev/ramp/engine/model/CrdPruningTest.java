package dev.ramp.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads the checked-in CRD and prunes a Rollout with its schema the way a real API server does
 * (structural-schema pruning: unknown fields dropped unless x-kubernetes-preserve-unknown-fields),
 * to prove that opaque plugin config and status, the pod template and Argo fields Ramp does not
 * support all survive, so they can be used or reported.
 */
class CrdPruningTest {
  static JsonNode schema;

  @BeforeAll
  static void readCrd() throws IOException {
    JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(CrdDriftTest.CHECKED_IN.toFile());
    schema = crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
  }

  static void prune(JsonNode value, JsonNode schema) {
    if (value.isObject()) {
      ObjectNode obj = (ObjectNode) value;
      JsonNode props = schema.path("properties");
      boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      JsonNode additional = schema.get("additionalProperties");
      List<String> names = new ArrayList<>();
      obj.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (props.has(name)) {
          prune(obj.get(name), props.get(name));
        } else if (additional != null && additional.isObject()) {
          prune(obj.get(name), additional);
        } else if (!preserve) {
          obj.remove(name);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      for (Iterator<JsonNode> it = ((ArrayNode) value).elements(); it.hasNext(); ) {
        prune(it.next(), schema.get("items"));
      }
    }
  }

  @Test
  void opaqueFieldsSurviveAndUnknownOnesArePruned() throws IOException {
    ObjectNode rollout =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
                {"apiVersion": "ramp.dev/v1alpha1", "kind": "Rollout",
                 "metadata": {"name": "demo"},
                 "spec": {
                   "replicas": 3, "selector": {"matchLabels": {"app": "demo"}},
                   "template": {"metadata": {"labels": {"app": "demo"}},
                                "spec": {"containers": [{"name": "app", "image": "demo:1",
                                                         "resources": {"limits": {"cpu": "1"}}}]}},
                   "strategy": {"canary": {
                     "bogus": true,
                     "trafficRouting": {"plugins": {"acme.io/mesh": {"route": {"hosts": ["a"]}}},
                                        "istio": {"virtualService": {"name": "vs"}}},
                     "steps": [
                       {"setWeight": 20, "sideNote": "dropped"},
                       {"plugin": {"name": "ramp.dev/step-webhook",
                                   "config": {"url": "http://x", "headers": {"a": ["b"]}}}}]}}},
                 "status": {
                   "phase": "Progressing", "mystery": 1,
                   "canary": {"stepPluginStatuses": [
                     {"index": 1, "name": "ramp.dev/step-webhook", "phase": "Running",
                      "status": {"jobId": 42, "nested": {"deep": [1, 2]}}}]}}}
                """);
    prune(rollout, schema);
    JsonNode spec = rollout.path("spec");
    JsonNode canary = spec.path("strategy").path("canary");
    assertThat(
            canary
                .path("steps")
                .get(1)
                .path("plugin")
                .path("config")
                .path("headers")
                .path("a")
                .get(0)
                .asText())
        .isEqualTo("b");
    assertThat(
            rollout
                .path("status")
                .path("canary")
                .path("stepPluginStatuses")
                .get(0)
                .path("status")
                .path("nested")
                .path("deep")
                .get(1)
                .asInt())
        .isEqualTo(2);
    assertThat(
            canary
                .path("trafficRouting")
                .path("plugins")
                .path("acme.io/mesh")
                .path("route")
                .path("hosts")
                .get(0)
                .asText())
        .isEqualTo("a");
    assertThat(
            canary
                .path("trafficRouting")
                .path("istio")
                .path("virtualService")
                .path("name")
                .asText())
        .isEqualTo("vs");
    assertThat(
            spec.path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("resources")
                .path("limits")
                .path("cpu")
                .asText())
        .isEqualTo("1");
    assertThat(canary.has("bogus")).isFalse();
    assertThat(canary.path("steps").get(0).has("sideNote")).isFalse();
    assertThat(rollout.path("status").has("mystery")).isFalse();
    assertThat(rollout.path("status").path("phase").asText()).isEqualTo("Progressing");
  }

  @Test
  void crdHasStatusAndScaleSubresourcesAndPrinterColumns() throws IOException {
    JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(CrdDriftTest.CHECKED_IN.toFile());
    JsonNode version = crd.path("spec").path("versions").get(0);
    assertThat(version.path("subresources").has("status")).isTrue();
    JsonNode scale = version.path("subresources").path("scale");
    assertThat(scale.path("specReplicasPath").asText()).isEqualTo(".spec.replicas");
    assertThat(scale.path("statusReplicasPath").asText()).isEqualTo(".status.replicas");
    assertThat(scale.path("labelSelectorPath").asText()).isEqualTo(".status.selector");
    List<String> columns = new ArrayList<>();
    version.path("additionalPrinterColumns").forEach(c -> columns.add(c.path("name").asText()));
    assertThat(columns).containsExactly("Phase", "Step", "Weight", "Age");
  }
}
