package dev.ramp.tests.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Prometheus on 127.0.0.1 (port 0, read from its log), scraping two targets every second,
 * as the engine's {@code LocalPrometheus} does for one.
 */
final class TwoTargetPrometheus implements AutoCloseable {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Pattern LISTENING =
      Pattern.compile("msg=\"Listening on\" address=127\\.0\\.0\\.1:(\\d+)");

  private final Path dir;
  private final Process process;
  private final String address;
  private final HttpClient http = HttpClient.newHttpClient();

  TwoTargetPrometheus(Path dir, int first, int second) throws IOException {
    this.dir = dir;
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            + "scrape_configs:\n  - job_name: shop\n    scrape_interval: 1s\n"
            + "    static_configs:\n      - targets: ['127.0.0.1:"
            + first
            + "', '127.0.0.1:"
            + second
            + "']\n");
    process =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("data")),
                "--web.listen-address=127.0.0.1:0")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    int port =
        await("Prometheus listening")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> {
                  assertThat(process.isAlive()).as(log()).isTrue();
                  Matcher m = LISTENING.matcher(log());
                  return m.find() ? Integer.valueOf(m.group(1)) : null;
                },
                Objects::nonNull);
    address = "http://127.0.0.1:" + port;
  }

  String address() {
    return address;
  }

  /** An instant query's single value, or NaN when it has none. */
  double value(String query) throws IOException, InterruptedException {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        address
                            + "/api/v1/query?query="
                            + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode result = Json.MAPPER.readTree(answer.body()).path("data").path("result");
    return result.size() == 1
        ? Double.parseDouble(result.get(0).path("value").get(1).asText())
        : Double.NaN;
  }

  String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
