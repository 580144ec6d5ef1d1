package dev.ramp.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/** The status a Gateway controller stand-in writes, as a function of the route. */
class GatewaySimulatorTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static ObjectNode yaml(String text) throws Exception {
    return (ObjectNode) YAML.readTree(text);
  }

  static final String ROUTE =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: shop, namespace: shop, generation: 3}
      spec:
        parentRefs:
          - {name: public, namespace: gateways, sectionName: https}
          - {name: internal}
        rules: [{backendRefs: [{name: shop-stable, port: 80}]}]
      """;

  @Test
  void oneAcceptedEntryPerParentRefAtTheRoutesGenerationAndOtherControllersKept() throws Exception {
    ObjectNode route = yaml(ROUTE);
    route.set(
        "status",
        yaml(
            """
            parents:
              - parentRef: {name: mesh}
                controllerName: example.com/mesh
                conditions: [{type: Accepted, status: "False", reason: NotAllowedByListeners}]
            """));
    assertThat(GatewaySimulator.due(route)).isTrue();

    JsonNode parents = GatewaySimulator.parents(route, "2026-11-23T10:00:00Z");

    // Through JSON text, as the server has it (a long and an int node are not equal nodes).
    assertThat(YAML.readTree(parents.toString()))
        .isEqualTo(
            YAML.readTree(
                """
                - parentRef: {name: mesh}
                  controllerName: example.com/mesh
                  conditions: [{type: Accepted, status: "False", reason: NotAllowedByListeners}]
                - parentRef: {name: public, namespace: gateways, sectionName: https}
                  controllerName: ramp.dev/rehearsal-gateway
                  conditions:
                    - type: Accepted
                      status: "True"
                      reason: Accepted
                      message: accepted by Ramp's rehearsal Gateway stand-in
                      observedGeneration: 3
                      lastTransitionTime: "2026-11-23T10:00:00Z"
                    - type: ResolvedRefs
                      status: "True"
                      reason: ResolvedRefs
                      message: accepted by Ramp's rehearsal Gateway stand-in
                      observedGeneration: 3
                      lastTransitionTime: "2026-11-23T10:00:00Z"
                - parentRef: {name: internal}
                  controllerName: ramp.dev/rehearsal-gateway
                  conditions:
                    - type: Accepted
                      status: "True"
                      reason: Accepted
                      message: accepted by Ramp's rehearsal Gateway stand-in
                      observedGeneration: 3
                      lastTransitionTime: "2026-11-23T10:00:00Z"
                    - type: ResolvedRefs
                      status: "True"
                      reason: ResolvedRefs
                      message: accepted by Ramp's rehearsal Gateway stand-in
                      observedGeneration: 3
                      lastTransitionTime: "2026-11-23T10:00:00Z"
                """));
    route.putObject("status").set("parents", YAML.readTree(parents.toString()));
    assertThat(GatewaySimulator.due(route)).as("written and read back: nothing to do").isFalse();
  }

  @Test
  void aNewGenerationIsDueAndKeepsWhenTheConditionsBecameTrue() throws Exception {
    ObjectNode route = yaml(ROUTE);
    route.putObject("status").set("parents", GatewaySimulator.parents(route, "T1"));
    ((ObjectNode) route.get("metadata")).put("generation", 4);

    assertThat(GatewaySimulator.due(route)).isTrue();
    JsonNode parents = GatewaySimulator.parents(route, "T2");
    assertThat(parents.findValues("observedGeneration")).allMatch(g -> g.asLong() == 4);
    assertThat(parents.findValues("lastTransitionTime")).allMatch(t -> t.asText().equals("T1"));
  }

  @Test
  void aParentRefRemovedTakesItsEntryAwayAndARouteWithoutParentsGetsNone() throws Exception {
    ObjectNode route = yaml(ROUTE);
    route.putObject("status").set("parents", GatewaySimulator.parents(route, "T1"));
    ((ObjectNode) route.get("spec")).putArray("parentRefs").addObject().put("name", "internal");
    assertThat(GatewaySimulator.due(route)).isTrue();
    assertThat(GatewaySimulator.parents(route, "T2").findValues("parentRef"))
        .containsExactly(YAML.readTree("{name: internal}"));

    ObjectNode orphan = yaml(ROUTE);
    ((ObjectNode) orphan.get("spec")).remove("parentRefs");
    assertThat(GatewaySimulator.due(orphan)).isFalse();
    assertThat(GatewaySimulator.parents(orphan, "T1")).isEmpty();
  }
}
