package dev.ramp.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
    schema = schemaOf(Rollout.class);
  }

  static JsonNode crdOf(Class<? extends HasMetadata> kind) throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(CrdDriftTest.checkedIn(kind).toFile());
  }

  static JsonNode schemaOf(Class<? extends HasMetadata> kind) throws IOException {
    return crdOf(kind).path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
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
    assertThat(columns).containsExactly("Phase", "StepIndex", "Weight", "Age");
  }

  @Test
  void providerSpecsOfEveryKindSurviveInATemplate() throws IOException {
    ObjectNode template =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
                {"apiVersion": "ramp.dev/v1alpha1", "kind": "AnalysisTemplate",
                 "metadata": {"name": "checks"},
                 "spec": {
                   "args": [{"name": "svc", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"},
                                                          "bogus": 1}}],
                   "templates": [{"templateName": "base", "clusterScope": true, "extra": 1}],
                   "metrics": [
                     {"name": "web", "interval": "1m", "count": "{{args.n}}", "failureLimit": 2,
                      "provider": {"web": {"url": "http://x", "headers": [{"key": "a", "value": "b"}],
                                           "jsonPath": "{$.ok}", "timeoutSeconds": 5}}},
                     {"name": "prom",
                      "provider": {"prometheus": {"address": "http://p", "query": "up",
                                                  "authentication": {"sigv4": {"region": "eu"}}}}},
                     {"name": "job", "provider": {"job": {
                       "metadata": {"labels": {"a": "b"}},
                       "spec": {"backoffLimit": 1, "template": {"spec": {
                         "restartPolicy": "Never",
                         "containers": [{"name": "c", "image": "busybox", "command": ["true"],
                                         "resources": {"limits": {"cpu": "1"}}}]}}}}}},
                     {"name": "plugin", "provider": {"plugin": {
                       "acme/metric": {"query": {"nested": [1, {"deep": true}]}}}}},
                     {"name": "dd", "provider": {"datadog": {"apiVersion": "v2",
                                                              "queries": {"a": "avg:x{*}"}}},
                      "sideNote": "dropped"}]}}
                """);
    prune(template, schemaOf(AnalysisTemplate.class));
    JsonNode metrics = template.path("spec").path("metrics");
    JsonNode web = metrics.get(0).path("provider").path("web");
    assertThat(web.path("headers").get(0).path("value").asText()).isEqualTo("b");
    assertThat(web.path("timeoutSeconds").asInt()).isEqualTo(5);
    assertThat(metrics.get(0).path("count").asText()).isEqualTo("{{args.n}}");
    assertThat(
            metrics.get(1).path("provider").at("/prometheus/authentication/sigv4/region").asText())
        .isEqualTo("eu");
    assertThat(
            metrics
                .get(2)
                .path("provider")
                .at("/job/spec/template/spec/containers/0/resources/limits/cpu")
                .asText())
        .isEqualTo("1");
    assertThat(metrics.get(3).path("provider").at("/plugin/acme~1metric/query/nested/1/deep"))
        .hasToString("true");
    assertThat(metrics.get(4).path("provider").at("/datadog/queries/a").asText())
        .isEqualTo("avg:x{*}");
    assertThat(metrics.get(4).has("sideNote")).isFalse();
    JsonNode spec = template.path("spec");
    assertThat(spec.at("/args/0/valueFrom/secretKeyRef/key").asText()).isEqualTo("k");
    assertThat(spec.at("/args/0/valueFrom").has("bogus")).isFalse();
    assertThat(spec.at("/templates/0/clusterScope").asBoolean()).isTrue();
    assertThat(spec.at("/templates/0").has("extra")).isFalse();
  }

  @Test
  void aRunKeepsItsProvidersAndItsStatusResults() throws IOException {
    ObjectNode run =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
                {"apiVersion": "ramp.dev/v1alpha1", "kind": "AnalysisRun",
                 "metadata": {"name": "demo-1"},
                 "spec": {"terminate": false,
                   "args": [{"name": "hash", "valueFrom": {"podTemplateHashValue": "Latest"}},
                            {"name": "app", "valueFrom": {"fieldRef": {
                              "fieldPath": "metadata.labels['app']"}}}],
                   "dryRun": [{"metricName": "dd.*"}],
                   "measurementRetention": [{"metricName": "web", "limit": 20}],
                   "metrics": [{"name": "web", "provider": {"web": {"url": "http://x"}}}]},
                 "status": {"phase": "Running", "startedAt": "2024-01-01T00:00:00Z", "odd": 1,
                   "runSummary": {"count": 1, "successful": 1},
                   "metricResults": [{"name": "web", "phase": "Running", "count": 1,
                     "successful": 1, "consecutiveError": 0, "dryRun": false, "odd": 2,
                     "metadata": {"resolvedQuery": "up"},
                     "measurements": [{"phase": "Successful", "value": "[1]",
                       "startedAt": "2024-01-01T00:00:00Z", "finishedAt": "2024-01-01T00:00:01Z",
                       "metadata": {"job-name": "demo-1-web"}, "odd": 3}]}]}}
                """);
    prune(run, schemaOf(AnalysisRun.class));
    assertThat(run.at("/spec/metrics/0/provider/web/url").asText()).isEqualTo("http://x");
    assertThat(run.at("/spec/args/0/valueFrom/podTemplateHashValue").asText()).isEqualTo("Latest");
    assertThat(run.at("/spec/args/1/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.labels['app']");
    assertThat(run.at("/spec/dryRun/0/metricName").asText()).isEqualTo("dd.*");
    assertThat(run.at("/spec/measurementRetention/0/limit").asInt()).isEqualTo(20);
    JsonNode result = run.at("/status/metricResults/0");
    assertThat(result.at("/metadata/resolvedQuery").asText()).isEqualTo("up");
    assertThat(result.at("/measurements/0/value").asText()).isEqualTo("[1]");
    assertThat(result.at("/measurements/0/metadata/job-name").asText()).isEqualTo("demo-1-web");
    assertThat(result.at("/measurements/0/finishedAt").asText()).isEqualTo("2024-01-01T00:00:01Z");
    assertThat(run.at("/status/runSummary/successful").asInt()).isEqualTo(1);
    assertThat(run.path("status").has("odd")).isFalse();
    assertThat(result.has("odd")).isFalse();
    assertThat(result.at("/measurements/0").has("odd")).isFalse();
  }

  @Test
  void analysisCrdsAreNamedAndScopedAsArgosAndOnlyTheRunHasAStatusSubresource() throws IOException {
    JsonNode run = crdOf(AnalysisRun.class);
    JsonNode runVersion = run.path("spec").path("versions").get(0);
    // The AnalysisRun controller writes status through /status, as the API server requires.
    assertThat(runVersion.path("subresources").has("status")).isTrue();
    List<String> columns = new ArrayList<>();
    runVersion.path("additionalPrinterColumns").forEach(c -> columns.add(c.path("name").asText()));
    assertThat(columns).containsExactly("Status", "Message", "Age");
    assertThat(run.at("/spec/scope").asText()).isEqualTo("Namespaced");
    assertThat(crdOf(AnalysisTemplate.class).at("/spec/scope").asText()).isEqualTo("Namespaced");
    JsonNode cluster = crdOf(ClusterAnalysisTemplate.class);
    assertThat(cluster.at("/spec/scope").asText()).isEqualTo("Cluster");
    assertThat(cluster.at("/spec/names/shortNames/0").asText()).isEqualTo("cat");
    for (Class<? extends HasMetadata> template :
        List.of(AnalysisTemplate.class, ClusterAnalysisTemplate.class)) {
      JsonNode version = crdOf(template).path("spec").path("versions").get(0);
      assertThat(version.path("subresources").isMissingNode()).isTrue();
      assertThat(version.at("/schema/openAPIV3Schema/properties").has("status")).isFalse();
    }
  }

  /**
   * The API server refuses a CRD whose schema is not structural: every field has a type unless it
   * is int-or-string or keeps unknown fields, and properties and additionalProperties exclude each
   * other.
   */
  @Test
  void everySchemaIsStructural() {
    CrdDriftTest.customResources()
        .forEach(
            kind -> {
              List<String> problems = new ArrayList<>();
              try {
                structuralProblems(schemaOf(kind), "", problems);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              assertThat(problems).as(kind.getSimpleName()).isEmpty();
            });
  }

  private static void structuralProblems(JsonNode node, String path, List<String> problems) {
    boolean typeless =
        node.path("x-kubernetes-int-or-string").asBoolean(false)
            || node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (!node.has("type") && !typeless) {
      problems.add(path + ": no type");
    }
    if (node.has("properties") && node.has("additionalProperties")) {
      problems.add(path + ": both properties and additionalProperties");
    }
    node.path("properties")
        .fields()
        .forEachRemaining(f -> structuralProblems(f.getValue(), path + "." + f.getKey(), problems));
    if (node.get("additionalProperties") instanceof ObjectNode additional) {
      structuralProblems(additional, path + ".*", problems);
    }
    if (node.has("items")) {
      structuralProblems(node.get("items"), path + "[]", problems);
    } else if ("array".equals(node.path("type").asText())) {
      problems.add(path + ": an array without items");
    }
  }
}
