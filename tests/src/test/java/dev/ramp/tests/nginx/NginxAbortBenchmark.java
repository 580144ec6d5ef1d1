package dev.ramp.tests.nginx;

import dev.ramp.engine.actions.RolloutActions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The closed loop's reaction time, in the world of {@link NginxClosedLoopIT} (real NGINX, real
 * Prometheus scraping every 1 s, the analysis measuring the canary's error rate every 2 s, the
 * NGINX router plugin JAR hosted by the controller): from the first 500 a bad canary answers to the
 * moment NGINX's workers serve an include that sends the canary nothing. Each sample is a {@code
 * retry} of the aborted v3 rollout ({@code setWeight: 20} then the analysis), polled every 20 ms.
 * Goal: at most one analysis interval + one scrape interval + 2 s = 5 s.
 *
 * <p>Prints its figures and asserts nothing. {@code -Dbench.samples} (default 5).
 */
class NginxAbortBenchmark {

  static final String STEPS =
      "[{setWeight: 20}, {analysis: {templates: [{templateName: canary-errors}]}}, {pause: {}}]";

  @Test
  void firstBadAnswerToNoCanaryTraffic() throws Exception {
    if (!ClosedLoop.available()) {
      System.out.println("NginxAbortBenchmark: nginx or prometheus is not installed; skipped");
      return;
    }
    int samples = Integer.getInteger("bench.samples", 5);
    Path dir = Files.createTempDirectory("ramp-nginx-bench");
    try (ClosedLoop loop = new ClosedLoop(dir)) {
      RolloutActions actions = new RolloutActions(loop.client, Clock.systemUTC());
      loop.createServicesAndTemplate();
      loop.client.resource(loop.rollout("1", STEPS)).create();
      until(() -> "Healthy".equals(loop.status().path("phase").asText()));
      loop.startBackgroundTraffic();
      List<double[]> results = new ArrayList<>();
      for (int i = 1; i <= samples; i++) {
        loop.firstBadAnswer.set(0);
        // A new bad revision each time (a retry of the aborted one does not route again: see
        // the report of the branch that added this benchmark).
        actions.setImage(ClosedLoop.NS, ClosedLoop.NAME, "app", "registry.example/checkout:3-" + i);
        until(() -> !loop.status().path("abort").asBoolean());
        long aborted = 0;
        long routed = 0;
        while (routed == 0) {
          if (aborted == 0 && loop.status().path("abort").asBoolean()) {
            aborted = System.nanoTime();
          }
          if (loop.firstBadAnswer.get() != 0
              && aborted != 0
              && loop.serving(state -> state.path("weight").asInt() == 0)) {
            routed = System.nanoTime();
          }
          Thread.sleep(20);
        }
        long bad = loop.firstBadAnswer.get();
        double[] r = {(routed - bad) / 1e9, (aborted - bad) / 1e9, (routed - aborted) / 1e9};
        results.add(r);
        System.out.printf(
            Locale.ROOT,
            "sample %d: first bad answer -> aborted %.2f s, aborted -> NGINX at 0 %% %.2f s,"
                + " total %.2f s%n",
            i,
            r[1],
            r[2],
            r[0]);
        until(() -> "Degraded".equals(loop.status().path("phase").asText()));
        // Back to stable before the next sample.
        actions.setImage(ClosedLoop.NS, ClosedLoop.NAME, "app", "registry.example/checkout:1");
        until(
            () ->
                "Healthy".equals(loop.status().path("phase").asText())
                    && !loop.status().path("abort").asBoolean());
      }
      String[] names = {
        "first bad answer -> 0 % canary in NGINX",
        "first bad answer -> Rollout aborted",
        "Rollout aborted -> 0 % canary in NGINX"
      };
      for (int c = 0; c < 3; c++) {
        List<Double> v = new ArrayList<>();
        for (double[] r : results) {
          v.add(r[c]);
        }
        Collections.sort(v);
        System.out.printf(
            Locale.ROOT,
            "%-42s n=%d  min %.2f s  median %.2f s  max %.2f s%n",
            names[c],
            v.size(),
            v.get(0),
            v.get(v.size() / 2),
            v.get(v.size() - 1));
      }
    }
  }

  interface Check {
    boolean done() throws Exception;
  }

  static void until(Check check) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!check.done()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not done within 120 s");
      }
      Thread.sleep(50);
    }
  }
}
