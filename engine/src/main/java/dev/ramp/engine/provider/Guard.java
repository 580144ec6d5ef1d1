package dev.ramp.engine.provider;

import java.util.Map;

/** Runs a measurement so that nothing escapes it: every failure is an Error, secrets masked. */
final class Guard {
  private Guard() {}

  /** A measurement's work, which may refuse with a message. */
  interface Work {
    MetricResult run() throws MeasureException;
  }

  static MetricResult measure(MetricArgs args, Work work) {
    return measure(args, Map.of(), work);
  }

  static MetricResult measure(MetricArgs args, Map<String, String> metadata, Work work) {
    try {
      MetricResult r = work.run();
      return new MetricResult(
          r.phase(), r.value(), r.text(), args.mask(r.message()), mask(args, r.metadata()));
    } catch (MeasureException e) {
      return MetricResult.error(args.mask(e.getMessage()), mask(args, metadata));
    } catch (RuntimeException e) {
      return MetricResult.error(
          args.mask("provider failed: " + e.getClass().getSimpleName() + ": " + e.getMessage()),
          mask(args, metadata));
    }
  }

  private static Map<String, String> mask(MetricArgs args, Map<String, String> metadata) {
    Map<String, String> out = new java.util.TreeMap<>();
    metadata.forEach((k, v) -> out.put(k, args.mask(v)));
    return out;
  }
}
