package dev.ramp.plugins.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.sdk.testkit.ConformanceReport;
import dev.ramp.plugin.sdk.testkit.PluginTestKit;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's conformance kit against the plugin JAR, started as the controller starts it, with an
 * HTTPRoute for the kit's sample Rollout (default/ramp-testkit and its Services) in the mock API
 * server: the kit's calls are served, not refused, and leave the route as they say.
 */
class GatewayApiConformanceIT {

  static final String ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: ramp-testkit, namespace: default}
      spec:
        parentRefs: [{name: public}]
        rules:
          - matches: [{path: {type: PathPrefix, value: /}}]
            backendRefs:
              - {name: ramp-testkit-stable, port: 80, weight: 100}
              - {name: ramp-testkit-canary, port: 80, weight: 0}
      """;

  @TempDir Path dir;

  @Test
  void thePluginPassesTheConformanceKit() {
    List<String> output = new CopyOnWriteArrayList<>();
    try (GatewayCluster cluster = GatewayCluster.start(dir, "default")) {
      cluster.create(ROUTE);

      ConformanceReport report =
          new PluginTestKit(output::add)
              .verify(
                  PluginJars.spec(Map.of("KUBECONFIG", cluster.kubeconfig().toString())),
                  Set.of(PluginTestKit.Kind.TRAFFIC_ROUTER),
                  Json.parse("{\"httpRoute\": \"ramp-testkit\"}"));

      assertThat(report.passed()).as(report.render() + String.join("\n", output)).isTrue();
      assertThat(report.checks())
          .filteredOn(check -> check.name().startsWith("trafficRouter:"))
          .as(report.render())
          .hasSize(7)
          .allSatisfy(check -> assertThat(check.message()).isEqualTo("answered OK"));
      assertThat(report.check("Info answers").orElseThrow().message())
          .startsWith("name traffic-gatewayapi, version 0.1.0-SNAPSHOT, kinds [TRAFFIC_ROUTER]");

      // SetWeight 10 stayed; the header and mirror rules were removed by RemoveManagedRoutes.
      JsonNode rules = cluster.httpRoute("default", "ramp-testkit").path("spec").path("rules");
      assertThat(rules).hasSize(1);
      assertThat(rules.get(0).path("backendRefs").findValues("weight"))
          .extracting(JsonNode::asInt)
          .containsExactly(90, 10);
    }
  }
}
