package dev.ramp.tests.judge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * One version of the service as Prometheus scrapes it: {@code http_requests_total{version, code}}
 * counters on 127.0.0.1. Each scrape adds 1000 requests, each failing with the probability of the
 * daily season at that moment times this version's {@link #errorFactor}, drawn from a seeded
 * random. The season is compressed: an hour lasts {@link #HOUR} of wall time from the start the
 * test gives, and the error rate is 0.4 % at night and 2 to 4 % in the day's peak (from 10:00 to
 * 20:00, 4 % at 15:00). A version serves no series until its pod-template hash is known ({@link
 * #version}).
 */
final class SeasonBackend implements AutoCloseable {
  static final Duration HOUR = Duration.ofSeconds(15);

  private final HttpServer server;
  private final Clock clock;
  private final Instant midnight;
  private final Random random;
  private volatile String version;
  private final double errorFactor;
  private long requests;
  private long errors;

  /**
   * @param startHour the season's hour at {@code clock}'s now
   */
  SeasonBackend(Clock clock, double startHour, double errorFactor, long seed) throws IOException {
    this.clock = clock;
    this.midnight = clock.instant().minusMillis((long) (startHour * HOUR.toMillis()));
    this.errorFactor = errorFactor;
    this.random = new Random(seed);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", this::scrape);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  void version(String hash) {
    version = hash;
  }

  /** The season's error probability at this hour of the day (0-24). */
  static double season(double hour) {
    double day = Math.max(0, Math.sin(Math.PI * (hour - 6) / 18));
    return 0.004 + 0.036 * day * day;
  }

  double hour() {
    double hours =
        (double) Duration.between(midnight, clock.instant()).toMillis() / HOUR.toMillis();
    return hours % 24;
  }

  private void scrape(HttpExchange ex) throws IOException {
    String body;
    synchronized (this) {
      String v = version;
      if (v == null) {
        body = "";
      } else {
        double p = Math.min(1, season(hour()) * errorFactor);
        for (int i = 0; i < 1000; i++) {
          errors += random.nextDouble() < p ? 1 : 0;
        }
        requests += 1000;
        body =
            "# TYPE http_requests_total counter\n"
                + line(v, "200", requests - errors)
                + line(v, "500", errors);
      }
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
    ex.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String line(String version, String code, long value) {
    return "http_requests_total{version=\"" + version + "\",code=\"" + code + "\"} " + value + "\n";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
