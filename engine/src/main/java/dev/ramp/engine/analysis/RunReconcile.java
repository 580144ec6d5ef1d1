package dev.ramp.engine.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AnalysisRunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One reconcile of an AnalysisRun, as Argo's {@code reconcileAnalysisRun} in {@code
 * analysis/analysis.go}: take the measurements due now (new, resumed, or terminated when the run
 * ends), record them, assess the metrics and the run, drop old measurements, and say when to look
 * again. Everything it knows comes from the status it is given, so a fresh controller carries on.
 */
final class RunReconcile {
  private final Measurer measurer;
  private final Instant now;
  private final List<AnalysisRunner.Taken> taken = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  private RunReconcile(Measurer measurer, Instant now) {
    this.measurer = measurer;
    this.now = now;
  }

  /**
   * @param spec the run's spec (or a template's, for a run kept in memory)
   * @param args every arg's value, Secrets' included
   * @param terminate the run's {@code spec.terminate}
   * @param before the status as read; null for a new run
   */
  static AnalysisRunner.Outcome reconcile(
      JsonNode spec,
      Map<String, String> args,
      boolean terminate,
      AnalysisRunStatus before,
      Measurer measurer,
      Instant now) {
    AnalysisRunStatus status = copy(before);
    if (RunStatusMapping.phase(status.phase).completed()) {
      return new AnalysisRunner.Outcome(status, List.of(), Optional.empty(), List.of());
    }
    TemplateMetrics template;
    try {
      template = TemplateMetrics.read(spec, args);
    } catch (TemplateMetrics.Invalid e) {
      return new AnalysisRunner.Outcome(
          errored(status, e.getMessage(), now), List.of(), Optional.empty(), List.of());
    }
    return new RunReconcile(measurer, now).run(template, terminate, status);
  }

  /** The run ended in Error with {@code message} (a bad spec, an arg that cannot be read). */
  static AnalysisRunStatus errored(AnalysisRunStatus before, String message, Instant now) {
    AnalysisRunStatus status = copy(before);
    status.phase = AnalysisPhase.Error.name();
    status.message = message;
    if (status.startedAt == null) {
      status.startedAt = RunStatusMapping.text(now);
    }
    status.completedAt = RunStatusMapping.text(now);
    return status;
  }

  private AnalysisRunner.Outcome run(
      TemplateMetrics template, boolean terminate, AnalysisRunStatus status) {
    Instant startedAt = RunStatusMapping.time(status.startedAt);
    if (startedAt == null) {
      startedAt = now;
      status.startedAt = RunStatusMapping.text(now);
    }
    Map<String, MetricState> states = RunStatusMapping.states(status);
    boolean terminating = RunAssessment.terminating(terminate, states.values());
    for (TemplateMetrics.Planned p : template.metrics) {
      MetricState state = states.get(p.settings().name());
      MeasurementSchedule.Action action =
          MeasurementSchedule.due(p.settings(), state, startedAt, terminating, now);
      if (action != MeasurementSchedule.Action.NONE) {
        states.put(p.settings().name(), take(p, state, action));
      }
    }
    List<MetricSettings> settings =
        template.metrics.stream().map(TemplateMetrics.Planned::settings).toList();
    RunAssessment.RunVerdict verdict =
        RunAssessment.assess(settings, List.copyOf(states.values()), terminate);
    verdict.metrics().forEach(m -> states.put(m.name(), m));
    for (TemplateMetrics.Planned p : template.metrics) {
      states.computeIfPresent(p.settings().name(), (name, s) -> collectGarbage(p, s));
    }
    status.phase = verdict.phase().name();
    status.message = verdict.message().isEmpty() ? null : verdict.message();
    status.metricResults = states.values().stream().map(RunStatusMapping::result).toList();
    status.runSummary = RunStatusMapping.summary(verdict.runSummary());
    status.dryRunSummary =
        verdict.dryRunSummary().count() == 0
            ? null
            : RunStatusMapping.summary(verdict.dryRunSummary());
    if (verdict.phase().completed() && status.completedAt == null) {
      status.completedAt = RunStatusMapping.text(now);
    }
    return new AnalysisRunner.Outcome(
        status,
        List.copyOf(taken),
        wakeAt(template, settings, states, startedAt, verdict, terminate),
        List.copyOf(warnings));
  }

  /** When to look again: the earliest due measurement, or at once to terminate what runs. */
  private Optional<Instant> wakeAt(
      TemplateMetrics template,
      List<MetricSettings> settings,
      Map<String, MetricState> states,
      Instant startedAt,
      RunAssessment.RunVerdict verdict,
      boolean terminate) {
    if (verdict.phase().completed()) {
      return Optional.empty();
    }
    if (RunAssessment.terminating(terminate, states.values())) {
      // A metric failed in this reconcile: the next one terminates the measurements in flight.
      return Optional.of(now);
    }
    List<Optional<Instant>> wakes = new ArrayList<>();
    for (MetricSettings s : settings) {
      wakes.add(MeasurementSchedule.wakeAt(s, states.get(s.name()), startedAt, now));
    }
    return MeasurementSchedule.earliest(wakes);
  }

