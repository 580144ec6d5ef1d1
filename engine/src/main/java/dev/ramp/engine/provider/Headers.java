package dev.ramp.engine.provider;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

/** Setting a spec's {@code headers} on a request; a header the JDK refuses is a message. */
final class Headers {
  private Headers() {}

  static void set(
      HttpRequest.Builder builder,
      List<Map.Entry<String, String>> headers,
      String provider,
      MetricArgs args)
      throws MeasureException {
    for (Map.Entry<String, String> h : headers) {
      try {
        builder.setHeader(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        throw new MeasureException(
            "provider."
                + provider
                + ".headers: header \""
                + args.mask(h.getKey())
                + "\" cannot be sent: "
                + args.mask(e.getMessage()));
      }
    }
  }
}
