package dev.ramp.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import dev.ramp.plugin.sdk.testkit.ConformanceReport;
import dev.ramp.plugin.sdk.testkit.PluginTestKit;
import dev.ramp.plugin.v1.CallContext;
import dev.ramp.plugin.v1.StepPhase;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import dev.ramp.plugin.v1.StepResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The step-webhook plugin JAR through the real runner over a real Unix socket, against a real HTTP
 * server on 127.0.0.1: the test kit passes, and a trigger + poll round trip carries its state and
 * the idempotency key.
 */
class WebhookThroughRunnerIT {

  private HttpServer server;
  private final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
  private final AtomicInteger polls = new AtomicInteger();

  @BeforeEach
  void startGate() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/trigger",
        exchange -> {
          idempotencyKeys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
          exchange.getResponseHeaders().add("Location", "/status/1");
          exchange.sendResponseHeaders(201, -1);
          exchange.close();
        });
    server.createContext(
        "/status/1",
        exchange -> {
          idempotencyKeys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
          String body =
              polls.incrementAndGet() < 2 ? "{\"result\":null}" : "{\"result\":\"SUCCESS\"}";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stopGate() {
    server.stop(0);
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private LaunchSpec spec() {
    return new LaunchSpec(
        "ramp/step-webhook",
        Path.of("../plugins/step-webhook/target/ramp-step-webhook.jar")
            .toAbsolutePath()
            .normalize(),
        null,
        List.of(),
        Map.of(),
        List.of(),
        Duration.ofSeconds(30),
        TestPlugins.runnerJar());
  }

  private JsonNode config() {
    return Json.parse(
        "{\"url\":\""
            + base()
            + "/trigger\",\"expectedStatus\":[201],"
            + "\"poll\":{\"url\":\"{{location}}\",\"interval\":\"1s\",\"resultPointer\":\"/result\","
            + "\"successValues\":[\"SUCCESS\"],\"failureValues\":[\"FAILURE\"]}}");
  }

  @Test
  void passesTheTestKit() {
    ConformanceReport report =
        new PluginTestKit().verify(spec(), Set.of(PluginTestKit.Kind.STEP), config());
    assertThat(report.passed()).as(report.render()).isTrue();
  }

  @Test
  void triggersPollsAndSucceedsWithTheSameIdempotencyKey() {
    try (PluginProcess plugin = new PluginLauncher().launch(spec())) {
      var stub =
          StepPluginGrpc.newBlockingStub(plugin.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
      CallContext context =
          CallContext.newBuilder()
              .setRolloutUid("u-1")
              .setNamespace("shop")
              .setRolloutName("checkout")
              .setPodTemplateHash("abc123")
              .setStepIndex(2)
              .setOperation("Run")
              .setAttempt(1)
              .setIdempotencyKey("u-1/abc123/2/Run")
              .setPluginName("ramp/step-webhook")
              .build();
      StepRequest first =
          StepRequest.newBuilder()
              .setContext(context)
              .setRolloutJson("{\"metadata\":{\"name\":\"checkout\",\"namespace\":\"shop\"}}")
              .setConfigJson(config().toString())
              .build();
      StepResult triggered = stub.run(first);
      assertThat(triggered.getPhase()).isEqualTo(StepPhase.STEP_PHASE_RUNNING);
      assertThat(triggered.getRequeueAfter().getSeconds()).isEqualTo(1);

      StepResult state = triggered;
      int calls = 0;
      while (state.getPhase() == StepPhase.STEP_PHASE_RUNNING && calls++ < 5) {
        state = stub.run(first.toBuilder().setStateJson(state.getStateJson()).build());
      }
      assertThat(state.getPhase())
          .as(state.getMessage())
          .isEqualTo(StepPhase.STEP_PHASE_SUCCESSFUL);
      assertThat(polls).hasValue(2);
      assertThat(idempotencyKeys).hasSize(3).containsOnly("u-1/abc123/2/Run");
    }
  }
}
