package dev.ramp.plugins.judge;

import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.MetricCall;
import dev.ramp.plugins.judge.SequentialState.Counts;
import dev.ramp.plugins.judge.SequentialState.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sequential judge's measurements ({@code mode: sequential}): one RUNNING measurement, resumed
 * every {@code interval}, that reads each version's raw request and error counters, differences
 * them, and feeds each interval to the {@link EProcess}. FAILED as soon as the e-value reaches 1/α;
 * SUCCESSFUL at the horizon without rejection, with the minimum detectable effect there. The state
 * travels in the measurement's metadata ({@link SequentialState}).
 */
final class SequentialJudge {

  private final Clock clock;
  private final Prometheus prometheus;

  SequentialJudge(Clock clock, Prometheus prometheus) {
    this.clock = clock;
    this.prometheus = prometheus;
  }

  /**
   * A new measurement. A test this run already holds for the metric (interrupted by an Error, or
   * ended) is continued or answered, never restarted; otherwise the counters' baseline is read.
   */
  Measurement run(MetricCall call, SequentialConfig config) {
    Instant now = clock.instant();
    String metric = call.metric() == null ? null : call.metric().path("name").asText(null);
    SequentialState before = SequentialState.inRun(call.analysisRun(), metric);
    if (before != null && before.finished()) {
      return ended(config, before, now, Instant.ofEpochMilli(before.startedAt()), true);
    }
    if (before != null) {
      return look(config, before, now, now);
    }
    Snapshot baseline;
    try {
      baseline = read(config, now);
    } catch (MeasureException e) {
      return new Measurement(Measurement.Phase.ERROR, "", Map.of(), now, now, null, e.getMessage());
    }
    SequentialState state = SequentialState.start(now.toEpochMilli(), config.twoSided(), baseline);
    return new Measurement(
        Measurement.Phase.RUNNING,
        "",
        SequentialReport.metadata(config, state, Double.NaN),
        now,
        null,
        next(config, state, now),
        "sequential judge: counters read, first look at " + next(config, state, now));
  }

  /** The next look of a RUNNING measurement; one without a state starts as {@link #run}. */
  Measurement resume(MetricCall call, SequentialConfig config, Measurement measurement) {
    SequentialState state = SequentialState.from(measurement.metadata());
    if (state == null) {
      return run(call, config);
    }
    Instant now = clock.instant();
    Instant started = measurement.startedAt() == null ? now : measurement.startedAt();
    if (state.finished()) {
      return ended(config, state, now, started, false);
    }
    return look(config, state, now, started);
  }

  /** Terminated (the run ends for another reason): the test stops without a verdict. */
  Measurement terminate(SequentialConfig config, Measurement measurement) {
    Instant now = clock.instant();
    SequentialState state = SequentialState.from(measurement.metadata());
    String where =
        state == null
            ? "before its first look"
            : "at look " + state.looks() + ", e-value " + Report.number(state.process().e());
    return new Measurement(
        Measurement.Phase.SUCCESSFUL,
        "",
        measurement.metadata(),
        measurement.startedAt() == null ? now : measurement.startedAt(),
        now,
        null,
        "sequential judge terminated " + where + "; no rejection, nothing more judged");
  }

  private Measurement look(
      SequentialConfig config, SequentialState state, Instant now, Instant started) {
    Snapshot snapshot;
    try {
      snapshot = read(config, now);
    } catch (MeasureException e) {
      // The state stays in the Error's metadata: the next measurement continues the same test.
      return new Measurement(
          Measurement.Phase.ERROR,
          "",
          SequentialReport.metadata(config, state, Double.NaN),
          started,
          now,
          null,
          e.getMessage() + "; the test continues from look " + state.looks() + " at the next one");
    }
    SequentialState next = advance(config, state, snapshot);
    if (next.process().rejects(config.alpha())) {
      return ended(config, withOutcome(next, "Failed"), now, started, false);
    }
    Instant horizon = Instant.ofEpochMilli(next.startedAt()).plus(config.horizon());
    if (!now.isBefore(horizon)) {
      return ended(config, withOutcome(next, "Successful"), now, started, false);
    }
    return new Measurement(
        Measurement.Phase.RUNNING,
        "",
        SequentialReport.metadata(config, next, Double.NaN),
        started,
        null,
        next(config, next, now),
        SequentialReport.message(config, next, Double.NaN));
  }

  /**
   * One look's counts into the state: the increase since the last look joins what is pending; once
   * both versions served {@code minRequests}, and from then on whenever both served requests, the
   * pending interval goes into the e-process.
   */
  static SequentialState advance(SequentialConfig config, SequentialState s, Snapshot snapshot) {
    Counts pending = s.pending().plus(snapshot.since(s.last()));
    boolean warm =
        s.warm()
            || (pending.canaryRequests() >= config.minRequests()
                && pending.stableRequests() >= config.minRequests());
    EProcess process = s.process();
    Counts used = s.used();
    if (warm && pending.canaryRequests() > 0 && pending.stableRequests() > 0) {
      process =
          process.update(
              pending.canaryErrors(),
              pending.stableErrors(),
              pending.canaryRequests(),
              pending.stableRequests());
      used = used.plus(pending);
      pending = Counts.ZERO;
    }
    return new SequentialState(
        s.startedAt(), s.looks() + 1, warm, process, used, pending, snapshot, s.outcome());
  }

  private Measurement ended(
      SequentialConfig config,
      SequentialState state,
      Instant now,
      Instant started,
      boolean earlier) {
    double mde =
        "Successful".equals(state.outcome()) ? SequentialReport.mde(config, state) : Double.NaN;
    String message =
        (earlier ? "the sequential test of this run had ended: " : "")
            + SequentialReport.message(config, state, mde);
    return new Measurement(
        "Failed".equals(state.outcome()) ? Measurement.Phase.FAILED : Measurement.Phase.SUCCESSFUL,
        Report.number(state.process().e()),
        SequentialReport.metadata(config, state, mde),
        started,
        now,
        null,
        message);
  }

  private static SequentialState withOutcome(SequentialState s, String outcome) {
    return new SequentialState(
        s.startedAt(), s.looks(), s.warm(), s.process(), s.used(), s.pending(), s.last(), outcome);
  }

  /** The next look: on the test's grid of intervals from its start, never past the horizon. */
  static Instant next(SequentialConfig config, SequentialState state, Instant now) {
    Instant start = Instant.ofEpochMilli(state.startedAt());
    Instant horizon = start.plus(config.horizon());
    long elapsed = Duration.between(start, now).toMillis();
    long step = config.interval().toMillis();
    Instant next = start.plusMillis((Math.max(0, elapsed) / step + 1) * step);
    return next.isAfter(horizon) ? horizon : next;
  }

  private Snapshot read(SequentialConfig c, Instant now) throws MeasureException {
    return new Snapshot(
        counter(c, c.requests(), c.canary(), "requests", now),
        counter(c, c.errors(), c.canary(), "errors", now),
        counter(c, c.requests(), c.stable(), "requests", now),
        counter(c, c.errors(), c.stable(), "errors", now));
  }

  private Map<String, Double> counter(
      SequentialConfig c, String query, String version, String field, Instant now)
      throws MeasureException {
    Map<String, Double> values = new LinkedHashMap<>();
    // NaN (a series without a number) is left out: it counts nothing, and JSON has no NaN.
    prometheus
        .instant(c.address(), SequentialConfig.queryFor(query, version), field, now, c.timeout())
        .forEach(
            (series, v) -> {
              if (!Double.isNaN(v)) {
                values.put(series, v);
              }
            });
    return values;
  }
}
