package dev.ramp.engine.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the metrics of one analysis, in memory, with Argo's semantics: each {@link #advance} takes
 * the measurements due at {@code now} (through a {@link Measurer}: the providers), records them,
 * and says what the run is now and when to look again. Time is a parameter; nothing here reads a
 * clock or the API. {@code ramp analysis run} drives it on the wall clock; the AnalysisRun
 * controller will drive the same steps from a run's status.
 */
public final class AnalysisRunner {

  /** Takes one measurement of a metric's {@code provider} spec. */
  @FunctionalInterface
  public interface Measurer {
    Measured measure(String metric, JsonNode provider);
  }

  /**
   * What a provider answered.
   *
   * @param value the result the conditions see (null when there is none)
   * @param text the value as a measurement records it
   * @param error the provider's message when it could not measure; null when it did
   */
  public record Measured(JsonNode value, String text, String error) {
    public static Measured of(JsonNode value, String text) {
      return new Measured(value, text, null);
    }

    public static Measured failed(String error) {
      return new Measured(null, "", error);
    }
  }

  /** One measurement taken, for people: metric, its number (from 1), phase, value, message. */
  public record Taken(String metric, int index, String phase, String value, String message) {}

  /**
   * Where the run stands after a step.
   *
   * @param phase Argo's run phase: Running, Successful, Failed, Error or Inconclusive
   * @param wakeAt when a measurement becomes due next; empty when none will
   */
  public record Step(List<Taken> taken, String phase, String message, Optional<Instant> wakeAt) {
    public boolean done() {
      return !"Running".equals(phase) && !"Pending".equals(phase);
    }
  }

  /** The template cannot run; the message names every bad field. */
  public static final class InvalidTemplate extends Exception {
    InvalidTemplate(String message) {
      super(message);
    }
  }

  private final TemplateMetrics template;
  private final Measurer measurer;
  private final Map<String, MetricState> states = new LinkedHashMap<>();
  private final Instant startedAt;

  private AnalysisRunner(TemplateMetrics template, Measurer measurer, Instant startedAt) {
    this.template = template;
    this.measurer = measurer;
    this.startedAt = startedAt;
  }

  /**
   * A run of an AnalysisTemplate's {@code spec} with these args (they override the template's
   * values), started at {@code startedAt}.
   */
  public static AnalysisRunner start(
      JsonNode spec, Map<String, String> args, Measurer measurer, Instant startedAt)
      throws InvalidTemplate {
    try {
      return new AnalysisRunner(TemplateMetrics.read(spec, args), measurer, startedAt);
    } catch (TemplateMetrics.Invalid e) {
      throw new InvalidTemplate(e.getMessage());
    }
  }

  /**
   * What is wrong with an AnalysisTemplate's {@code spec}, as a run would refuse it, checked
   * without args (they get values when a run starts): each problem starts with its field path.
   */
  public static List<String> validate(JsonNode spec) {
    return TemplateMetrics.problems(spec);
  }

  /** The resolved args, for the provider specs' {@code {{args.x}}}. */
  public Map<String, String> args() {
    return template.args;
  }

  /** Takes what is due at {@code now}; returns the run's phase and the next time to look. */
  public Step advance(Instant now) {
    List<Taken> taken = new ArrayList<>();
    for (TemplateMetrics.Planned p : template.metrics) {
      MetricSettings s = p.settings();
      MetricState state = states.get(s.name());
      if (MeasurementSchedule.due(s, state, startedAt, false, now)
          != MeasurementSchedule.Action.MEASURE) {
        continue;
      }
      MeasurementRecord m = measure(p, now);
      MetricState next =
          MetricAssessment.record(
              state == null ? MetricState.start(s.name(), s.dryRun()) : state, m, now);
      next = next.withPhase(MetricAssessment.assess(s, next, false));
      states.put(s.name(), next);
      taken.add(
          new Taken(
              s.name(), next.measurements().size(), m.phase().name(), m.value(), m.message()));
    }
    List<MetricSettings> settings =
        template.metrics.stream().map(TemplateMetrics.Planned::settings).toList();
    RunAssessment.RunVerdict verdict =
        RunAssessment.assess(settings, List.copyOf(states.values()), false);
    verdict.metrics().forEach(m -> states.put(m.name(), m));
    List<Optional<Instant>> wakes = new ArrayList<>();
    for (MetricSettings s : settings) {
      wakes.add(MeasurementSchedule.wakeAt(s, states.get(s.name()), startedAt, now));
    }
    return new Step(
        taken, verdict.phase().name(), verdict.message(), MeasurementSchedule.earliest(wakes));
  }

  /** One measurement: the provider's value judged by the metric's conditions. */
  private MeasurementRecord measure(TemplateMetrics.Planned p, Instant now) {
    Measured measured = measurer.measure(p.settings().name(), p.provider());
    if (measured.error() != null) {
      return MeasurementRecord.finished(AnalysisPhase.Error, "", now).withMessage(measured.error());
    }
    ConditionOutcome outcome = p.conditions().evaluate(measured.value());
    AnalysisPhase phase =
        switch (outcome.phase()) {
          case SUCCESSFUL -> AnalysisPhase.Successful;
          case FAILED -> AnalysisPhase.Failed;
          case INCONCLUSIVE -> AnalysisPhase.Inconclusive;
          case ERROR -> AnalysisPhase.Error;
        };
    return MeasurementRecord.finished(phase, measured.text(), now).withMessage(outcome.message());
  }
}
