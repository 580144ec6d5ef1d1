package dev.ramp.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedClusterIT {

  @TempDir Path dir;

  static CustomResourceDefinition rolloutCrd() {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName("rollouts.ramp.dev")
        .endMetadata()
        .withNewSpec()
        .withGroup("ramp.dev")
        .withScope("Namespaced")
        .withNewNames()
        .withKind("Rollout")
        .withPlural("rollouts")
        .withSingular("rollout")
        .endNames()
        .addNewVersion()
        .withName("v1alpha1")
        .withServed(true)
        .withStorage(true)
        .withNewSubresources()
        .withNewStatus()
        .endStatus()
        .endSubresources()
        .endVersion()
        .endSpec()
        .build();
  }

  @Test
  void servesCrudAndDiscoveryForKubectl() throws Exception {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(List.of(rolloutCrd()), List.of("shop"))) {
      ResourceDefinitionContext rollouts =
          new ResourceDefinitionContext.Builder()
              .withGroup("ramp.dev")
              .withVersion("v1alpha1")
              .withKind("Rollout")
              .withPlural("rollouts")
              .withNamespaced(true)
              .build();
      GenericKubernetesResource rollout =
          new GenericKubernetesResourceBuilder()
              .withApiVersion("ramp.dev/v1alpha1")
              .withKind("Rollout")
              .withNewMetadata()
              .withName("checkout")
              .withNamespace("shop")
              .endMetadata()
              .withAdditionalProperties(Map.of("spec", Map.of("replicas", 3)))
              .build();
      try (var client = cluster.newClient()) {
        client.genericKubernetesResources(rollouts).inNamespace("shop").resource(rollout).create();
        assertThat(
                client.genericKubernetesResources(rollouts).inNamespace("shop").list().getItems())
            .extracting(r -> r.getMetadata().getName())
            .containsExactly("checkout");
      }

      Path kubectl = Path.of("/usr/bin/kubectl");
      assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed");
      Path kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));
      Process process =
          new ProcessBuilder(
                  kubectl.toString(),
                  "--kubeconfig",
                  kubeconfig.toString(),
                  "--cache-dir",
                  dir.resolve("kube-cache").toString(),
                  "get",
                  "rollouts",
                  "-n",
                  "shop",
                  "-o",
                  "name")
              .redirectErrorStream(true)
              .start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(output).contains("rollout.ramp.dev/checkout");
      assertThat(process.exitValue()).isZero();
    }
  }

  @Test
  void kubectlGetsTheCrdsPrinterColumnsAsATable() throws Exception {
    try (EmbeddedCluster cluster =
        EmbeddedCluster.start(EmbeddedCluster.rampCrds(), List.of("shop"))) {
      GenericKubernetesResource rollout =
          io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
              "{\"apiVersion\":\"ramp.dev/v1alpha1\",\"kind\":\"Rollout\","
                  + "\"metadata\":{\"name\":\"checkout\",\"namespace\":\"shop\"},"
                  + "\"spec\":{\"replicas\":3},"
                  + "\"status\":{\"phase\":\"Paused\",\"currentStepIndex\":1,"
                  + "\"canary\":{\"weights\":{\"canary\":{\"weight\":20}}}}}",
              GenericKubernetesResource.class);
      ResourceDefinitionContext rollouts =
          new ResourceDefinitionContext.Builder()
              .withGroup("ramp.dev")
              .withVersion("v1alpha1")
              .withKind("Rollout")
              .withPlural("rollouts")
              .withNamespaced(true)
              .build();
      var created =
          cluster
              .client()
              .genericKubernetesResources(rollouts)
              .inNamespace("shop")
              .resource(rollout)
              .create();
      created.setAdditionalProperty("status", rollout.getAdditionalProperties().get("status"));
      cluster
          .client()
          .genericKubernetesResources(rollouts)
          .inNamespace("shop")
          .resource(created)
          .updateStatus();

      Path kubectl = Path.of("/usr/bin/kubectl");
      assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed");
      Process process =
          new ProcessBuilder(
                  kubectl.toString(),
                  "--kubeconfig",
                  cluster.writeKubeconfig(dir.resolve("kubeconfig")).toString(),
                  "--cache-dir",
                  dir.resolve("kube-cache").toString(),
                  "get",
                  "rollouts",
                  "-A")
              .redirectErrorStream(true)
              .start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as(output).isZero();
      List<String> lines = output.lines().toList();
      assertThat(lines.get(0).split("\\s+"))
          .containsExactly("NAMESPACE", "NAME", "PHASE", "STEPINDEX", "WEIGHT", "AGE");
      assertThat(lines.get(1).split("\\s+")).startsWith("shop", "checkout", "Paused", "1", "20");
    }
  }

  @Test
  void gatewayApiKindsAreServedOnTheirStandInCrdsWithDiscoveryForKubectl() throws Exception {
    try (EmbeddedCluster cluster =
        EmbeddedCluster.start(EmbeddedCluster.gatewayApiCrds(), List.of("shop"))) {
      String resources = cluster.client().raw("/apis/gateway.networking.k8s.io/v1");
      assertThat(resources)
          .contains("\"name\":\"httproutes\"", "\"name\":\"httproutes/status\"")
          .contains("\"name\":\"grpcroutes\"", "\"name\":\"gateways\"")
          .contains("\"name\":\"gatewayclasses\"");
      GenericKubernetesResource route =
          io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
              "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
                  + "\"metadata\":{\"name\":\"shop\",\"namespace\":\"shop\"},"
                  + "\"spec\":{\"rules\":[{\"name\":\"api\"}]}}",
              GenericKubernetesResource.class);
      cluster
          .client()
          .genericKubernetesResources(GatewayApi.HTTP_ROUTE.context())
          .inNamespace("shop")
          .resource(route)
          .create();

      Path kubectl = Path.of("/usr/bin/kubectl");
      assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed");
      Process process =
          new ProcessBuilder(
                  kubectl.toString(),
                  "--kubeconfig",
                  cluster.writeKubeconfig(dir.resolve("kubeconfig")).toString(),
                  "--cache-dir",
                  dir.resolve("kube-cache").toString(),
                  "get",
                  "httproutes",
                  "-A",
                  "-o",
                  "name")
              .redirectErrorStream(true)
              .start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(output).contains("httproute.gateway.networking.k8s.io/shop");
      assertThat(process.exitValue()).isZero();
    }
  }

  @Test
  void theNodeSimulatorMakesReplicaSetsReady() {
    try (EmbeddedCluster cluster = EmbeddedCluster.start(List.of(), List.of("shop"));
        NodeSimulator nodes =
            new NodeSimulator(cluster.client(), java.time.Duration.ofMillis(50)).start()) {
      var replicaSets = cluster.client().apps().replicaSets().inNamespace("shop");
      replicaSets
          .resource(
              new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
                  .withNewMetadata()
                  .withName("web-abc")
                  .endMetadata()
                  .withNewSpec()
                  .withReplicas(3)
                  .withNewSelector()
                  .addToMatchLabels("app", "web")
                  .endSelector()
                  .withNewTemplate()
                  .withNewMetadata()
                  .addToLabels("app", "web")
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("web")
                  .withImage("nginx")
                  .endContainer()
                  .endSpec()
                  .endTemplate()
                  .endSpec()
                  .build())
          .create();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> readyOf(replicaSets.withName("web-abc").get()) == 3);

      replicaSets.withName("web-abc").scale(1);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> readyOf(replicaSets.withName("web-abc").get()) == 1);
    }
  }

  private static int readyOf(io.fabric8.kubernetes.api.model.apps.ReplicaSet rs) {
    return rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null
        ? 0
        : rs.getStatus().getReadyReplicas();
  }
}
