package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.model.RolloutLabels;
import dev.ramp.engine.model.TrafficRouting;
import dev.ramp.engine.plugin.PluginAvailability;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traffic routing end to end: the mock API server, the real plugin host, and a real Python router
 * plugin (tests/python/router_plugin.py) that records every call it takes. The sequences are
 * asserted call by call.
 */
class TrafficRouterPluginIT extends RolloutItBase {
  static final Path PYTHON_DIR = Path.of("..", "tests", "python").toAbsolutePath().normalize();
  static final String ROUTER = "ramp-tests/router";

  @TempDir Path dir;
  Path callLog;
  PluginHost host;

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

  static CanaryStep step(String json) {
    try {
      return Json.MAPPER.readValue(json, CanaryStep.class);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @BeforeEach
  void startHost() throws Exception {
    assumeTrue(Files.isExecutable(PYTHON_DIR.resolve("router_plugin.py")), "no Python plugin");
    Process check =
        new ProcessBuilder("/usr/bin/python3", "-c", "import grpc, grpc_tools, google.protobuf")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assumeTrue(check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0, "python3 lacks grpc");
    callLog = dir.resolve("router.log");
    Files.createFile(callLog);
    host =
        new PluginHost(
            PluginHost.Settings.defaults()
                .withRunnerJar(null)
                .withCacheDir(dir.resolve("cache"))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withHealth(Duration.ofMillis(500), Duration.ofSeconds(1), 2),
            new SimpleMeterRegistry());
    configure("");
    cluster.routers = host.trafficRouterClient();
    cluster.restartController();
  }

  @AfterEach
  void stopHost() {
    if (host != null) {
      host.close();
    }
  }

  /** The router entry, with {@code extra} YAML lines (e.g. " disabled: true\n"). */
  void configure(String extra) {
    PluginConfigSnapshot snapshot =
        PluginConfigSnapshot.parse(
            Map.of(
                "trafficRouterPlugins",
                "- name: "
                    + ROUTER
                    + "\n  location: /usr/bin/python3\n  args: ['"
                    + PYTHON_DIR.resolve("router_plugin.py")
                    + "', '"
                    + callLog
                    + "']\n  callDeadline: 2s\n  maxConcurrentCalls: 2\n"
                    + extra),
            Cluster.WORKERS);
    assertThat(snapshot.refused()).isEmpty();
    host.apply(snapshot);
    if (!extra.contains("disabled: true")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> host.trafficRouterClient().availability(ROUTER).isReady());
    }
  }

  /** What the router answers next: see router_plugin.py. */
  void control(String json) throws IOException {
    Files.writeString(dir.resolve("router.log.control"), json);
  }

  static Rollout routed(String name, List<CanaryStep> steps, String router) {
    Rollout r = Cluster.rollout(name, 5, steps);
    var c = r.getSpec().strategy.canary;
    c.trafficRouting = new TrafficRouting();
    c.trafficRouting.plugins = new LinkedHashMap<>();
    c.trafficRouting.plugins.put(router, JsonNodeFactory.instance.objectNode().put("route", "web"));
    c.trafficRouting.managedRoutes =
        List.of(new TrafficRouting.ManagedRoute("dark"), new TrafficRouting.ManagedRoute("shadow"));
    return r;
  }

  /** The calls the plugin logged, each as "Rpc detail", oldest first. */
  List<String> calls() throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(callLog)) {
      JsonNode c = Json.MAPPER.readTree(line);
      String rpc = c.path("rpc").asText();
      String detail =
          switch (rpc) {
            case "UpdateHash" ->
                " " + c.path("canary_hash").asText() + " " + c.path("stable_hash").asText();
            case "SetWeight" -> " " + c.path("weight").asInt() + "/" + c.path("max_weight").asInt();
            case "VerifyWeight" -> " " + c.path("weight").asInt();
            case "SetHeaderRoute" -> " " + c.path("name").asText();
            case "SetMirrorRoute" ->
                " " + c.path("name").asText() + " " + c.path("percentage").asText();
            default -> "";
          };
      out.add(
          rpc
              + detail
              + (c.path("answer").asText().equals("ok") ? "" : " !" + c.path("answer").asText()));
    }
    return out;
  }

  int seen;

  /** The calls logged since the last look, once {@code count} of them are there. */
  List<String> next(int count) throws IOException {
    await().atMost(Duration.ofSeconds(30)).until(() -> calls().size() >= seen + count);
    List<String> all = calls();
    List<String> out = all.subList(seen, all.size());
    seen = all.size();
    return List.copyOf(out);
  }

  String deployRouted(String name) throws IOException {
    cluster.create(routed(name, STEPS, ROUTER));
    Rollout r = awaitRollout(name, phase("Healthy", STEPS.size()));
    String v1 = r.getStatus().stableRS;
    assertThat(next(3))
        .containsExactly("UpdateHash " + v1 + " " + v1, "SetWeight 0/100", "VerifyWeight 0");
    return v1;
  }

  String toPausedAtTwenty(String name, String v1, String image) throws IOException {
    actions.setImage(Cluster.NS, name, "app", image);
    Rollout r = awaitRollout(name, phase("Paused", 4));
    String v2 = r.getStatus().currentPodHash;
    assertThat(next(7))
        .containsExactly(
            "UpdateHash " + v2 + " " + v1,
            "SetWeight 0/100",
            "VerifyWeight 0",
            "SetHeaderRoute dark",
            "SetMirrorRoute shadow unset",
            "SetWeight 20/100",
            "VerifyWeight 20");
    assertThat(r.getStatus().canary.weights.canary.weight).isEqualTo(20);
    assertThat(r.getStatus().canary.weights.verified).isTrue();
    return v2;
  }

  @Test
  void aCanaryWithScaleHeaderMirrorAndTwoWeightsThenTheOldStableAfterItsDelay() throws Exception {
    String v1 = deployRouted("web");
    String v2 = toPausedAtTwenty("web", v1, "demo:2");
    // setCanaryScale: one canary pod; stable stays at full size behind the router.
    await().until(() -> cluster.replicas("web").equals(Map.of(v1, 5, v2, 1)));

    actions.promote(Cluster.NS, "web");
    awaitRollout("web", phase("Paused", 6));
    assertThat(next(2)).containsExactly("SetWeight 60/100", "VerifyWeight 60");

    actions.promote(Cluster.NS, "web");
    Rollout done = awaitRollout("web", r -> v2.equals(r.getStatus().stableRS));
    assertThat(done.getStatus().currentStepIndex).isEqualTo(7);
    assertThat(next(6))
        .containsExactly(
            "SetWeight 100/100",
            "VerifyWeight 100",
            "RemoveManagedRoutes",
            "UpdateHash " + v2 + " " + v2,
            "SetWeight 0/100",
            "VerifyWeight 0");
    // The old stable is kept for scaleDownDelaySeconds, on the controller's clock.
    ReplicaSet old = await().until(() -> oldSet("web", v1), rs -> deadline(rs) != null);
    assertThat(old.getSpec().getReplicas()).isEqualTo(5);
    assertThat(java.time.Instant.parse(deadline(old)))
        .isEqualTo(cluster.clock.instant().plusSeconds(30));
    cluster.clock.advance(Duration.ofSeconds(31));
    cluster.clockAdvanced();
    await().until(() -> cluster.replicas("web").get(v1) == 0);
    awaitRollout("web", phase("Healthy", 7));
    assertThat(calls()).hasSize(seen);
  }

  ReplicaSet oldSet(String name, String hash) {
    return cluster.replicaSets(name).stream()
        .filter(
            rs -> hash.equals(rs.getMetadata().getLabels().get(RolloutLabels.POD_TEMPLATE_HASH)))
        .findFirst()
        .orElseThrow();
  }

  static String deadline(ReplicaSet rs) {
    var a = rs.getMetadata().getAnnotations();
    return a == null ? null : a.get(RolloutLabels.SCALE_DOWN_DEADLINE);
  }

  @Test
  void abortThenRetry() throws Exception {
    String v1 = deployRouted("web");
    toPausedAtTwenty("web", v1, "demo:2");
    actions.abort(Cluster.NS, "web");
    awaitRollout("web", r -> "Degraded".equals(r.getStatus().phase));
    assertThat(next(3)).containsExactly("RemoveManagedRoutes", "SetWeight 0/100", "VerifyWeight 0");

    actions.retry(Cluster.NS, "web");
    awaitRollout("web", phase("Paused", 4));
    assertThat(next(4))
        .containsExactly(
            "SetHeaderRoute dark",
            "SetMirrorRoute shadow unset",
            "SetWeight 20/100",
            "VerifyWeight 20");
  }

  @Test
  void promoteFull() throws Exception {
    String v1 = deployRouted("web");
    String v2 = toPausedAtTwenty("web", v1, "demo:2");
    actions.promoteFull(Cluster.NS, "web");
    // The old stable stays up for its scale-down delay: Progressing until then, as in Argo.
    awaitRollout("web", r -> v2.equals(r.getStatus().stableRS));
    assertThat(next(4))
        .containsExactly(
            "RemoveManagedRoutes",
            "UpdateHash " + v2 + " " + v2,
            "SetWeight 0/100",
            "VerifyWeight 0");
  }

  @Test
  void aNewTemplateMidRollout() throws Exception {
    String v1 = deployRouted("web");
    String v2 = toPausedAtTwenty("web", v1, "demo:2");
    actions.setImage(Cluster.NS, "web", "app", "demo:3");
    Rollout r =
        awaitRollout(
            "web", rr -> !v2.equals(rr.getStatus().currentPodHash) && phase("Paused", 4).test(rr));
    String v3 = r.getStatus().currentPodHash;
    assertThat(next(9))
        .containsExactly(
            "RemoveManagedRoutes",
            "SetWeight 0/100",
            "UpdateHash " + v3 + " " + v1,
            "SetWeight 0/100",
            "VerifyWeight 0",
            "SetHeaderRoute dark",
            "SetMirrorRoute shadow unset",
            "SetWeight 20/100",
            "VerifyWeight 20");
    await().until(() -> cluster.replicas("web").get(v2) == 0);
  }

  static RolloutCondition routing(Rollout r) {
    return r.getStatus().condition(ConditionType.TrafficRouting);
  }

  @Test
  void anUnknownRouterIsAnInvalidSpecWithAnEventAndOtherRolloutsGoOn() throws Exception {
    cluster.create(routed("lost", List.of(CanaryStep.setWeight(50)), "ramp-tests/nope"));
    Rollout r = awaitRollout("lost", rr -> "Degraded".equals(rr.getStatus().phase));
    String message =
        "spec.strategy.canary.trafficRouting.plugins: \"ramp-tests/nope\" is not a configured"
            + " traffic-router plugin; add it to trafficRouterPlugins in the plugin ConfigMap or"
            + " fix the name";
    assertThat(r.getStatus().message).isEqualTo("InvalidSpec: " + message);
    await().until(() -> cluster.events("lost").contains("InvalidSpec: " + message));
    // The routed rollout next to it is not held by it.
    deployRouted("web");
  }

  @Test
  void aRouterThatRefusesItsConfigHoldsWithAConditionAndAnEventNamingIt() throws Exception {
    String v1 = deployRouted("web");
    control("{\"refuse\": {\"UpdateHash\": \"config.httpRoute: missing\"}}");
    actions.setImage(Cluster.NS, "web", "app", "demo:2");
    Rollout r = awaitRollout("web", rr -> routing(rr) != null);
    assertThat(routing(r).reason).isEqualTo("TrafficRoutingError");
    assertThat(routing(r).message)
        .startsWith("Traffic router ramp-tests/router: UpdateHash failed:")
        .contains("config.httpRoute: missing");
    await()
        .until(
            () ->
                cluster.events("web").stream()
                    .anyMatch(e -> e.equals("TrafficRoutingError: " + routing(r).message)));
    // The canary may get its pod (it has no traffic); the route step waits for the router.
    awaitRollout("web", rr -> rr.getStatus().currentStepIndex == 1);
    // Nothing moved: stable keeps all the traffic.
    assertThat(calls()).noneMatch(c -> c.startsWith("SetHeaderRoute"));
    assertThat(calls()).doesNotContain("SetWeight 20/100");
    assertThat(r.getStatus().canary.weights.stable.podTemplateHash).isEqualTo(v1);
    assertThat(r.getStatus().canary.weights.stable.weight).isEqualTo(100);
  }

  @Test
  void aRouterThatHangsEndsAtTheCallDeadlineWithACondition() throws Exception {
    deployRouted("web");
    control("{\"hang\": [\"UpdateHash\"]}");
    actions.setImage(Cluster.NS, "web", "app", "demo:2");
    Rollout r =
        awaitRollout(
            "web", rr -> routing(rr) != null && "TrafficRoutingError".equals(routing(rr).reason));
    assertThat(routing(r).message)
        .startsWith("Traffic router ramp-tests/router: UpdateHash failed:");
    // The canary may get its pod (it has no traffic); the route step waits for the router.
    awaitRollout("web", rr -> rr.getStatus().currentStepIndex == 1);
    assertThat(calls()).noneMatch(c -> c.startsWith("SetHeaderRoute"));
  }

  @Test
  void aDisabledRouterHoldsTheRolloutWhileAnotherRolloutCompletes() throws Exception {
    String v1 = deployRouted("web");
    configure("  disabled: true\n");
    await()
        .until(
            () ->
                host.trafficRouterClient().availability(ROUTER).state()
                    == PluginAvailability.State.DISABLED);
    actions.setImage(Cluster.NS, "web", "app", "demo:2");
    Rollout r = awaitRollout("web", rr -> routing(rr) != null);
    assertThat(routing(r).reason).isEqualTo("TrafficRouterDisabled");
    assertThat(routing(r).message)
        .startsWith("Traffic router ramp-tests/router is disabled in the plugin ConfigMap");
    await()
        .until(
            () ->
                cluster.events("web").stream()
                    .anyMatch(
                        e ->
                            e.startsWith(
                                "TrafficRouterDisabled: Traffic router ramp-tests/router")));
    // A rollout without a router is not held by it.
    deployStable("plain");
    actions.setImage(Cluster.NS, "plain", "app", "demo:2");
    awaitRollout("plain", phase("Paused", 1));
    assertThat(awaitRollout("web", rr -> true).getStatus().stableRS).isEqualTo(v1);
    assertThat(calls()).hasSize(3);
  }
}
