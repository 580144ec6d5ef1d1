package dev.ramp.plugin.api;

import java.util.Map;
import org.pf4j.ExtensionPoint;

/** Takes measurements for analysis ({@code metrics[].provider.plugin.<name>}). */
public interface MetricProviderPlugin extends ExtensionPoint {

  /** Called once after the plugin process started. */
  default void init() {}

  /** Start a measurement; return RUNNING with a resume time when it takes longer. */
  Measurement run(MetricCall call);

  /** Continue a RUNNING measurement. */
  default Measurement resume(MetricCall call, Measurement measurement) {
    return measurement;
  }

  /** Stop a RUNNING measurement. */
  default Measurement terminate(MetricCall call, Measurement measurement) {
    return measurement;
  }

  /** Drop external measurement resources beyond {@code limit}. */
  default void garbageCollect(MetricCall call, int limit) {}

  /** Extra key/values to show with the metric. */
  default Map<String, String> metadata(MetricCall call) {
    return Map.of();
  }
}
