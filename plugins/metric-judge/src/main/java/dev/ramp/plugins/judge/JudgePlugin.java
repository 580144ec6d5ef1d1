package dev.ramp.plugins.judge;

import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.MetricCall;
import dev.ramp.plugin.api.MetricProviderPlugin;
import dev.ramp.plugins.judge.JudgeConfig.MetricSpec;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pf4j.Extension;

/**
 * The canary judge: a metric provider that compares the canary with stable over the same minutes,
 * with Kayenta's Mann-Whitney judge, reading both versions' series from Prometheus.
 *
 * <p>Every call reads the last {@code lookback} of each metric for both versions and judges. When a
 * metric has too few samples on either side the measurement stays RUNNING, resumed one {@code step}
 * later, until the data is there or {@code horizon} has passed since the measurement started (then
 * Inconclusive, saying which side had how many). A verdict is SUCCESSFUL (the score as its value),
 * FAILED or INCONCLUSIVE, as Argo maps Kayenta's score. Prometheus down is an ERROR measurement,
 * never a verdict; a bad config is INVALID_ARGUMENT naming the field.
 *
 * <p>With {@code mode: sequential} the plugin is the sequential judge instead ({@link
 * SequentialJudge}): an anytime-valid test of the canary's error rate against stable's on raw
 * request and error counters, one RUNNING measurement resumed each interval.
 *
 * <p>Stateless: what a Resume needs is the measurement's start and metadata, which the controller
 * hands back.
 */
@Extension
public final class JudgePlugin implements MetricProviderPlugin {

  private final Clock clock;
  private final Prometheus prometheus;
  private final SequentialJudge sequential;

  /** As the runner creates it: the system clock and a fresh HTTP client. */
  public JudgePlugin() {
    this(
        Clock.systemUTC(),
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build());
  }

  JudgePlugin(Clock clock, HttpClient http) {
    this.clock = clock;
    this.prometheus = new Prometheus(http);
    this.sequential = new SequentialJudge(clock, prometheus);
  }

  @Override
  public Measurement run(MetricCall call) {
    if (SequentialConfig.wanted(call.config())) {
      return sequential.run(call, SequentialConfig.parse(call.config(), call.metric()));
    }
    return measure(call, clock.instant());
  }

  @Override
  public Measurement resume(MetricCall call, Measurement measurement) {
    if (SequentialConfig.wanted(call.config())) {
      return sequential.resume(
          call, SequentialConfig.parse(call.config(), call.metric()), measurement);
    }
    Instant started = measurement.startedAt() == null ? clock.instant() : measurement.startedAt();
    return measure(call, started);
  }

  /** The analysis was terminated while the judge waited for data: nothing was judged. */
  @Override
  public Measurement terminate(MetricCall call, Measurement measurement) {
    if (SequentialConfig.wanted(call.config())) {
      return sequential.terminate(
          SequentialConfig.parse(call.config(), call.metric()), measurement);
    }
    Instant now = clock.instant();
    return new Measurement(
        Measurement.Phase.SUCCESSFUL,
        "",
        measurement.metadata(),
        measurement.startedAt() == null ? now : measurement.startedAt(),
        now,
        null,
        "terminated before the judge had the data it waited for; nothing judged");
  }

  @Override
  public Map<String, String> metadata(MetricCall call) {
    if (SequentialConfig.wanted(call.config())) {
      return sequentialMetadata(SequentialConfig.parse(call.config(), call.metric()));
    }
    JudgeConfig config = JudgeConfig.parse(call.config());
    Map<String, String> out = new LinkedHashMap<>();
    out.put(
        "judge",
        "Mann-Whitney (Kayenta's NetflixACAJudge), confidence "
            + MetricClassifier.CONFIDENCE
            + ", canary "
            + config.canary()
            + " vs stable "
            + config.stable());
    out.put(
        "judge.window",
        "lookback "
            + GoDuration.format(config.lookback())
            + ", step "
            + GoDuration.format(config.step())
            + ", minSamples "
            + config.minSamples()
            + ", horizon "
            + GoDuration.format(config.horizon()));
    for (MetricSpec m : config.metrics()) {
      out.put("judge." + m.name() + ".query", m.query());
    }
    return out;
  }

  private static Map<String, String> sequentialMetadata(SequentialConfig c) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(
        "judge",
        "sequential (anytime-valid e-process on error counts), "
            + (c.twoSided() ? "either direction" : "canary worse")
            + ", alpha "
            + Report.number(c.alpha())
            + ", canary "
            + c.canary()
            + " vs stable "
            + c.stable());
    out.put(
        "judge.window",
        "a look every "
            + GoDuration.format(c.interval())
            + ", horizon "
            + GoDuration.format(c.horizon())
            + ", minRequests "
            + c.minRequests());
    out.put("judge.requests", c.requests());
    out.put("judge.errors", c.errors());
    return out;
  }

  private Measurement measure(MetricCall call, Instant started) {
    JudgeConfig config = JudgeConfig.parse(call.config());
    Instant now = clock.instant();
    Map<String, Judge.Data> data;
    try {
      data = fetch(config, now);
    } catch (MeasureException e) {
      return new Measurement(
          Measurement.Phase.ERROR, "", Map.of(), started, now, null, e.getMessage());
    }
    Judge.Judgement j = Judge.judge(config, data);
    Map<String, String> metadata = Report.metadata(config, j);
    String message = Report.message(config, j);
    if (j.waiting()) {
      Instant horizon = started.plus(config.horizon());
      if (now.isBefore(horizon)) {
        Instant next = now.plus(config.step());
        return new Measurement(
            Measurement.Phase.RUNNING,
            "",
            metadata,
            started,
            null,
            next.isAfter(horizon) ? horizon : next,
            message);
      }
      return new Measurement(
          Measurement.Phase.INCONCLUSIVE,
          "",
          metadata,
          started,
          now,
          null,
          "not enough data within the horizon of "
              + GoDuration.format(config.horizon())
              + ": "
              + j.waitingReason()
              + " | "
              + message);
    }
    Measurement.Phase phase =
        switch (j.score().verdict()) {
          case SUCCESSFUL -> Measurement.Phase.SUCCESSFUL;
          case INCONCLUSIVE -> Measurement.Phase.INCONCLUSIVE;
          case FAILED -> Measurement.Phase.FAILED;
        };
    return new Measurement(
        phase, Report.number(j.score().score()), metadata, started, now, null, message);
  }

  /** Both versions' series of every metric over the last {@code lookback}, on the same steps. */
  private Map<String, Judge.Data> fetch(JudgeConfig config, Instant now) throws MeasureException {
    Map<String, Judge.Data> data = new LinkedHashMap<>();
    Prometheus.Window window =
        new Prometheus.Window(now.minus(config.lookback()), now, config.step());
    for (int i = 0; i < config.metrics().size(); i++) {
      MetricSpec m = config.metrics().get(i);
      String field = "metrics[" + i + "].query";
      data.put(
          m.name(),
          new Judge.Data(
              prometheus.range(
                  config.address(), m.queryFor(config.canary()), field, window, config.timeout()),
              prometheus.range(
                  config.address(), m.queryFor(config.stable()), field, window, config.timeout())));
    }
    return data;
  }
}
