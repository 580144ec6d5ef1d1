package dev.ramp.engine.sandbox;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Serves the discovery documents (whatever the query string, as kubectl adds {@code ?timeout=}) and
 * hands every other request to the CRUD dispatcher.
 */
final class DiscoveryDispatcher extends Dispatcher {

  private final Map<String, String> documents = Discovery.documents();
  private final Dispatcher crud;
  private final java.util.concurrent.atomic.AtomicLong writes =
      new java.util.concurrent.atomic.AtomicLong();

  private final Clock clock;
  private final PrinterTables tables;

  DiscoveryDispatcher(Dispatcher crud, PrinterTables tables, Clock clock) {
    this.crud = crud;
    this.tables = tables;
    this.clock = clock;
  }

  /** Every answer carries the world's time in its {@code Date} header, as an API server's does. */
  private MockResponse dated(MockResponse response) {
    return response.setHeader(
        "Date",
        DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atOffset(ZoneOffset.UTC)));
  }

  /** Counts up when a write starts and when it ends: unchanged over a span, none happened. */
  long writes() {
    return writes.get();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if ("GET".equals(request.getMethod())) {
      return dated(read(request));
    }
    writes.incrementAndGet();
    try {
      return dated(crud.dispatch(request));
    } finally {
      writes.incrementAndGet();
    }
  }

  private MockResponse read(RecordedRequest request) {
    if ("GET".equals(request.getMethod())) {
      String path = request.getPath();
      int query = path.indexOf('?');
      String document = documents.get(query < 0 ? path : path.substring(0, query));
      if (document != null) {
        return new MockResponse()
            .setResponseCode(200)
            .addHeader("Content-Type", "application/json")
            .setBody(document);
      }
      if (tables.wanted(request.getHeader("Accept"), path)) {
        return table(request, path);
      }
    }
    return crud.dispatch(request);
  }

  /** The stored answer as a meta.k8s.io Table, as kubectl asks for it. */
  private MockResponse table(RecordedRequest request, String path) {
    MockResponse stored = crud.dispatch(request);
    if (stored.code() != 200 || stored.getBody() == null) {
      return stored;
    }
    try {
      return new MockResponse()
          .setResponseCode(200)
          .addHeader("Content-Type", "application/json")
          .setBody(
              tables.table(path, new String(stored.getBody().getBytes(), StandardCharsets.UTF_8)));
    } catch (java.io.IOException e) {
      return stored;
    }
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }
}
