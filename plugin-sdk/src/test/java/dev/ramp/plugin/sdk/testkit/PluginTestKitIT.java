package dev.ramp.plugin.sdk.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ramp.plugin.sdk.launch.LaunchSpec;
import dev.ramp.plugin.sdk.launch.PythonPlugin;
import dev.ramp.plugin.sdk.testkit.ConformanceReport.Check;
import dev.ramp.plugin.sdk.testkit.ConformanceReport.Outcome;
import dev.ramp.plugin.sdk.testkit.PluginTestKit.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginTestKitIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final Queue<String> log = new ConcurrentLinkedQueue<>();
  private final PluginTestKit kit = new PluginTestKit(log::add);

  @Test
  void thePythonPluginConforms() throws IOException {
    Path python = PythonPlugin.assumeAvailable();

    ConformanceReport report =
        kit.verify(
            spec(python, Duration.ofSeconds(30)),
            Set.of(),
            JSON.readTree("{\"runningCalls\": 1, \"result\": \"SUCCESSFUL\"}"));

    System.out.println(report.render());
    assertThat(report.passed()).as(report.render()).isTrue();
    assertThat(report.pluginName()).isEqualTo("test/kit");
    assertThat(report.pluginVersion()).isEqualTo("0.1.0");
    assertThat(report.checks())
        .extracting(Check::name)
        .contains(
            "launch and handshake",
            "health SERVING",
            "Info answers",
            "step: Run answers a phase",
            "step: state round-trips",
            "step: Terminate answers",
            "step: Abort answers",
            "step: config that is not an object is INVALID_ARGUMENT",
            "step: config of wrong types is INVALID_ARGUMENT",
            "step: oversized state is refused or handled",
            "metricProvider: Init answers",
            "metricProvider: Run answers",
            "metricProvider: Resume answers",
            "metricProvider: Terminate answers",
            "metricProvider: GarbageCollect answers",
            "metricProvider: GetMetadata answers",
            "still healthy at the end",
            "graceful stop");
    assertThat(report.checks()).extracting(Check::outcome).containsOnly(Outcome.PASSED);
    assertThat(report.check("step: Run answers a phase").orElseThrow().message())
        .isEqualTo("answered RUNNING");
    // Named by its Info name, not the configured one.
    assertThat(report.infoName()).isEqualTo("ramp-tests/python-step");
    assertThat(report.render())
        .startsWith("Ramp plugin conformance: ramp-tests/python-step version 0.1.0: PASSED\n")
        .contains("  ✓ step: state round-trips");
    report.assertPassed();
  }

  @Test
  void aStepAnsweringErrorIsNotVerifiedNeverPassed() throws IOException {
    Path python = PythonPlugin.assumeAvailable();

    ConformanceReport report =
        kit.verify(
            spec(python, Duration.ofSeconds(30)),
            Set.of(Kind.STEP),
            JSON.readTree("{\"result\": \"ERROR\", \"message\": \"backend down\"}"));

    Check run = report.check("step: Run answers a phase").orElseThrow();
    assertThat(run.outcome()).isEqualTo(Outcome.NOT_VERIFIED);
    assertThat(run.message()).startsWith("answered ERROR (backend down): allowed, but not");
    assertThat(report.check("step: state round-trips").orElseThrow().outcome())
        .isEqualTo(Outcome.NOT_VERIFIED);
    assertThat(report.check("step: Terminate answers").orElseThrow().outcome())
        .isEqualTo(Outcome.PASSED);
    // Allowed by the contract, so the report passes, but says what it could not verify.
    assertThat(report.passed()).isTrue();
    assertThat(report.render())
        .contains(": PASSED; 2 not verified\n")
        .contains("  ? step: Run answers a phase");
  }

  @Test
  void checkingAKindThePluginDoesNotServeFails() {
    Path python = PythonPlugin.assumeAvailable();

    ConformanceReport report =
        kit.verify(spec(python, Duration.ofSeconds(30)), Set.of(Kind.TRAFFIC_ROUTER), null);

    assertThat(report.passed()).isFalse();
    assertThat(report.check("Info answers").orElseThrow().message())
        .contains("declares kinds [STEP, METRIC_PROVIDER] but the test asked for [TRAFFIC_ROUTER]");
    assertThat(report.checks()).noneMatch(check -> check.name().startsWith("step:"));
    assertThat(report.check("trafficRouter: Init answers").orElseThrow())
        .satisfies(check -> assertThat(check.outcome()).isEqualTo(Outcome.FAILED))
        .satisfies(check -> assertThat(check.message()).contains("UNIMPLEMENTED"));
    assertThat(report.check("graceful stop").orElseThrow().outcome()).isEqualTo(Outcome.PASSED);
    assertThatThrownBy(report::assertPassed)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("✗ Info answers");
  }

  @Test
  void anUnexpectedErrorStatusFailsTheCheckWithWhatWasSeen() throws IOException {
    Path python = PythonPlugin.assumeAvailable();

    ConformanceReport report =
        kit.verify(
            spec(python, Duration.ofSeconds(30)),
            Set.of(Kind.STEP),
            JSON.readTree("{\"fail\": \"INTERNAL\"}"));

    assertThat(report.passed()).isFalse();
    Check run = report.check("step: Run answers a phase").orElseThrow();
    assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(run.message())
        .contains("answered INTERNAL: configured to fail with INTERNAL")
        .contains("health SERVING");
    assertThat(report.check("step: state round-trips").orElseThrow().outcome())
        .isEqualTo(Outcome.SKIPPED);
    assertThat(report.check("still healthy at the end").orElseThrow().outcome())
        .isEqualTo(Outcome.PASSED);
  }

  @Test
  void aPluginThatCrashesDuringTheChecksEndsTheRunWithFailures() throws IOException {
    Path python = PythonPlugin.assumeAvailable();

    ConformanceReport report =
        kit.verify(
            spec(python, Duration.ofSeconds(30)),
            Set.of(Kind.STEP),
            JSON.readTree("{\"fail\": \"CRASH\"}"));

    assertThat(report.passed()).isFalse();
    assertThat(report.check("step: Run answers a phase").orElseThrow().message())
        .contains("UNAVAILABLE")
        .contains("the plugin process exited with code 2");
    assertThat(report.check("still healthy at the end").orElseThrow().outcome())
        .isEqualTo(Outcome.FAILED);
    assertThat(report.check("graceful stop").orElseThrow().message())
        .contains("already exited during the checks, with code 2");
  }

  @Test
  void aPluginThatPrintsGarbageFailsAtLaunch() throws IOException {
    Path script = script("echo 'Usage: gate [options]'\necho 'no such option'\nexit 0");

    ConformanceReport report = kit.verify(spec(script, Duration.ofSeconds(10)), Set.of(), null);

    assertThat(report.passed()).isFalse();
    Check launch = report.check("launch and handshake").orElseThrow();
    assertThat(launch.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(launch.message()).contains("EXITED_EARLY").contains("before its handshake");
    assertThat(report.render())
        .contains("FAILED")
        .contains("✗ launch and handshake")
        .contains("– health SERVING");
    assertThat(log).contains("[test/kit] Usage: gate [options]");
  }

  @Test
  void aPluginThatCrashesAtStartFailsWithItsStderr() throws IOException {
    Path script = script("echo 'panic: config file not found' >&2\nexit 3");

    ConformanceReport report = kit.verify(spec(script, Duration.ofSeconds(10)), Set.of(), null);

    assertThat(report.passed()).isFalse();
    assertThat(report.check("launch and handshake").orElseThrow().message())
        .contains("exited with code 3")
        .contains("panic: config file not found");
    assertThat(report.checks())
        .filteredOn(check -> !check.name().equals("launch and handshake"))
        .extracting(Check::outcome)
        .containsOnly(Outcome.SKIPPED);
  }

  @Test
  void aPluginThatHandshakesButNeverAnswersFailsWithinTheStartTimeout() throws IOException {
    PythonPlugin.assumeAvailable();
    // Listens on its socket but never accepts a connection, so no call is ever answered.
    Path script =
        script(
            "exec /usr/bin/python3 -c '\n"
                + "import os, socket, sys\n"
                + "path = os.environ[\"PLUGIN_UNIX_SOCKET_DIR\"] + \"/plugin.sock\"\n"
                + "s = socket.socket(socket.AF_UNIX)\n"
                + "s.bind(path)\n"
                + "s.listen(1)\n"
                + "print(\"1|1|unix|\" + path + \"|grpc\", flush=True)\n"
                + "sys.stdin.read()\n"
                + "'");

    ConformanceReport report = kit.verify(spec(script, Duration.ofSeconds(2)), Set.of(), null);

    assertThat(report.passed()).isFalse();
    assertThat(report.check("launch and handshake").orElseThrow().outcome())
        .isEqualTo(Outcome.PASSED);
    Check health = report.check("health SERVING").orElseThrow();
    assertThat(health.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(health.message()).contains("did not report SERVING");
  }

  @Test
  void aSampleConfigMustBeAnObject() {
    assertThatThrownBy(
            () ->
                kit.verify(
                    spec(dir.resolve("x"), Duration.ofSeconds(1)), Set.of(), JSON.readTree("[1]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sampleConfig must be a JSON object");
  }

  private static LaunchSpec spec(Path location, Duration timeout) {
    return new LaunchSpec(
        "test/kit", location, null, List.of(), Map.of(), List.of(), timeout, null);
  }

  private Path script(String body) throws IOException {
    Path file = Files.createTempFile(dir, "plugin", ".sh");
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }
}
