package dev.ramp.engine.provider;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP exchange for a provider, bounded as Go's {@code http.Client.Timeout} bounds Argo's: the
 * timeout covers connecting, the headers and the whole body; the body is read up to {@link
 * #MAX_BODY} bytes. Every failure is a {@link MeasureException} with a one-line message.
 */
final class HttpCalls {
  /** The largest response body a provider reads (Argo reads any size). */
  static final int MAX_BODY = 4 * 1024 * 1024;

  /** A response: the status and the body's bytes. */
  record Answer(int status, byte[] body) {}

  private final HttpClient client;

  HttpCalls(HttpClient client) {
    this.client = client;
  }

  /**
   * A client for providers: HTTP/1.1 (as Go's for http://); redirects are not followed, so that
   * headers carrying secrets never reach another host (a 3xx is an Error).
   */
  static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * Sends {@code request} and waits at most {@code timeout} for the whole answer.
   *
   * @param what how messages name the request, e.g. {@code GET http://host/path}, secrets masked
   */
  Answer send(HttpRequest request, Duration timeout, String what) throws MeasureException {
    CompletableFuture<HttpResponse<byte[]>> call =
        client.sendAsync(request, info -> new LimitedBody(MAX_BODY));
    try {
      HttpResponse<byte[]> response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Answer(response.statusCode(), response.body());
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new MeasureException(what + ": no answer within the timeout of " + seconds(timeout));
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new MeasureException(what + ": interrupted");
    } catch (ExecutionException e) {
      throw new MeasureException(what + ": " + describe(e.getCause(), timeout));
    }
  }

  private static String describe(Throwable cause, Duration timeout) {
    Throwable root = cause;
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof HttpTimeoutException) {
        return "no answer within the timeout of " + seconds(timeout);
      }
      if (t instanceof BodyTooLarge) {
        return t.getMessage();
      }
      root = t;
    }
    if (cause instanceof ConnectException) {
      // The JDK says nothing more of a refused connection than ConnectException(null).
      String m = cause.getMessage();
      return m == null || m.isBlank() ? "connection refused" : "could not connect: " + m;
    }
    if (root instanceof IOException) {
      return detail(root, root.getClass().getSimpleName());
    }
    return root.getClass().getSimpleName() + ": " + detail(root, "failed");
  }

  private static String detail(Throwable t, String otherwise) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? otherwise : m;
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** The body, refused past a size. */
  private static final class BodyTooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge(int max) {
      super("response body larger than " + max + " bytes");
    }
  }

  /** Collects the body's bytes up to {@code max}, then cancels the exchange. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private Flow.Subscription subscription;

    LimitedBody(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        if (bytes.size() + buffer.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new BodyTooLarge(max));
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}
