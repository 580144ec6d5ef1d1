package dev.ramp.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginAvailability.State;
import dev.ramp.engine.plugin.StepOperation;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote plugin locations through the whole host: a plugin served by a local HTTP server is
 * downloaded once into the cache and run; a 404, a wrong checksum and an unreachable host each keep
 * that plugin out with the reason in its state, while the others run.
 */
class PluginHostDownloadIT {
  // Each call a new delivery: the host reuses an answer given for the same key and attempt.
  private static final java.util.concurrent.atomic.AtomicInteger ATTEMPTS =
      new java.util.concurrent.atomic.AtomicInteger();

  @TempDir Path cache;
  private HttpServer server;
  private final AtomicInteger downloads = new AtomicInteger();
  private PluginHost host;
  private byte[] plugin;
  private String sha256;

  @BeforeEach
  void start() throws Exception {
    plugin = Files.readAllBytes(TestPlugins.echoJar());
    sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plugin));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/plugins/echo.jar",
        exchange -> {
          downloads.incrementAndGet();
          exchange.sendResponseHeaders(200, plugin.length);
          exchange.getResponseBody().write(plugin);
          exchange.close();
        });
    server.start();
    host =
        new PluginHost(
            PluginHost.Settings.defaults()
                .withRunnerJar(TestPlugins.runnerJar())
                .withCacheDir(cache)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)),
            new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    host.close();
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Test
  void downloadsRunsAndRefusesEachFailureOnItsOwn() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String entries =
        entry("ramp-tests/echo", url("/plugins/echo.jar"), sha256)
            + entry("ramp-tests/missing", url("/plugins/missing.jar"), sha256)
            + entry("ramp-tests/tampered", url("/plugins/echo.jar"), "2".repeat(64))
            // Another digest: the cache holds the echo JAR under its own, so this one must
            // download.
            + entry(
                "ramp-tests/unreachable",
                "http://127.0.0.1:" + closedPort + "/plugins/echo.jar",
                "3".repeat(64));
    host.apply(PluginConfigSnapshot.parse(Map.of("stepPlugins", entries), 10));

    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> host.stepClient().availability("ramp-tests/echo").isReady());
    var call =
        new StepCall(
            new PluginContext(
                "uid", "ns", "r", "hash", 0, "sh", "Run", ATTEMPTS.incrementAndGet(), "key", "x"),
            Json.parse("{}"),
            Json.parse("{\"message\":\"downloaded\"}"),
            Json.parse(""));
    var result = host.stepClient().call("ramp-tests/echo", StepOperation.RUN, call);
    assertThat(result.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(result.message()).isEqualTo("downloaded");
    assertThat(cache.resolve("plugins/sha256").resolve(sha256).resolve("echo.jar"))
        .hasBinaryContent(plugin);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              PluginAvailability missing = host.stepClient().availability("ramp-tests/missing");
              assertThat(missing.state()).isEqualTo(State.REFUSED);
              assertThat(missing.reason()).contains("answered HTTP 404");
              PluginAvailability tampered = host.stepClient().availability("ramp-tests/tampered");
              assertThat(tampered.state()).isEqualTo(State.REFUSED);
              assertThat(tampered.reason()).contains("has sha256 " + sha256);
              // The network may come back: retried with backoff, the reason kept meanwhile.
              PluginAvailability unreachable =
                  host.stepClient().availability("ramp-tests/unreachable");
              assertThat(unreachable.state()).isIn(State.BACKING_OFF, State.STARTING);
              assertThat(unreachable.reason()).contains("cannot reach");
            });
    assertThat(downloads.get()).isLessThanOrEqualTo(2);
  }

  private static String entry(String name, String location, String sha256) {
    return "- name: " + name + "\n  location: '" + location + "'\n  sha256: '" + sha256 + "'\n";
  }
}
