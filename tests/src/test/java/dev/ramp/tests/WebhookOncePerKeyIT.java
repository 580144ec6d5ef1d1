package dev.ramp.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.runtime.RampRuntime;
import dev.ramp.engine.sandbox.EmbeddedCluster;
import dev.ramp.engine.sandbox.NodeSimulator;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once without a crash: 50 rollouts through one webhook step (the step-webhook JAR as a
 * real child process), against a local gate that counts trigger requests per Idempotency-Key. Many
 * endpoints ignore that header, so in normal operation each trigger must arrive once.
 */
class WebhookOncePerKeyIT {
  static final String NS = "shop";
  static final int ROLLOUTS = 50;

  @TempDir Path dir;
  HttpServer gate;
  final Map<String, AtomicInteger> triggers = new ConcurrentHashMap<>();
  final AtomicInteger polls = new AtomicInteger();
  EmbeddedCluster cluster;
  NodeSimulator nodes;
  RampRuntime runtime;

  @BeforeEach
  void start() throws Exception {
    gate = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    gate.createContext(
        "/trigger",
        exchange -> {
          String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
          int n = triggers.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
          exchange.getResponseHeaders().add("Location", "/checks/" + key);
          exchange.sendResponseHeaders(n == 1 ? 201 : 200, -1);
          exchange.close();
        });
    gate.createContext(
        "/checks/",
        exchange -> {
          polls.incrementAndGet();
          byte[] body = "{\"result\":\"APPROVED\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    gate.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    gate.start();

    cluster = EmbeddedCluster.start(EmbeddedCluster.rampCrds(), List.of(NS, "ramp-system"));
    KubernetesClient client = cluster.client();
    nodes = new NodeSimulator(client, Duration.ZERO).start();
    client
        .configMaps()
        .inNamespace("ramp-system")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("ramp-config")
                .withNamespace("ramp-system")
                .endMetadata()
                .withData(
                    Map.of(
                        "stepPlugins",
                        "- name: ramp/step-webhook\n  location: "
                            + Path.of("../plugins/step-webhook/target/ramp-step-webhook.jar")
                                .toAbsolutePath()
                                .normalize()
                            + "\n  callDeadline: 20s\n"))
                .build())
        .create();
    runtime =
        new RampRuntime(
            client,
            RampRuntime.Settings.defaults("ramp-system")
                .withPluginHost(
                    PluginHost.Settings.defaults()
                        .withRunnerJar(TestPlugins.runnerJar())
                        .withCacheDir(dir.resolve("cache"))));
    runtime.start();
  }

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    if (nodes != null) {
      nodes.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (gate != null) {
      gate.stop(0);
    }
  }

  Rollout rollout(String name) throws Exception {
    String base = "http://127.0.0.1:" + gate.getAddress().getPort();
    return Json.MAPPER.readValue(
        ("{'apiVersion':'ramp.dev/v1alpha1','kind':'Rollout',"
                + "'metadata':{'name':'NAME','namespace':'NS'},"
                + "'spec':{'replicas':1,'selector':{'matchLabels':{'app':'NAME'}},"
                + "'template':{'metadata':{'labels':{'app':'NAME'}},"
                + "'spec':{'containers':[{'name':'app','image':'shop:1'}]}},"
                + "'strategy':{'canary':{'steps':["
                + "{'setWeight':50},"
                + "{'plugin':{'name':'ramp/step-webhook','config':{"
                + "'url':'BASE/trigger','expectedStatus':[200,201],"
                + "'poll':{'url':'{{location}}','interval':'1s','resultPointer':'/result',"
                + "'successValues':['APPROVED'],'failureValues':['REJECTED']}}}}]}}}}")
            .replace('\'', '"')
            .replace("NAME", name)
            .replace("NS", NS)
            .replace("BASE", base),
        Rollout.class);
  }

  Rollout get(String name) {
    return cluster.client().resources(Rollout.class).inNamespace(NS).withName(name).get();
  }

  boolean healthyAtTheEnd(String name) {
    Rollout r = get(name);
    return r != null
        && r.getStatus() != null
        && "Healthy".equals(r.getStatus().phase)
        && Integer.valueOf(2).equals(r.getStatus().currentStepIndex)
        && r.getStatus().stableRS != null
        && r.getStatus().stableRS.equals(r.getStatus().currentPodHash)
        && r.getMetadata().getGeneration().equals(r.getStatus().observedGeneration);
  }

  @Test
  void fiftyRolloutsThroughAWebhookStepTriggerOncePerKey() throws Exception {
    KubernetesClient client = cluster.client();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < ROLLOUTS; i++) {
      String name = "svc-" + i;
      client.resources(Rollout.class).inNamespace(NS).resource(rollout(name)).create();
      names.add(name);
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> names.stream().allMatch(this::healthyAtTheEnd));
    assertThat(triggers).as("nothing triggers for the first revision").isEmpty();

    for (String name : names) {
      client
          .resources(Rollout.class)
          .inNamespace(NS)
          .withName(name)
          .edit(
              r -> {
                ((com.fasterxml.jackson.databind.node.ObjectNode)
                        r.getSpec().template.path("spec").path("containers").path(0))
                    .put("image", "shop:2");
                return r;
              });
    }
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                names.stream()
                    .allMatch(
                        n -> {
                          Rollout r = get(n);
                          return healthyAtTheEnd(n)
                              && r.getStatus().canary != null
                              && r.getStatus().canary.stepPluginStatuses != null;
                        }));

    for (String name : names) {
      var entry = get(name).getStatus().canary.stepPluginStatuses.get(0);
      assertThat(entry.phase).as(name).isEqualTo("Successful");
    }
    assertThat(triggers).hasSize(ROLLOUTS);
    assertThat(triggers.values())
        .as("trigger requests per Idempotency-Key")
        .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    double conflicts =
        runtime.meterRegistry().find("ramp.reconcile").tag("result", "conflict").counters().stream()
            .mapToDouble(c -> c.count())
            .sum();
    System.out.printf(
        "figure: %d rollouts through a webhook step: %d triggers, %d polls, %.0f status"
            + " conflicts%n",
        ROLLOUTS,
        triggers.values().stream().mapToInt(AtomicInteger::get).sum(),
        polls.get(),
        conflicts);
  }
}
