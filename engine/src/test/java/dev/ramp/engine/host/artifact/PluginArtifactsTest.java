package dev.ramp.engine.host.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ramp.engine.host.artifact.PluginArtifactException.Reason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a real HTTP server on 127.0.0.1. */
class PluginArtifactsTest {

  private static final byte[] PLUGIN = "#!/bin/sh\necho plugin\n".getBytes(StandardCharsets.UTF_8);
  private static final String PLUGIN_SHA = sha256(PLUGIN);

  @TempDir Path cache;
  @TempDir Path files;

  private HttpServer server;
  private final AtomicInteger downloads = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private PluginArtifacts artifacts;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/plugins/gate",
        exchange -> {
          downloads.incrementAndGet();
          exchange.sendResponseHeaders(200, PLUGIN.length);
          exchange.getResponseBody().write(PLUGIN);
          exchange.close();
        });
    server.createContext(
        "/broken",
        exchange -> {
          exchange.sendResponseHeaders(500, -1);
          exchange.close();
        });
    server.createContext(
        "/slow",
        exchange -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    artifacts = new PluginArtifacts(cache, Duration.ofMillis(500));
  }

  @AfterEach
  void stopServer() {
    release.countDown();
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Test
  void downloadsOnceIntoTheCacheKeyedBySha256() {
    Path first = artifacts.resolve("acme/gate", url("/plugins/gate"), PLUGIN_SHA);
    Path second = artifacts.resolve("acme/gate", url("/plugins/gate"), PLUGIN_SHA.toUpperCase());

    assertThat(first).isEqualTo(second).startsWith(cache.resolve("sha256").resolve(PLUGIN_SHA));
    assertThat(first).hasBinaryContent(PLUGIN).isExecutable();
    assertThat(downloads).hasValue(1);
  }

  @Test
  void aCorruptedCacheEntryIsDownloadedAgain() throws IOException {
    Path file = artifacts.resolve("acme/gate", url("/plugins/gate"), PLUGIN_SHA);
    Files.writeString(file, "tampered");

    assertThat(artifacts.resolve("acme/gate", url("/plugins/gate"), PLUGIN_SHA))
        .hasBinaryContent(PLUGIN);
    assertThat(downloads).hasValue(2);
  }

  @Test
  void notFoundIsRefusedWithTheStatus() {
    assertThatThrownBy(() -> artifacts.resolve("acme/gate", url("/missing"), PLUGIN_SHA))
        .isInstanceOfSatisfying(
            PluginArtifactException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
        .hasMessageContaining("plugin acme/gate")
        .hasMessageContaining("/missing answered HTTP 404");
  }

  @Test
  void aServerErrorIsADownloadFailure() {
    assertThatThrownBy(() -> artifacts.resolve("acme/gate", url("/broken"), PLUGIN_SHA))
        .isInstanceOfSatisfying(
            PluginArtifactException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.DOWNLOAD_FAILED))
        .hasMessageContaining("HTTP 500");
  }

  @Test
  void aWrongChecksumIsRefusedAndNothingIsCached() throws IOException {
    String wrong = "0".repeat(64);
    assertThatThrownBy(() -> artifacts.resolve("acme/gate", url("/plugins/gate"), wrong))
        .isInstanceOfSatisfying(
            PluginArtifactException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH))
        .hasMessageContaining("has sha256 " + PLUGIN_SHA)
        .hasMessageContaining("expects " + wrong);
    try (var entries = Files.walk(cache)) {
      assertThat(entries.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void anUnreachableHostIsRefused() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    assertThatThrownBy(
            () ->
                artifacts.resolve(
                    "acme/gate", "http://127.0.0.1:" + closedPort + "/plugins/gate", PLUGIN_SHA))
        .isInstanceOfSatisfying(
            PluginArtifactException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE))
        .hasMessageContaining("cannot reach");
  }

  @Test
  void aServerThatNeverAnswersTimesOut() {
    assertThatThrownBy(() -> artifacts.resolve("acme/gate", url("/slow"), PLUGIN_SHA))
        .isInstanceOfSatisfying(
            PluginArtifactException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
        .hasMessageContaining("timed out");
  }

  @Test
  void remoteLocationsNeedASha256() {
    assertThatThrownBy(() -> artifacts.resolve("acme/gate", "https://example.invalid/p.jar", null))
        .isInstanceOfSatisfying(
            PluginArtifactException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.SHA256_REQUIRED))
        .hasMessageContaining("needs a sha256");
  }

  @Test
  void plainHttpOnlyToLoopback() {
    assertThatThrownBy(
            () -> artifacts.resolve("acme/gate", "http://example.invalid/p.jar", PLUGIN_SHA))
        .isInstanceOfSatisfying(
            PluginArtifactException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_LOCATION))
        .hasMessageContaining("use https://");
  }

  @Test
  void unknownSchemesAndBadDigestsAreRefused() {
    assertThatThrownBy(() -> artifacts.resolve("acme/gate", "s3://bucket/p.jar", PLUGIN_SHA))
        .hasMessageContaining("scheme 's3'");
    assertThatThrownBy(() -> artifacts.resolve("acme/gate", url("/plugins/gate"), "abc"))
        .hasMessageContaining("'abc' is not 64 hexadecimal digits");
    assertThatThrownBy(() -> artifacts.resolve("acme/gate", "relative/p.jar", null))
        .hasMessageContaining("neither an absolute path");
  }

  @Test
  void localFilesAreCheckedInPlace() throws IOException {
    Path file = files.resolve("gate.sh");
    Files.write(file, PLUGIN);

    assertThat(artifacts.resolve("acme/gate", file.toUri().toString(), PLUGIN_SHA)).isEqualTo(file);
    assertThat(artifacts.resolve("acme/gate", file.toString(), null)).isEqualTo(file);
    assertThatThrownBy(() -> artifacts.resolve("acme/gate", file.toString(), "1".repeat(64)))
        .isInstanceOfSatisfying(
            PluginArtifactException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CHECKSUM_MISMATCH));
    assertThatThrownBy(() -> artifacts.resolve("acme/gate", files.resolve("nope").toString(), null))
        .isInstanceOfSatisfying(
            PluginArtifactException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
