package dev.ramp.engine.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;

/**
 * The API server's time, from the {@code Date} header of a {@code /version} answer: the clock the
 * controller's timestamps agree with. Views count pauses down and ages up against it, so that a
 * laptop whose clock is off — or a rehearsal whose world runs faster than the machine — shows the
 * times the controller works with. Falls back to the machine's clock when the server sends none.
 */
final class ServerClock extends Clock {
  private final KubernetesClient client;
  private final Clock fallback;

  ServerClock(KubernetesClient client, Clock fallback) {
    this.client = client;
    this.fallback = fallback;
  }

  @Override
  public Instant instant() {
    Instant server = serverTime();
    return server == null ? fallback.instant() : server;
  }

  private Instant serverTime() {
    try {
      HttpClient http = client.getHttpClient();
      HttpRequest request =
          http.newHttpRequestBuilder().uri(client.getMasterUrl() + "version").build();
      HttpResponse<String> response =
          http.sendAsync(request, String.class).get(10, TimeUnit.SECONDS);
      return parse(response.header("Date"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null; // no answer: the views fall back to the machine's clock
    }
  }

  /** An HTTP date (RFC 1123), or null when there is none or it does not parse. */
  static Instant parse(String date) {
    if (date == null || date.isBlank()) {
      return null;
    }
    try {
      return ZonedDateTime.parse(date.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the server's clock is read in UTC");
  }
}
