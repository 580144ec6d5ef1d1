package dev.ramp.engine.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.host.config.PluginLimits;
import dev.ramp.engine.plugin.PluginAvailability.State;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PluginSupervisorTest {

  private final ManualScheduler scheduler = new ManualScheduler();
  private final FakePlugins plugins = new FakePlugins();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<PluginSupervisor> settled = new ArrayList<>();
  private final PluginSupervisor.Policy policy =
      new PluginSupervisor.Policy(
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          2,
          new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60)));

  static PluginEntry entry(PluginKind kind, String name) {
    return new PluginEntry(
        kind,
        name,
        Path.of("/bin/" + name.replace('/', '-')).toUri(),
        null,
        List.of(),
        null,
        false,
        PluginLimits.defaults(),
        List.of(),
        false);
  }

  private PluginSupervisor supervisor(PluginEntry entry) {
    return new PluginSupervisor(
        entry,
        plugins,
        plugins,
        scheduler,
        scheduler,
        policy,
        new HostMetrics(registry),
        settled::add);
  }

  private double restarts(String name) {
    var counter = registry.find("ramp.plugin.restarts").tag("plugin", name).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void startsThenIsReadyAndSettlesOnce() {
    PluginSupervisor s = supervisor(entry(PluginKind.STEP, "acme/a"));
    s.start();
    assertThat(s.state()).isEqualTo(State.STARTING);
    scheduler.runDue();

    assertThat(s.availability().isReady()).isTrue();
    assertThat(s.acquire()).isNotNull();
    assertThat(settled).containsExactly(s);
    assertThat(plugins.inits).isEmpty();
  }

  @Test
  void routerAndMetricPluginsGetInitBeforeTheyAreReady() {
    PluginSupervisor s = supervisor(entry(PluginKind.TRAFFIC_ROUTER, "acme/mesh"));
    s.start();
    scheduler.runDue();
    assertThat(plugins.inits).containsExactly("acme/mesh");
    assertThat(s.state()).isEqualTo(State.READY);
  }

  @Test
  void aFailedInitIsRetriedWithBackoff() {
    plugins.initFailure = Status.UNAVAILABLE.withDescription("mesh down").asRuntimeException();
    PluginSupervisor s = supervisor(entry(PluginKind.METRIC_PROVIDER, "acme/prom"));
    s.start();
    scheduler.runDue();

    assertThat(s.availability().state()).isEqualTo(State.BACKING_OFF);
    assertThat(s.availability().reason()).contains("Init failed: UNAVAILABLE: mesh down");
    assertThat(plugins.last().killed).isTrue();
    plugins.initFailure = null;
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(s.state()).isEqualTo(State.READY);
  }

  @Test
  void aCrashRestartsAfterABackoffThatDoublesUpToItsCap() {
    PluginSupervisor s = supervisor(entry(PluginKind.STEP, "acme/a"));
    s.start();
    scheduler.runDue();

    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      plugins.last().crash(1, scheduler);
      assertThat(s.availability().state()).isEqualTo(State.BACKING_OFF);
      assertThat(s.availability().reason()).startsWith("exited with code 1; restarting in");
      assertThat(s.acquire()).isNull();
      Duration delay = scheduler.nextDelay();
      delays.add(delay);
      scheduler.advance(delay);
      assertThat(s.state()).isEqualTo(State.READY);
    }

    assertThat(delays)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(16),
            Duration.ofSeconds(32),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60));
    assertThat(restarts("acme/a")).isEqualTo(8);
    assertThat(plugins.started).hasSize(9);
  }

  @Test
  void aProcessThatStayedUpLongerThanTheCapStartsTheBackoffAfresh() {
    PluginSupervisor s = supervisor(entry(PluginKind.STEP, "acme/a"));
    s.start();
    scheduler.runDue();
    plugins.last().crash(1, scheduler);
    scheduler.advance(Duration.ofSeconds(1));
    plugins.last().crash(1, scheduler);
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(2));
    scheduler.advance(Duration.ofSeconds(2));

    // Healthy for over a minute: the next crash is forgiven the earlier ones.
    for (int i = 0; i < 13; i++) {
      scheduler.advance(Duration.ofSeconds(5));
    }
    plugins.last().crash(1, scheduler);
    assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void launchFailuresThatCannotFixThemselvesAreRefused() {
    plugins.failNext("plugin acme/a: sha256 mismatch: expected aa, got bb", true);
    PluginSupervisor s = supervisor(entry(PluginKind.STEP, "acme/a"));
    s.start();
    scheduler.runDue();

    assertThat(s.availability().state()).isEqualTo(State.REFUSED);
    assertThat(s.availability().reason()).contains("sha256 mismatch");
    assertThat(scheduler.nextDelay()).isNull();
    assertThat(settled).containsExactly(s);
  }

  @Test
  void launchFailuresThatMayFixThemselvesAreRetried() {
    plugins.failNext("plugin acme/a exited before its handshake (code 1)", false);
    plugins.failNext("plugin acme/a printed no handshake within 20s", false);
    PluginSupervisor s = supervisor(entry(PluginKind.STEP, "acme/a"));
    s.start();
    scheduler.runDue();
    assertThat(s.availability().reason())
        .isEqualTo("plugin acme/a exited before its handshake (code 1); restarting in 1s");
    assertThat(settled).containsExactly(s);

    scheduler.advance(Duration.ofSeconds(1));
    assertThat(s.availability().reason()).contains("no handshake", "restarting in 2s");
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(s.state()).isEqualTo(State.READY);
    assertThat(settled).hasSize(1);
  }

  @Test
  void failedHealthChecksKillAndRestartTheProcess() {
    PluginSupervisor s = supervisor(entry(PluginKind.STEP, "acme/a"));
    s.start();
    scheduler.runDue();
    FakePlugins.FakeProcess first = plugins.last();

    plugins.serving = false;
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(s.state()).isEqualTo(State.READY);
    scheduler.advance(Duration.ofSeconds(5));

    assertThat(s.availability().state()).isEqualTo(State.BACKING_OFF);
    assertThat(s.availability().reason()).startsWith("failed 2 health checks in a row");
    assertThat(first.killed).isTrue();
    plugins.serving = true;
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(s.state()).isEqualTo(State.READY);
    assertThat(plugins.last()).isNotSameAs(first);
    assertThat(restarts("acme/a")).isEqualTo(1);
  }

  @Test
  void onlyAPassingHealthCheckClosesAnOpenCircuit() {
    PluginSupervisor s = supervisor(entry(PluginKind.STEP, "acme/a"));
    s.start();
    scheduler.runDue();
    CircuitBreaker breaker = s.breaker();
    for (int i = 0; i < 5; i++) {
      assertThat(breaker.tryAcquirePermission()).isTrue();
      breaker.onError(1, TimeUnit.MILLISECONDS, Status.UNAVAILABLE.asRuntimeException());
    }
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryAcquirePermission()).isFalse();

    scheduler.advance(Duration.ofSeconds(5));

    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquirePermission()).isTrue();
  }

  @Test
  void theBreakerCountsTransportFailuresOnly() {
    PluginSupervisor s = supervisor(entry(PluginKind.STEP, "acme/a"));
    CircuitBreaker breaker = s.breaker();
    for (int i = 0; i < 10; i++) {
      breaker.tryAcquirePermission();
      breaker.onError(
          1,
          TimeUnit.MILLISECONDS,
          Status.INVALID_ARGUMENT.withDescription("bad").asRuntimeException());
    }
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    for (Status.Code code :
        List.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.INTERNAL)) {
      assertThat(PluginSupervisor.isTransportFailure(Status.fromCode(code).asRuntimeException()))
          .isTrue();
    }
    assertThat(PluginSupervisor.isTransportFailure(Status.UNIMPLEMENTED.asRuntimeException()))
        .isFalse();
  }

  @Test
  void aDisabledEntryIsNeverLaunched() {
    PluginSupervisor s = supervisor(entry(PluginKind.STEP, "acme/a").withDisabled(true));
    s.start();
    scheduler.runDue();
    assertThat(s.availability().state()).isEqualTo(State.DISABLED);
    assertThat(s.availability().reason()).contains("acme/a is disabled in ramp-config");
    assertThat(plugins.started).isEmpty();
    assertThat(settled).containsExactly(s);
  }

  @Test
  void stopWaitsForCallsInFlightThenClosesAndIgnoresTheExit() {
    PluginSupervisor s = supervisor(entry(PluginKind.STEP, "acme/a"));
    s.start();
    scheduler.runDue();
    Connection call = s.acquire();

    var stopped = s.stop();
    scheduler.runDue();
    assertThat(plugins.last().closed).isFalse();
    assertThat(s.acquire()).isNull();

    call.release();
    scheduler.runDue();
    assertThat(stopped).isDone();
    assertThat(plugins.last().closed).isTrue();
    assertThat(scheduler.nextDelay()).isNull();
    assertThat(plugins.started).hasSize(1);
  }

  @Test
  void policyValuesAreValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("backoff max 1s must not be below initial 2s");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new PluginSupervisor.Policy(
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    1,
                    new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))))
        .hasMessageContaining("healthInterval must be positive, got 0s");
  }
}
