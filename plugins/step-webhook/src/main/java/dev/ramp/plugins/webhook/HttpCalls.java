package dev.ramp.plugins.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Sends one request and says what came back, or why nothing did. */
final class HttpCalls {

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final int SNIPPET_LENGTH = 200;

  /** An answer from the server. */
  record Response(int status, String body, Optional<String> location) {

    /** The body as JSON, or null when it is empty or not JSON. */
    JsonNode json() {
      try {
        JsonNode tree = Json.MAPPER.readTree(body == null ? "" : body);
        return tree == null || tree.isMissingNode() ? null : tree;
      } catch (JsonProcessingException e) {
        return null;
      }
    }

    /** "HTTP 503: <first characters of the body>", for messages. */
    String describe() {
      String snippet = snippet(body);
      return "HTTP " + status + (snippet.isEmpty() ? " with an empty body" : ": " + snippet);
    }
  }

  /** No answer: connection refused or reset, DNS failure, timeout. A retry may help. */
  static final class Unreachable extends Exception {
    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  private final HttpClient client;

  HttpCalls(HttpClient client) {
    this.client = client;
  }

  /** The client the plugin uses: HTTP/1.1 (what Jenkins and most gates speak), no redirects. */
  static HttpClient defaultClient() {
    // Redirects are never followed: a redirect would carry secret headers to a URL that the
    // allowed-prefix check has not seen.
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  Response send(
      String method,
      URI url,
      Map<String, String> headers,
      HttpRequest.BodyPublisher body,
      String idempotencyKey,
      Duration timeout)
      throws Unreachable {
    HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).method(method, body);
    headers.forEach(request::header);
    if (!idempotencyKey.isEmpty()) {
      request.header(IDEMPOTENCY_KEY, idempotencyKey);
    }
    String what = method + " " + display(url);
    try {
      HttpResponse<String> response =
          client
              .sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Response(
          response.statusCode(), response.body(), response.headers().firstValue("Location"));
    } catch (TimeoutException e) {
      throw new Unreachable(what + " timed out after " + Durations.format(timeout));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable(what + " was interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpTimeoutException) {
        throw new Unreachable(what + " timed out after " + Durations.format(timeout));
      }
      if (cause instanceof IOException) {
        throw new Unreachable(what + " failed: " + describe(cause));
      }
      throw new IllegalStateException(what + " failed: " + describe(cause), cause);
    }
  }

  /** 5xx, 429 and 408 say "not now": a retry may succeed, so they are ERROR, never FAILED. */
  static boolean retryable(int status) {
    return status >= 500 || status == 429 || status == 408;
  }

  /** A URL for messages: scheme, host, port and path, without the query (it may hold tokens). */
  static String display(URI url) {
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    return url.getScheme() + "://" + url.getRawAuthority() + path;
  }

  /** The start of a body on one line, for messages. */
  static String snippet(String body) {
    return abbreviate(body == null ? "" : body.strip().replaceAll("\\s+", " "), SNIPPET_LENGTH);
  }

  static String abbreviate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…";
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    String type = t.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }
}
