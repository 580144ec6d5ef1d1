package dev.ramp.tests.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.actions.RolloutActions;
import dev.ramp.engine.model.Rollout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop with real traffic: a Rollout with the NGINX router moves real requests through a
 * real NGINX, counted by the Services' pods (see {@link ClosedLoop}); a real Prometheus scrapes
 * their counters and an analysis step on the canary's error rate decides. Every share is counted by
 * the backends, once their counters stop moving; nothing waits for a fixed time.
 *
 * <ol>
 *   <li>v2, a healthy canary: a header route, then a 50 % mirror, then 20 % by weight, each
 *       measured at its pause; the analysis passes; v2 goes to 100 % and the managed routes are
 *       gone from the include;
 *   <li>v3 answers 3 requests in 10 with a 500: the analysis fails, the rollout aborts, and NGINX
 *       sends nothing to the canary — no hand in the loop.
 * </ol>
 */
class NginxClosedLoopIT {

  static final String HEALTHY_STEPS =
      "[{setCanaryScale: {replicas: 1}},"
          + " {setHeaderRoute: {name: tax-user, match: [{headerName: X-Tax-User,"
          + " headerValue: {exact: henrik}}]}},"
          + " {pause: {}},"
          + " {setHeaderRoute: {name: tax-user}},"
          + " {setMirrorRoute: {name: shadow, percentage: 50, match: [{path: {prefix: /}}]}},"
          + " {pause: {}},"
          + " {setMirrorRoute: {name: shadow}},"
          + " {setWeight: 20},"
          + " {pause: {}},"
          + " {analysis: {templates: [{templateName: canary-errors}]}}]";

  static final String BAD_STEPS =
      "[{setWeight: 20}, {analysis: {templates: [{templateName: canary-errors}]}}, {pause: {}}]";

  @TempDir Path dir;

  @Test
  void realTrafficFollowsTheStepsAndBadMetricsPullTheCanaryBack() throws Exception {
    assumeThat(ClosedLoop.available()).as("Debian's nginx and prometheus installed").isTrue();
    try (ClosedLoop loop = new ClosedLoop(dir)) {
      RolloutActions actions = new RolloutActions(loop.client, Clock.systemUTC());
      loop.createServicesAndTemplate();
      loop.client.resource(loop.rollout("1", HEALTHY_STEPS)).create();
      awaitStatus(loop, "v1 Healthy", s -> "Healthy".equals(s.path("phase").asText()));
      await("the include written and served")
          .atMost(Duration.ofSeconds(60))
          .until(() -> loop.serving(state -> state.path("weight").asInt() == 0));
      loop.startBackgroundTraffic();

      // v2: the header route.
      actions.setImage(ClosedLoop.NS, ClosedLoop.NAME, "app", "registry.example/checkout:2");
      awaitPauseAt(loop, 2);
      await("the header route served")
          .atMost(Duration.ofSeconds(30))
          .until(() -> loop.serving(state -> state.path("headerRoutes").has("tax-user")));
      assertThat(loop.send("henrik", 300, Map.of("X-Tax-User", "henrik")))
          .containsExactly(Map.entry("2", 300));
      assertThat(loop.send("others", 300, Map.of("X-Tax-User", "someone")))
          .containsExactly(Map.entry("1", 300));
      assertThat(loop.settled("henrik", "2")).isEqualTo(300);
      assertThat(loop.settled("others", "2")).isZero();

      // The mirror at 50 %.
      actions.promote(ClosedLoop.NS, ClosedLoop.NAME);
      awaitPauseAt(loop, 5);
      await("the mirror route served")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  loop.serving(
                      state ->
                          state.path("mirrorRoutes").has("shadow")
                              && state.path("headerRoutes").isEmpty()));
      assertThat(loop.send("mirror", 2000, Map.of())).containsExactly(Map.entry("1", 2000));
      assertThat(loop.settled("mirror", "1")).isEqualTo(2000);
      assertThat(loop.settled("mirror", "2")).isBetween(900L, 1100L);

      // 20 % by weight.
      actions.promote(ClosedLoop.NS, ClosedLoop.NAME);
      awaitPauseAt(loop, 8);
      awaitStatus(
          loop,
          "weight 20 verified",
          s ->
              s.path("canary").path("weights").path("canary").path("weight").asInt() == 20
                  && s.path("canary").path("weights").path("verified").asBoolean());
      assertThat(loop.includeState().path("mirrorRoutes").isEmpty()).isTrue();
      Map<String, Integer> split = loop.send("weight", 2000, Map.of());
      assertThat(split.getOrDefault("1", 0) + split.getOrDefault("2", 0)).isEqualTo(2000);
      assertThat(loop.settled("weight", "2")).isBetween(340L, 460L);

      // The analysis passes; v2 goes to 100 % and becomes stable.
      actions.promote(ClosedLoop.NS, ClosedLoop.NAME);
      awaitStatus(
          loop,
          "v2 promoted",
          s ->
              "Healthy".equals(s.path("phase").asText())
                  && s.path("stableRS").asText().equals(s.path("currentPodHash").asText())
                  && s.path("canary").path("weights").path("verified").asBoolean());
      JsonNode done = loop.includeState();
      assertThat(done.path("headerRoutes").isEmpty() && done.path("mirrorRoutes").isEmpty())
          .as("no managed route left in the include: %s", done)
          .isTrue();
      assertThat(Files.readString(loop.include())).doesNotContain("map ", "mirror /");
      assertThat(loop.send("promoted", 300, Map.of())).containsExactly(Map.entry("2", 300));

      // v3 answers 30 % errors: the analysis fails and the canary loses its traffic, no hand.
      Rollout bad = loop.get();
      Rollout edited = loop.rollout("3", BAD_STEPS);
      bad.setSpec(edited.getSpec());
      loop.client.resource(bad).update();
      awaitStatus(
          loop,
          "v3 aborted by its analysis",
          s -> s.path("abort").asBoolean() && "Degraded".equals(s.path("phase").asText()));
      assertThat(loop.firstBadAnswer.get()).isNotZero();
      await("NGINX sending nothing to the canary")
          .atMost(Duration.ofSeconds(60))
          .until(() -> loop.serving(state -> state.path("weight").asInt() == 0));
      assertThat(loop.send("aborted", 500, Map.of())).containsExactly(Map.entry("2", 500));
      assertThat(loop.settled("aborted", "3")).isZero();
    }
  }

  static void awaitStatus(
      ClosedLoop loop, String what, java.util.function.Predicate<JsonNode> condition) {
    await(what)
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(100))
        .until(loop::status, condition::test);
  }

  static void awaitPauseAt(ClosedLoop loop, int step) {
    awaitStatus(
        loop,
        "paused at step " + step,
        s ->
            s.path("currentStepIndex").asInt() == step
                && "Paused".equals(s.path("phase").asText()));
  }
}
