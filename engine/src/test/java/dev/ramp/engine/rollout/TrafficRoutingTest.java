package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.model.TrafficRouting;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.plugin.api.TrafficRouting.Verification;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The traffic-routing sub-step call by call (Argo's {@code reconcileTrafficRouting} order), with a
 * recording fake router: the sequences of a canary with setCanaryScale, header and mirror routes
 * and setWeight 20/60, and of abort, promote-full, retry and a new template mid-rollout.
 */
class TrafficRoutingTest {
  static final String MESH = "acme/mesh";

  final FakeRouters routers = new FakeRouters().ready(MESH);

  static CanaryStep step(String json) {
    try {
      return Json.MAPPER.readValue(json, CanaryStep.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static final List<CanaryStep> STEPS =
      List.of(
          step("{\"setCanaryScale\":{\"replicas\":1}}"),
          step(
              "{\"setHeaderRoute\":{\"name\":\"dark\",\"match\":[{\"headerName\":\"x-user\","
                  + "\"headerValue\":{\"exact\":\"alice\"}}]}}"),
          step(
              "{\"setMirrorRoute\":{\"name\":\"shadow\",\"match\":[{\"path\":{\"prefix\":"
                  + "\"/api\"}}]}}"),
          CanaryStep.setWeight(20),
          CanaryStep.pause(null),
          CanaryStep.setWeight(60),
          CanaryStep.pause(null));

  static World routed(int replicas, List<CanaryStep> steps, String... routerNames) {
    World w = new World(replicas, steps);
    var c = w.rollout.getSpec().strategy.canary;
    c.canaryService = "canary";
    c.stableService = "stable";
    c.trafficRouting = new TrafficRouting();
    c.trafficRouting.plugins = new LinkedHashMap<>();
    for (String name : routerNames) {
      c.trafficRouting.plugins.put(name, JsonNodeFactory.instance.objectNode().put("route", "web"));
    }
    c.trafficRouting.managedRoutes =
        List.of(new TrafficRouting.ManagedRoute("dark"), new TrafficRouting.ManagedRoute("shadow"));
    return w;
  }

  World started(List<CanaryStep> steps) {
    World w = routed(5, steps, MESH);
    w.reconciler = new RolloutReconciler(RolloutReconciler.noPlugins(), routers, settings());
    w.converge();
    return w;
  }

  static PluginStepSettings settings() {
    return PluginStepSettings.defaults();
  }

  static void promote(World w) {
    w.status().pauseConditions = null;
  }

  @Test
  void theFirstTemplatePointsBothHashesAtStableAndSetsWeightZero() {
    World w = started(STEPS);
    String v1 = w.status().stableRS;
    assertThat(routers.take())
        .containsExactly(
            MESH + " UpdateHash " + v1 + " " + v1,
            MESH + " SetWeight 0/100",
            MESH + " VerifyWeight 0");
    assertThat(w.status().canary.weights.verified).isTrue();
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void aCanaryWithScaleHeaderMirrorAndTwoWeightsCallsInArgosOrder() {
    World w = started(STEPS);
    String v1 = w.status().stableRS;
    routers.take();
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    String v2 = w.status().currentPodHash;
    assertThat(routers.take())
        .containsExactly(
            MESH + " UpdateHash " + v2 + " " + v1,
            MESH + " SetWeight 0/100",
            MESH + " VerifyWeight 0",
            MESH + " SetHeaderRoute dark",
            MESH + " SetMirrorRoute shadow unset",
            MESH + " SetWeight 20/100",
            MESH + " VerifyWeight 20");
    assertThat(w.status().currentStepIndex).isEqualTo(4);
    // setCanaryScale holds the canary at one pod; stable stays at full size.
    assertThat(w.replicasOf(v2)).isEqualTo(1);
    assertThat(w.replicasOf(v1)).isEqualTo(5);
    assertThat(w.status().canary.weights.canary.weight).isEqualTo(20);
    assertThat(w.status().canary.weights.stable.weight).isEqualTo(80);
    assertThat(w.status().canary.weights.canary.podTemplateHash).isEqualTo(v2);

    promote(w);
    w.converge();
    assertThat(routers.take())
        .containsExactly(MESH + " SetWeight 60/100", MESH + " VerifyWeight 60");
    assertThat(w.status().currentStepIndex).isEqualTo(6);

    promote(w);
    w.converge();
    assertThat(routers.take())
        .containsExactly(
            MESH + " SetWeight 100/100",
            MESH + " VerifyWeight 100",
            MESH + " RemoveManagedRoutes",
            MESH + " UpdateHash " + v2 + " " + v2,
            MESH + " SetWeight 0/100",
            MESH + " VerifyWeight 0");
    assertThat(w.status().stableRS).isEqualTo(v2);
    // The old stable stays up for scaleDownDelaySeconds (30 by default), its deadline annotated.
    assertThat(w.replicasOf(v1)).isEqualTo(5);
    assertThat(w.sets.get(v1).scaleDownDeadline()).isEqualTo(w.now.plusSeconds(30));
    w.advance(Duration.ofSeconds(29));
    w.converge();
    assertThat(w.replicasOf(v1)).isEqualTo(5);
    w.advance(Duration.ofSeconds(1));
    w.converge();
    assertThat(w.replicasOf(v1)).isZero();
    assertThat(w.status().phase).isEqualTo("Healthy");
    assertThat(routers.take()).isEmpty();
  }

  World atTwenty() {
    World w = started(STEPS);
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    routers.take();
    assertThat(w.status().currentStepIndex).isEqualTo(4);
    return w;
  }

  @Test
  void abortSendsTrafficBackRemovesRoutesAndKeepsTheCanaryForItsDelay() {
    World w = atTwenty();
    String v2 = w.status().currentPodHash;
    w.status().abort = true;
    w.converge();
    assertThat(routers.take())
        .containsExactly(
            MESH + " RemoveManagedRoutes", MESH + " SetWeight 0/100", MESH + " VerifyWeight 0");
    assertThat(w.status().phase).isEqualTo("Degraded");
    // abortScaleDownDelaySeconds (30 by default): the canary stays up until its deadline.
    assertThat(w.replicasOf(v2)).isEqualTo(1);
    assertThat(w.sets.get(v2).scaleDownDeadline()).isEqualTo(w.now.plusSeconds(30));
    w.advance(Duration.ofSeconds(30));
    w.converge();
    assertThat(w.replicasOf(v2)).isZero();
    assertThat(routers.take()).isEmpty();
  }

  @Test
  void abortWithZeroDelayKeepsTheCanaryUp() {
    World w = atTwenty();
    String v2 = w.status().currentPodHash;
    w.rollout.getSpec().strategy.canary.abortScaleDownDelaySeconds = 0;
    w.status().abort = true;
    w.converge();
    w.advance(Duration.ofHours(1));
    w.converge();
    assertThat(w.replicasOf(v2)).isEqualTo(1);
    assertThat(w.sets.get(v2).scaleDownDeadline()).isNull();
  }

  @Test
  void retryAfterAbortSetsTheRoutesAndWeightsAgain() {
    World w = atTwenty();
    w.status().abort = true;
    w.converge();
    routers.take();
    w.status().abort = null;
    w.status().abortedAt = null;
    w.status().currentStepIndex = 0;
    w.status().retries = 1;
    w.converge();
    assertThat(routers.take())
        .containsExactly(
            MESH + " SetHeaderRoute dark",
            MESH + " SetMirrorRoute shadow unset",
            MESH + " SetWeight 20/100",
            MESH + " VerifyWeight 20");
    assertThat(w.status().currentStepIndex).isEqualTo(4);
  }

  @Test
  void promoteFullRemovesRoutesKeepsTheWeightAndSwitchesAtPromotion() {
    World w = atTwenty();
    String v2 = w.status().currentPodHash;
    w.status().promoteFull = true;
    w.converge();
    assertThat(routers.take())
        .containsExactly(
            MESH + " RemoveManagedRoutes",
            MESH + " UpdateHash " + v2 + " " + v2,
            MESH + " SetWeight 0/100",
            MESH + " VerifyWeight 0");
    assertThat(w.status().stableRS).isEqualTo(v2);
    assertThat(w.replicasOf(v2)).isEqualTo(5);
  }

  @Test
  void aNewTemplateMidRolloutTakesTrafficOffTheOldCanaryBeforeItsHashChanges() {
    World w = atTwenty();
    String v1 = w.status().stableRS;
    String v2 = w.status().currentPodHash;
    w.podsBecomeReady = false;
    w.rollout.getSpec().template = World.template("demo:3");
    w.reconcile();
    String v3 = w.status().currentPodHash;
    assertThat(routers.take())
        .containsExactly(
            MESH + " RemoveManagedRoutes",
            MESH + " SetWeight 0/100",
            MESH + " UpdateHash " + v3 + " " + v1,
            MESH + " SetWeight 0/100",
            MESH + " VerifyWeight 0");
    // The old canary gets no traffic any more: scaled down at once.
    w.reconcile();
    assertThat(w.replicasOf(v2)).isZero();
  }

  @Test
  void abortWithDynamicStableScaleStepsTheWeightDownAndTheCanaryServiceFollowsOnlyAtZero() {
    World w =
        routed(
            10,
            List.of(CanaryStep.setWeight(20), CanaryStep.setWeight(60), CanaryStep.pause(null)),
            MESH);
    w.rollout.getSpec().strategy.canary.dynamicStableScale = true;
    w.reconciler = new RolloutReconciler(RolloutReconciler.noPlugins(), routers, settings());
    w.converge();
    String v1 = w.status().stableRS;
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    String v2 = w.status().currentPodHash;
    assertThat(w.status().currentStepIndex).isEqualTo(2);
    // dynamicStableScale: stable follows its 40 %.
    assertThat(w.replicas()).isEqualTo(java.util.Map.of(v1, 4, v2, 6));
    routers.take();

    w.status().abort = true;
    List<String> canarySelector = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Plan plan = w.reconcile();
      String selected = plan.serviceSelectors().get("canary");
      if (selected != null) {
        canarySelector.add(selected + "@" + w.status().canary.weights.canary.weight);
      }
    }
    // Stepped down through the setWeight steps in reverse as stable came back, never up.
    assertThat(routers.take())
        .containsExactly(
            MESH + " SetWeight 20/100",
            MESH + " VerifyWeight 20",
            MESH + " SetWeight 0/100",
            MESH + " VerifyWeight 0");
    // The canary Service kept selecting the canary while it had weight, then stable.
    assertThat(canarySelector).contains(v2 + "@20").contains(v1 + "@0");
    assertThat(canarySelector).noneMatch(s -> s.startsWith(v1) && !s.endsWith("@0"));
    assertThat(w.replicas()).isEqualTo(java.util.Map.of(v1, 10, v2, 0));
  }

  @Test
  void anUnverifiedWeightKeepsTheOldStablePastItsDeadline() {
    World w = atTwenty();
    String v1 = w.status().stableRS;
    promote(w);
    w.converge();
    routers.verify(
        MESH, Verification.VERIFIED, Verification.NOT_VERIFIED, Verification.NOT_VERIFIED);
    promote(w);
    w.converge();
    assertThat(w.status().stableRS).isNotEqualTo(v1);
    assertThat(w.status().canary.weights.verified).isFalse();
    w.advance(Duration.ofSeconds(31));
    w.converge();
    // Its deadline passed, but VerifyWeight 0 is not verified: v1 may still get traffic.
    assertThat(w.replicasOf(v1)).isEqualTo(5);
    w.advance(Duration.ofSeconds(10));
    w.converge();
    assertThat(w.status().canary.weights.verified).isTrue();
    // Its delay counts from the moment the traffic is verified off it.
    assertThat(w.sets.get(v1).scaleDownDeadline()).isEqualTo(w.now.plusSeconds(30));
    assertThat(w.replicasOf(v1)).isEqualTo(5);
    w.advance(Duration.ofSeconds(30));
    w.converge();
    assertThat(w.replicasOf(v1)).isZero();
  }

  @Test
  void aSetWeightAfterACanaryScaleOfZeroCompletesInsteadOfWaitingForever() {
    World w =
        started(
            List.of(
                step("{\"setCanaryScale\":{\"replicas\":0}}"),
                CanaryStep.setWeight(20),
                CanaryStep.pause(null)));
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(w.status().currentStepIndex).isEqualTo(2);
    assertThat(w.status().canary.weights.canary.weight).isZero();
  }

  @Test
  void anEditedRouteStepIsSentAgainAndAnUnchangedOneIsNot() {
    World w = atTwenty();
    w.rollout.getSpec().strategy.canary.steps =
        List.of(
            STEPS.get(0),
            step(
                "{\"setHeaderRoute\":{\"name\":\"dark\",\"match\":[{\"headerName\":\"x-user\","
                    + "\"headerValue\":{\"exact\":\"bob\"}}]}}"),
            STEPS.get(2),
            STEPS.get(3),
            STEPS.get(4),
            STEPS.get(5),
            STEPS.get(6));
    w.converge();
    assertThat(routers.take()).containsExactly(MESH + " SetHeaderRoute dark");
    assertThat(w.status().currentStepIndex).isEqualTo(4);
  }

  @Test
  void aRouteCallThatFailedIsStillRemovedOnAbort() {
    World w = started(STEPS);
    routers.take();
    routers.failOnce(MESH, "SetHeaderRoute", "deadline exceeded");
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    routers.take();
    w.status().abort = true;
    w.converge();
    // The failed call's backoff first.
    assertThat(routers.take()).isEmpty();
    w.advance(Duration.ofSeconds(5));
    w.converge();
    assertThat(routers.take()).startsWith(MESH + " RemoveManagedRoutes");
  }

  @Test
  void aRetrySendsItsCallsUnderNewIdempotencyKeys() {
    World w = atTwenty();
    String first = keyOf("SetWeight", 20);
    w.status().abort = true;
    w.converge();
    w.status().abort = null;
    w.status().abortedAt = null;
    w.status().currentStepIndex = 0;
    w.status().retries = 1;
    routers.received.clear();
    routers.calls.clear();
    w.converge();
    assertThat(keyOf("SetWeight", 20)).isNotNull().isNotEqualTo(first);
  }

  String keyOf(String op, int weight) {
    for (int i = routers.received.size() - 1; i >= 0; i--) {
      var ctx = routers.received.get(i).context();
      if (ctx.operation().equals(op) && ctx.idempotencyKey().endsWith("/" + weight + "/100")) {
        return ctx.idempotencyKey();
      }
    }
    return null;
  }

  @Test
  void anUnverifiedWeightHoldsTheStepWithAConditionAndIsAskedAgainAfterTenSeconds() {
    World w = started(List.of(CanaryStep.setWeight(50), CanaryStep.pause(null)));
    routers.take();
    routers.verify(MESH, Verification.VERIFIED, Verification.NOT_VERIFIED);
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(w.status().currentStepIndex).isZero();
    RolloutCondition c = w.status().condition(ConditionType.TrafficRouting);
    assertThat(c.status).isEqualTo("False");
    assertThat(c.reason).isEqualTo("WeightNotVerified");
    assertThat(c.message)
        .isEqualTo(
            "Weight 50 of 100 to the canary is not verified yet by traffic router acme/mesh"
                + " (gateway lags); checking again in 10s");
    assertThat(w.last.requeueAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(w.status().canary.weights.verified).isFalse();
    w.advance(Duration.ofSeconds(10));
    w.converge();
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    assertThat(w.status().condition(ConditionType.TrafficRouting)).isNull();
    assertThat(routers.take()).filteredOn(call -> call.contains("VerifyWeight 50")).hasSize(2);
  }

  @Test
  void aFailingRouterBacksOffWithAConditionAndAnEventNamingIt() {
    World w = started(List.of(CanaryStep.setWeight(50), CanaryStep.pause(null)));
    routers.take();
    routers.failOnce(MESH, "SetWeight", "gateway unreachable");
    routers.failOnce(MESH, "SetWeight", "gateway unreachable");
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    RolloutCondition c = w.status().condition(ConditionType.TrafficRouting);
    assertThat(c.reason).isEqualTo("TrafficRoutingError");
    assertThat(c.message)
        .isEqualTo("Traffic router acme/mesh: SetWeight failed: gateway unreachable");
    assertThat(w.events)
        .anyMatch(
            e ->
                e.reason().equals("TrafficRoutingError")
                    && e.message().equals(c.message)
                    && e.type().equals("Warning"));
    var rec = w.status().canary.trafficRouters.get(0);
    assertThat(rec.phase).isEqualTo("Error");
    assertThat(rec.backoff).isEqualTo("5s");
    // Not due: no call.
    w.advance(Duration.ofSeconds(4));
    w.converge();
    assertThat(routers.take())
        .containsExactly(
            w.status().canary.trafficRouters.get(0).name
                + " UpdateHash "
                + w.status().currentPodHash
                + " "
                + w.status().stableRS);
    w.advance(Duration.ofSeconds(1));
    w.converge();
    assertThat(w.status().canary.trafficRouters.get(0).backoff).isEqualTo("10s");
    w.advance(Duration.ofSeconds(10));
    w.converge();
    assertThat(w.status().currentStepIndex).isEqualTo(1);
    assertThat(w.status().canary.trafficRouters.get(0).phase).isNull();
    assertThat(w.status().condition(ConditionType.TrafficRouting)).isNull();
  }

  @Test
  void aDisabledRouterHoldsTheRolloutAndNothingMoves() {
    World w = started(List.of(CanaryStep.setWeight(50), CanaryStep.pause(null)));
    routers.take();
    routers.availability.put(
        MESH, PluginAvailability.of(PluginAvailability.State.DISABLED, "disabled"));
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(routers.take()).isEmpty();
    assertThat(w.status().currentStepIndex).isZero();
    RolloutCondition c = w.status().condition(ConditionType.TrafficRouting);
    assertThat(c.reason).isEqualTo("TrafficRouterDisabled");
    assertThat(c.message).contains("acme/mesh is disabled in the plugin ConfigMap");
    assertThat(w.status().message).isEqualTo(c.message);
  }

  @Test
  void aDisabledRouterOfAStableRolloutWithNothingToMoveSaysNothing() {
    World w = started(List.of(CanaryStep.setWeight(50), CanaryStep.pause(null)));
    routers.take();
    routers.availability.put(
        MESH, PluginAvailability.of(PluginAvailability.State.DISABLED, "disabled"));
    w.rollout.getSpec().replicas = 6;
    w.converge();
    assertThat(routers.take()).isEmpty();
    assertThat(w.status().condition(ConditionType.TrafficRouting)).isNull();
    assertThat(w.status().phase).isEqualTo("Healthy");
  }

  @Test
  void anUnknownRouterIsAnInvalidSpecNamingIt() {
    World w = routed(3, List.of(CanaryStep.setWeight(50)), "acme/nope");
    w.reconciler = new RolloutReconciler(RolloutReconciler.noPlugins(), routers, settings());
    w.converge();
    assertThat(w.status().phase).isEqualTo("Degraded");
    assertThat(w.status().message)
        .isEqualTo(
            "InvalidSpec: spec.strategy.canary.trafficRouting.plugins: \"acme/nope\" is not a"
                + " configured traffic-router plugin; add it to trafficRouterPlugins in the plugin"
                + " ConfigMap or fix the name");
  }

  @Test
  void severalRoutersAreCalledInTurnAndEachKeepsItsOwnRecord() {
    routers.ready("acme/edge");
    World w =
        routed(4, List.of(CanaryStep.setWeight(25), CanaryStep.pause(null)), MESH, "acme/edge");
    w.reconciler = new RolloutReconciler(RolloutReconciler.noPlugins(), routers, settings());
    w.converge();
    routers.take();
    routers.failOnce("acme/edge", "SetWeight", "edge down");
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    String v2 = w.status().currentPodHash;
    String v1 = w.status().stableRS;
    w.advance(Duration.ofSeconds(5));
    w.converge();
    assertThat(routers.take())
        .containsExactly(
            MESH + " UpdateHash " + v2 + " " + v1,
            MESH + " SetWeight 0/100",
            MESH + " VerifyWeight 0",
            "acme/edge UpdateHash " + v2 + " " + v1,
            // edge's SetWeight 0 failed here (not recorded): mesh is not called again for it, and
            // after edge's backoff each is told the weight due by then.
            MESH + " SetWeight 25/100",
            MESH + " VerifyWeight 25",
            "acme/edge SetWeight 25/100",
            "acme/edge VerifyWeight 25");
    assertThat(w.status().currentStepIndex).isEqualTo(1);
  }

  @Test
  void maxTrafficWeightScalesWeightsAndReplicas() {
    World w = routed(10, List.of(CanaryStep.setWeight(150), CanaryStep.pause(null)), MESH);
    w.rollout.getSpec().strategy.canary.trafficRouting.maxTrafficWeight = 1000;
    w.reconciler = new RolloutReconciler(RolloutReconciler.noPlugins(), routers, settings());
    w.converge();
    routers.take();
    w.rollout.getSpec().template = World.template("demo:2");
    w.converge();
    assertThat(routers.take()).contains(MESH + " SetWeight 150/1000");
    assertThat(w.replicasOf(w.status().currentPodHash)).isEqualTo(2);
    assertThat(w.status().canary.weights.stable.weight).isEqualTo(850);
  }
}
