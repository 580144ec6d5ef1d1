package dev.ramp.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Prometheus on 127.0.0.1, scraping one target every second, for the tests that measure
 * against a real one. It binds port 0 (the kernel picks a free port: no race with another process)
 * and the port is read from its log.
 */
public final class LocalPrometheus implements AutoCloseable {
  public static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");

  /** Prometheus logs the port it bound ("Listening on" address=127.0.0.1:PORT). */
  private static final Pattern LISTENING =
      Pattern.compile("msg=\"Listening on\" address=127\\.0\\.0\\.1:(\\d+)");

  private final Path dir;
  private final Process process;
  private final String address;

  private LocalPrometheus(Path dir, Process process, String address) {
    this.dir = dir;
    this.process = process;
    this.address = address;
  }

  /** Starts it in {@code dir}, scraping 127.0.0.1:{@code targetPort}; returns once it listens. */
  public static LocalPrometheus start(Path dir, int targetPort) throws IOException {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            + "scrape_configs:\n  - job_name: ramp-test\n    scrape_interval: 1s\n"
            + "    static_configs:\n      - targets: ['127.0.0.1:"
            + targetPort
            + "']\n");
    Process process =
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
                  assertThat(process.isAlive()).as(log(dir)).isTrue();
                  Matcher m = LISTENING.matcher(log(dir));
                  return m.find() ? Integer.valueOf(m.group(1)) : null;
                },
                Objects::nonNull);
    return new LocalPrometheus(dir, process, "http://127.0.0.1:" + port);
  }

  public String address() {
    return address;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What it logged so far, for a failure's message. */
  public String log() {
    return log(dir);
  }

  private static String log(Path dir) {
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
