package dev.ramp.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;

/** One kind of metric provider, as a metric's {@code provider} names it. */
public interface MetricProvider {

  /** The key under a metric's {@code provider}: {@code web} or {@code prometheus}. */
  String type();

  /**
   * Takes one measurement. Never throws: a spec it cannot use, an unknown arg, a provider that is
   * down, slow or answers garbage is an {@link MetricResult.Phase#ERROR} with a message, in which
   * the values of secret args are masked.
   *
   * @param spec the object under {@code provider.<type>}, with {@code {{args.x}}} templates in its
   *     strings
   * @param args the run's args, Secrets already resolved
   */
  MetricResult measure(JsonNode spec, MetricArgs args);
}
