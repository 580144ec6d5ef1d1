package dev.ramp.engine.kube;

import static dev.ramp.engine.kube.PluginStepIT.entry;
import static dev.ramp.engine.kube.PluginStepIT.plugin;
import static dev.ramp.engine.kube.PluginStepIT.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.engine.NodePlugin;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.model.CanaryStatus;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.plugin.PluginAvailability;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin step on the Node.js plugin of tests/node (@grpc/grpc-js): the mock API server, the real
 * plugin host, a real node child process on a real Unix socket.
 */
class NodePluginStepIT extends RolloutItBase {
  static final String NODE_STEP = "ramp-tests/node";

  @TempDir Path dir;
  Path node;
  PluginHost host;

  @BeforeEach
  void startHost() {
    node = NodePlugin.assumeAvailable();
    host =
        new PluginHost(
            PluginHost.Settings.defaults()
                .withRunnerJar(null)
                .withCacheDir(dir.resolve("cache"))
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withHealth(Duration.ofMillis(500), Duration.ofSeconds(1), 2),
            new SimpleMeterRegistry());
    cluster.stepPlugins = host.stepClient();
  }

  @AfterEach
  void stopHost() {
    if (host != null) {
      host.close();
    }
  }

  @Test
  void aRolloutCompletesAPluginStepOnTheNodePlugin() {
    // As in ramp-config: the node binary as location, the script as its argument.
    String yaml =
        "- name: "
            + NODE_STEP
            + "\n  location: "
            + node
            + "\n  args: ['"
            + NodePlugin.SCRIPT
            + "']\n  maxConcurrentCalls: 2\n";
    PluginConfigSnapshot snapshot =
        PluginConfigSnapshot.parse(Map.of("stepPlugins", yaml), Cluster.WORKERS);
    assertThat(snapshot.refused()).isEmpty();
    host.apply(snapshot);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                host.stepClient().availability(NODE_STEP).state()
                    == PluginAvailability.State.READY);
    cluster.restartController();

    List<CanaryStep> steps =
        List.of(
            CanaryStep.setWeight(20),
            plugin(
                NODE_STEP,
                "{\"runningCalls\": 1, \"requeueMs\": 1000, \"message\": \"checked by node\"}"),
            CanaryStep.setWeight(60));
    cluster.create(Cluster.rollout("demo", 5, steps));
    awaitRollout("demo", phase("Healthy", 3));

    actions.setImage(Cluster.NS, "demo", "app", "demo:2");
    Rollout r = awaitRollout("demo", run(1, "Running", 1));
    assertThat(entry(r, 1, "Run").message).isEqualTo("call 1 of 1");
    assertThat(entry(r, 1, "Run").backoff).isEqualTo("1s");

    // The step is called again after its requeue (1 s on the controller's clock).
    cluster.clock.advance(Duration.ofSeconds(1));
    cluster.clockAdvanced();
    r = awaitRollout("demo", phase("Healthy", 3));
    CanaryStatus.StepPluginStatus done = entry(r, 1, "Run");
    assertThat(done.phase).isEqualTo("Successful");
    assertThat(done.message).isEqualTo("checked by node");
    assertThat(done.status.path("calls").asInt()).isEqualTo(2);
    assertThat(cluster.events("demo").stream().filter(e -> e.startsWith("StepPlugin")))
        .containsExactly(
            "StepPluginRunRunning: step 2 of 3 (plugin ramp-tests/node) Run: Running: call 1 of 1",
            "StepPluginRunSuccessful: step 2 of 3 (plugin ramp-tests/node) Run: Successful: checked by"
                + " node");
  }
}