  /** One measurement taken, resumed or terminated, recorded into the metric's result. */
  private MetricState take(
      TemplateMetrics.Planned p, MetricState state, MeasurementSchedule.Action action) {
    MetricSettings s = p.settings();
    MetricState base = state == null ? MetricState.start(s.name(), s.dryRun()) : state;
    // Every finished measurement moved exactly one of count and error: the next one's number.
    int index = base.count() + base.error() + 1;
    Measurer.Call call = new Measurer.Call(s.name(), p.spec(), p.provider(), index);
    MeasurementRecord m;
    switch (action) {
      case MEASURE -> {
        m = record(measurer.measure(call), p.conditions(), now, Map.of());
        // Argo asks for the metric's metadata once, with its first measurement; Ramp asks again
        // while it has none (a plugin that could not answer then), not at every measurement.
        if (base.metadata().isEmpty()) {
          base = base.withMetadata(new LinkedHashMap<>(measurer.metadata(call)));
        }
      }
      case RESUME -> {
        MeasurementRecord last = base.last().orElseThrow();
        m =
            record(
                measurer.resume(call, inFlight(last)),
                p.conditions(),
                started(last),
                last.metadata());
      }
      default -> {
        MeasurementRecord last = base.last().orElseThrow();
        m =
            record(
                measurer.terminate(call, inFlight(last)),
                p.conditions(),
                started(last),
                last.metadata());
        if (m.inFlight()) {
          // A provider that cannot stop in time: the run ends anyway, as Argo's would.
          m =
              new MeasurementRecord(
                  AnalysisPhase.Successful, m.value(), "", m.startedAt(), now, null, m.metadata());
        }
        m = MetricAssessment.terminated(m);
      }
    }
    // The metric's phase is left as it was: as in Argo's runMeasurements, only the assessment
    // after every measurement changes it (RunAssessment), with "terminating" as the phases stood
    // before this reconcile, and copies the last measurement's message on that transition.
    MetricState next = MetricAssessment.record(base, m, now);
    taken.add(new AnalysisRunner.Taken(s.name(), index, m.phase().name(), m.value(), m.message()));
    return next;
  }

  private Instant started(MeasurementRecord last) {
    return last.startedAt() == null ? now : last.startedAt();
  }

  private static Measurer.InFlight inFlight(MeasurementRecord m) {
    return new Measurer.InFlight(m.startedAt(), m.resumeAt(), m.value(), m.metadata());
  }

  /**
   * What a provider answered as a measurement: a value judged by the conditions, the provider's own
   * verdict, an Error, or still in flight; its metadata over those the measurement had.
   */
  private MeasurementRecord record(
      Measurer.Measured r, ConditionSet conditions, Instant startedAt, Map<String, String> had) {
    Map<String, String> metadata = new LinkedHashMap<>(had);
    metadata.putAll(r.metadata());
    return switch (r.status()) {
      case RUNNING ->
          new MeasurementRecord(
              AnalysisPhase.Running,
              r.text(),
              r.message(),
              startedAt,
              null,
              r.resumeAt(),
              metadata);
      case ERROR ->
          new MeasurementRecord(
              AnalysisPhase.Error, "", r.message(), startedAt, now, null, metadata);
      case SUCCESSFUL, FAILED, INCONCLUSIVE ->
          new MeasurementRecord(
              verdictPhase(r.status()), r.text(), r.message(), startedAt, now, null, metadata);
      case VALUE -> {
        ConditionOutcome outcome = conditions.evaluate(r.value());
        String message = outcome.message().isEmpty() ? r.message() : outcome.message();
        yield new MeasurementRecord(
            verdict(outcome), r.text(), message, startedAt, now, null, metadata);
      }
    };
  }

  /** The phase of a provider's own verdict (SUCCESSFUL, FAILED or INCONCLUSIVE). */
  private static AnalysisPhase verdictPhase(Measurer.Measured.Status s) {
    return switch (s) {
      case SUCCESSFUL -> AnalysisPhase.Successful;
      case FAILED -> AnalysisPhase.Failed;
      default -> AnalysisPhase.Inconclusive;
    };
  }

  private static AnalysisPhase verdict(ConditionOutcome outcome) {
    return switch (outcome.phase()) {
      case SUCCESSFUL -> AnalysisPhase.Successful;
      case FAILED -> AnalysisPhase.Failed;
      case INCONCLUSIVE -> AnalysisPhase.Inconclusive;
      case ERROR -> AnalysisPhase.Error;
    };
  }

  /**
   * Argo's {@code garbageCollectMeasurements}: past its retention limit, the provider drops what it
   * keeps first, and only then do the old measurements leave the status; a failure keeps them and
   * is reported.
   */
  private MetricState collectGarbage(TemplateMetrics.Planned p, MetricState s) {
    OptionalInt limit = MeasurementRetention.garbageCollectLimit(p.settings(), s);
    if (limit.isEmpty()) {
      return s;
    }
    int index =
        s.count() + s.error() + (s.last().map(MeasurementRecord::inFlight).orElse(false) ? 1 : 0);
    Optional<String> failed =
        measurer.garbageCollect(
            new Measurer.Call(s.name(), p.spec(), p.provider(), index), limit.getAsInt());
    if (failed.isPresent()) {
      warnings.add("metric " + s.name() + ": garbage collection failed: " + failed.get());
      return s;
    }
    return MeasurementRetention.trim(s, limit.getAsInt());
  }

  private static AnalysisRunStatus copy(AnalysisRunStatus s) {
    AnalysisRunStatus c = new AnalysisRunStatus();
    if (s == null) {
      return c;
    }
    c.phase = s.phase;
    c.message = s.message;
    c.startedAt = s.startedAt;
    c.completedAt = s.completedAt;
    c.metricResults = s.metricResults;
    c.runSummary = s.runSummary;
    c.dryRunSummary = s.dryRunSummary;
    return c;
  }
}
