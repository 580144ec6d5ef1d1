package dev.ramp.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The built-in metric providers, {@code web} and {@code prometheus}, sharing one HTTP client. The
 * AnalysisRun controller hands {@link #measure} a metric's {@code provider} object and the run's
 * args, and gets one measurement's value or Error.
 */
public final class MetricProviders {
  private final WebProvider web;
  private final PrometheusProvider prometheus;

  private MetricProviders(HttpClient client, Supplier<Instant> now) {
    HttpCalls http = new HttpCalls(client);
    this.web = new WebProvider(http);
    this.prometheus = new PrometheusProvider(http, now);
  }

  /**
   * The providers, with their own HTTP client.
   *
   * @param now the time of a Prometheus instant query and the {@code now()} of a range query
   */
  public static MetricProviders create(Supplier<Instant> now) {
    return new MetricProviders(HttpCalls.newClient(), Objects.requireNonNull(now, "now"));
  }

  /** The provider of a type ({@code web}, {@code prometheus}), if it is built in. */
  public Optional<MetricProvider> provider(String type) {
    return switch (type) {
      case "web" -> Optional.of(web);
      case "prometheus" -> Optional.of(prometheus);
      default -> Optional.empty();
    };
  }

  /**
   * One measurement of a metric's {@code provider} (an object with one field naming the provider);
   * a provider other than {@code web} and {@code prometheus} is an Error saying so.
   */
  public MetricResult measure(JsonNode provider, MetricArgs args) {
    List<String> types = new ArrayList<>();
    if (provider != null && provider.isObject()) {
      for (Iterator<String> it = provider.fieldNames(); it.hasNext(); ) {
        types.add(it.next());
      }
    }
    if (types.size() != 1) {
      return MetricResult.error(
          "a metric's provider must name exactly one provider, not " + types, Map.of());
    }
    String type = types.get(0);
    return provider(type)
        .map(p -> p.measure(provider.get(type), args))
        .orElseGet(
            () ->
                MetricResult.error(
                    "provider " + type + " is not built in (Ramp has web and prometheus)",
                    Map.of()));
  }
}
