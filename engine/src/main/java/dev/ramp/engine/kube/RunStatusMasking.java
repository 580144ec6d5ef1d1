package dev.ramp.engine.kube;

import dev.ramp.engine.model.AnalysisRunStatus;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.provider.MetricArgs;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Secret's value never reaches a run's status: every message, value and metadata value is masked
 * before the write, whatever wrote it there (a provider's error quoting a URL, a condition's
 * message, a plugin's metadata).
 */
final class RunStatusMasking {
  private RunStatusMasking() {}

  /** A masked copy of {@code written}; the original (maybe the informer's) is left alone. */
  static AnalysisRunStatus mask(AnalysisRunStatus written, MetricArgs args) {
    if (args.secret().isEmpty()) {
      return written;
    }
    AnalysisRunStatus status = Json.copy(written, AnalysisRunStatus.class);
    status.message = args.mask(status.message);
    if (status.metricResults == null) {
      return status;
    }
    for (AnalysisRunStatus.MetricResult r : status.metricResults) {
      r.message = args.mask(r.message);
      r.metadata = mask(r.metadata, args);
      if (r.measurements != null) {
        for (AnalysisRunStatus.Measurement m : r.measurements) {
          m.message = args.mask(m.message);
          m.value = args.mask(m.value);
          m.metadata = mask(m.metadata, args);
        }
      }
    }
    return status;
  }

  private static Map<String, String> mask(Map<String, String> metadata, MetricArgs args) {
    if (metadata == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    metadata.forEach((k, v) -> out.put(k, args.mask(v)));
    return out;
  }
}
