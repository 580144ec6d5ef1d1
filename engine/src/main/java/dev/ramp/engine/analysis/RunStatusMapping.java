package dev.ramp.engine.analysis;

import dev.ramp.engine.model.AnalysisRunStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's status as the API keeps it ({@link AnalysisRunStatus}, Argo's field names) and as the
 * semantics work on it ({@link MetricState}, {@link MeasurementRecord}). The status is the only
 * memory of a run: a controller that restarts reads every counter and measurement back from it.
 */
final class RunStatusMapping {
  private RunStatusMapping() {}

  /** The metrics' results by name, in the status' order. */
  static Map<String, MetricState> states(AnalysisRunStatus status) {
    Map<String, MetricState> states = new LinkedHashMap<>();
    if (status == null || status.metricResults == null) {
      return states;
    }
    for (AnalysisRunStatus.MetricResult r : status.metricResults) {
      if (r.name == null) {
        continue;
      }
      List<MeasurementRecord> measurements = new ArrayList<>();
      if (r.measurements != null) {
        r.measurements.forEach(m -> measurements.add(record(m)));
      }
      states.put(
          r.name,
          new MetricState(
              r.name,
              phase(r.phase),
              measurements,
              zero(r.count),
              zero(r.successful),
              zero(r.failed),
              zero(r.inconclusive),
              zero(r.error),
              zero(r.consecutiveError),
              zero(r.consecutiveSuccess),
              r.message,
              Boolean.TRUE.equals(r.dryRun),
              r.metadata));
    }
    return states;
  }

  static AnalysisRunStatus.MetricResult result(MetricState s) {
    AnalysisRunStatus.MetricResult r = new AnalysisRunStatus.MetricResult();
    r.name = s.name();
    r.phase = s.phase().name();
    r.measurements = s.measurements().stream().map(RunStatusMapping::measurement).toList();
    r.message = s.message().isEmpty() ? null : s.message();
    r.count = s.count();
    r.successful = s.successful();
    r.failed = s.failed();
    r.inconclusive = s.inconclusive();
    r.error = s.error();
    r.consecutiveError = s.consecutiveError();
    r.consecutiveSuccess = s.consecutiveSuccess();
    r.dryRun = s.dryRun() ? Boolean.TRUE : null;
    r.metadata = s.metadata().isEmpty() ? null : new LinkedHashMap<>(s.metadata());
    return r;
  }

  static AnalysisRunStatus.RunSummary summary(RunAssessment.RunSummary s) {
    AnalysisRunStatus.RunSummary r = new AnalysisRunStatus.RunSummary();
    r.count = s.count();
    r.successful = s.successful();
    r.failed = s.failed();
    r.inconclusive = s.inconclusive();
    r.error = s.error();
    return r;
  }

  private static MeasurementRecord record(AnalysisRunStatus.Measurement m) {
    return new MeasurementRecord(
        phase(m.phase),
        m.value,
        m.message,
        time(m.startedAt),
        time(m.finishedAt),
        time(m.resumeAt),
        m.metadata);
  }

  private static AnalysisRunStatus.Measurement measurement(MeasurementRecord m) {
    AnalysisRunStatus.Measurement r = new AnalysisRunStatus.Measurement();
    r.phase = m.phase().name();
    r.value = m.value().isEmpty() ? null : m.value();
    r.message = m.message().isEmpty() ? null : m.message();
    r.startedAt = text(m.startedAt());
    r.finishedAt = text(m.finishedAt());
    r.resumeAt = text(m.resumeAt());
    r.metadata = m.metadata().isEmpty() ? null : new LinkedHashMap<>(m.metadata());
    return r;
  }

  /** A phase as written; anything else (a hand edit) reads as Pending, to be assessed again. */
  static AnalysisPhase phase(String text) {
    if (text == null) {
      return AnalysisPhase.Pending;
    }
    try {
      return AnalysisPhase.valueOf(text);
    } catch (IllegalArgumentException e) {
      return AnalysisPhase.Pending;
    }
  }

  static Instant time(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static int zero(Integer n) {
    return n == null ? 0 : n;
  }
}
