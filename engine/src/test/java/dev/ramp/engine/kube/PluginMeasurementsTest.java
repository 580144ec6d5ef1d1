package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.analysis.Measurer.Measured;
import dev.ramp.engine.analysis.Measurer.Measured.Status;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.plugin.CallKey;
import dev.ramp.engine.plugin.MetricProviderClient;
import dev.ramp.engine.plugin.PluginAvailability;
import dev.ramp.engine.plugin.PluginCallException;
import dev.ramp.engine.provider.MetricArgs;
import dev.ramp.plugin.api.Measurement;
import dev.ramp.plugin.api.Measurement.Phase;
import dev.ramp.plugin.api.MetricCall;
import dev.ramp.plugin.api.PluginContext;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plugin provider of AnalysisRuns against a hand-written metric-provider client. */
class PluginMeasurementsTest {

  static final String PLUGIN = "acme/judge";
  static final String RUN_UID = "6f1d2c3b-0000-4000-8000-00000000abcd";
  static final String SECRET = "s3cr3t-t0ken";
  static final Instant STARTED = Instant.parse("2024-05-01T10:00:00Z");
  static final Instant RESUME_AT = Instant.parse("2024-05-01T10:00:30Z");

  private final FakeMetricPlugins plugins = new FakeMetricPlugins();
  private final PluginMeasurements measurements = new PluginMeasurements(plugins);
  private final MetricArgs args =
      MetricArgs.of(Map.of("service", "cart")).withSecret("token", SECRET);

  /** An AnalysisRun of Rollout "cart" at hash abc123 whose token arg comes from a Secret. */
  static AnalysisRun analysisRun() {
    String yaml =
        """
        {"apiVersion": "ramp.dev/v1alpha1", "kind": "AnalysisRun",
         "metadata": {"name": "cart-abc123-2", "namespace": "shop", "uid": "%s",
           "labels": {"rollouts-pod-template-hash": "abc123"},
           "ownerReferences": [{"apiVersion": "ramp.dev/v1alpha1", "kind": "Rollout",
             "name": "cart", "uid": "rollout-uid-1", "controller": true}]},
         "spec": {"args": [{"name": "service", "value": "cart"},
                           {"name": "token", "valueFrom":
                             {"secretKeyRef": {"name": "judge", "key": "token"}}}],
                  "metrics": [{"name": "judged", "provider": {"plugin": {"acme/judge":
                    {"service": "{{args.service}}", "auth": "Bearer {{args.token}}"}}}}]}}
        """
            .formatted(RUN_UID);
    return dev.ramp.plugin.api.Json.bind(dev.ramp.plugin.api.Json.parse(yaml), AnalysisRun.class);
  }

  static Measurer.Call call(AnalysisRun run, int index) {
    JsonNode metric = Json.tree(run.getSpec().metrics.get(0));
    return new Measurer.Call("judged", metric, metric.get("provider"), index);
  }

  private Measured run(Measurement answer) {
    plugins.answers.add(answer);
    AnalysisRun run = analysisRun();
    Measurer.Call call = call(run, 3);
    return measurements.run(run, call, call.provider().get("plugin"), args);
  }

  private static Measurement answer(Phase phase, String value, String message) {
    return new Measurement(phase, value, Map.of("query", "q"), STARTED, null, null, message);
  }

  @Test
  void aSuccessfulAnswerIsAValueForTheConditionsJsonWhenItParses() {
    Measured number = run(answer(Phase.SUCCESSFUL, "0.97", "measured"));
    assertThat(number.status()).isEqualTo(Status.VALUE);
    assertThat(number.value()).isEqualTo(DoubleNode.valueOf(0.97));
    assertThat(number.text()).isEqualTo("0.97");
    assertThat(number.message()).isEqualTo("measured");
    assertThat(number.metadata()).containsEntry("query", "q");

    assertThat(run(answer(Phase.SUCCESSFUL, "[1, 2]", "")).value().isArray()).isTrue();
    assertThat(run(answer(Phase.SUCCESSFUL, "not json", "")).value())
        .isEqualTo(TextNode.valueOf("not json"));
    assertThat(run(answer(Phase.SUCCESSFUL, "", "")).value()).isNull();
  }

  @Test
  void failedAndInconclusiveAreThePluginsVerdictErrorIsNoMeasurement() {
    Measured failed = run(answer(Phase.FAILED, "0.2", "too many errors"));
    assertThat(failed.status()).isEqualTo(Status.FAILED);
    assertThat(failed.value()).isNull();
    assertThat(failed.text()).isEqualTo("0.2");
    assertThat(failed.message()).isEqualTo("too many errors");

    assertThat(run(answer(Phase.INCONCLUSIVE, "", "")).status()).isEqualTo(Status.INCONCLUSIVE);

    Measured error = run(answer(Phase.ERROR, "", "backend down"));
    assertThat(error.status()).isEqualTo(Status.ERROR);
    assertThat(error.message()).isEqualTo("backend down");
    assertThat(run(answer(Phase.ERROR, "", "")).message())
        .contains(PLUGIN, "Run", "without a message");
  }

  @Test
  void runningIsResumedAtThePluginsResumeAt() {
    Measured running =
        run(new Measurement(Phase.RUNNING, "", Map.of("job", "j-1"), STARTED, null, RESUME_AT, ""));
    assertThat(running.status()).isEqualTo(Status.RUNNING);
    assertThat(running.resumeAt()).isEqualTo(RESUME_AT);
    assertThat(running.metadata())
        .containsEntry("job", "j-1")
        .containsEntry(PluginMeasurements.ATTEMPT, "1");
  }

  @Test
  void theContextNamesTheRunTheMetricAndTheMeasurementWithAStableKey() {
    run(answer(Phase.SUCCESSFUL, "1", ""));
    FakeMetricPlugins.Call sent = plugins.sent.get(0);
    assertThat(sent.operation()).isEqualTo("Run");
    assertThat(sent.plugin()).isEqualTo(PLUGIN);
    PluginContext context = sent.call().context();
    assertThat(context.namespace()).isEqualTo("shop");
    assertThat(context.rolloutName()).isEqualTo("cart");
    assertThat(context.rolloutUid()).isEqualTo("rollout-uid-1");
    assertThat(context.podTemplateHash()).isEqualTo("abc123");
    assertThat(context.stepIndex()).isEqualTo(-1);
    assertThat(context.operation()).isEqualTo("Run");
    assertThat(context.attempt()).isEqualTo(1);
    assertThat(context.pluginName()).isEqualTo(PLUGIN);
    assertThat(context.idempotencyKey()).isEqualTo(RUN_UID + "/judged/3");
    assertThat(context.analysis())
        .isEqualTo(new PluginContext.Analysis("cart-abc123-2", RUN_UID, "judged", 3));
    // The config rendered; the metric and the run as the spec has them.
    assertThat(sent.call().config().path("service").asText()).isEqualTo("cart");
    assertThat(sent.call().config().path("auth").asText()).isEqualTo("Bearer " + SECRET);
    assertThat(sent.call().metric().path("name").asText()).isEqualTo("judged");
    assertThat(sent.call().analysisRun().path("metadata").path("name").asText())
        .isEqualTo("cart-abc123-2");
    assertThat(sent.call().analysisRun().toString())
        .doesNotContain(SECRET)
        .contains("secretKeyRef", "{{args.token}}");
  }

  @Test
  void resumeCountsOneAttemptMoreThanTheAnswerTheStatusHolds() {
    AnalysisRun run = analysisRun();
    Measurer.Call call = call(run, 3);
    plugins.answers.add(
        new Measurement(Phase.RUNNING, "", Map.of("job", "j-1"), STARTED, null, RESUME_AT, ""));
    Measured first = measurements.run(run, call, call.provider().get("plugin"), args);
    Measurer.InFlight inFlight = new Measurer.InFlight(STARTED, RESUME_AT, "", first.metadata());

    plugins.answers.add(
        new Measurement(Phase.RUNNING, "", Map.of("job", "j-1"), STARTED, null, RESUME_AT, ""));
    Measured second = measurements.resume(run, call, inFlight, args);
    assertThat(second.metadata()).containsEntry(PluginMeasurements.ATTEMPT, "2");
    FakeMetricPlugins.Call resumed = plugins.sent.get(1);
    assertThat(resumed.operation()).isEqualTo("Resume");
    assertThat(resumed.call().context().attempt()).isEqualTo(2);
    assertThat(resumed.call().context().idempotencyKey()).isEqualTo(RUN_UID + "/judged/3");
    // The plugin gets its own measurement back, without Ramp's key.
    assertThat(resumed.given().metadata()).isEqualTo(Map.of("job", "j-1"));
    assertThat(resumed.given().phase()).isEqualTo(Phase.RUNNING);
    assertThat(resumed.given().startedAt()).isEqualTo(STARTED);
    assertThat(resumed.given().resumeAt()).isEqualTo(RESUME_AT);

    // A controller that crashed before it recorded the second answer still has the first in its
    // status: the same call again, same key, same attempt.
    plugins.answers.add(answer(Phase.SUCCESSFUL, "1", ""));
    measurements.resume(run, call, inFlight, args);
    assertThat(plugins.sent.get(2).call().context()).isEqualTo(resumed.call().context());

    // Once the second answer is recorded, the next Resume counts one more.
    plugins.answers.add(answer(Phase.SUCCESSFUL, "1", ""));
    Measured done =
        measurements.resume(
            run, call, new Measurer.InFlight(STARTED, RESUME_AT, "", second.metadata()), args);
    assertThat(plugins.sent.get(3).call().context().attempt()).isEqualTo(3);
    assertThat(done.status()).isEqualTo(Status.VALUE);
    assertThat(done.metadata()).containsEntry(PluginMeasurements.ATTEMPT, "3");

    assertThat(measurements.calls())
        .containsExactly(
            new CallKey(PLUGIN, "Run", RUN_UID + "/judged/3", 1),
            new CallKey(PLUGIN, "Resume", RUN_UID + "/judged/3", 2),
            new CallKey(PLUGIN, "Resume", RUN_UID + "/judged/3", 2),
            new CallKey(PLUGIN, "Resume", RUN_UID + "/judged/3", 3));
    assertThat(measurements.calls()).isEmpty();
  }

  @Test
  void aMeasurementInFlightWithoutRampsKeyCountsAsAnsweredOnce() {
    for (String attempt : new String[] {null, "x", "0"}) {
      Map<String, String> metadata = new HashMap<>();
      if (attempt != null) {
        metadata.put(PluginMeasurements.ATTEMPT, attempt);
      }
      assertThat(PluginMeasurements.attemptOf(new Measurer.InFlight(STARTED, null, "", metadata)))
          .isEqualTo(1);
    }
  }

  @Test
  void terminateWithoutAValueIsSuccessfulWithAValueTheConditionsDecide() {
    AnalysisRun run = analysisRun();
    Measurer.Call call = call(run, 4);
    Measurer.InFlight inFlight =
        new Measurer.InFlight(STARTED, RESUME_AT, "", Map.of(PluginMeasurements.ATTEMPT, "2"));
    plugins.answers.add(answer(Phase.SUCCESSFUL, "", "terminated"));
    Measured stopped = measurements.terminate(run, call, inFlight, args);
    assertThat(stopped.status()).isEqualTo(Status.SUCCESSFUL);
    assertThat(stopped.message()).isEqualTo("terminated");
    assertThat(plugins.sent.get(0).operation()).isEqualTo("Terminate");
    assertThat(plugins.sent.get(0).call().context().attempt()).isEqualTo(3);
    assertThat(plugins.sent.get(0).call().context().operation()).isEqualTo("Terminate");

    plugins.answers.add(answer(Phase.SUCCESSFUL, "0.5", ""));
    assertThat(measurements.terminate(run, call, inFlight, args).status()).isEqualTo(Status.VALUE);
    assertThat(measurements.calls())
        .containsOnly(new CallKey(PLUGIN, "Terminate", RUN_UID + "/judged/4", 3));
  }

  @Test
  void secretValuesAreMaskedInMessagesAndMetadata() {
    Measured error =
        run(
            new Measurement(
                Phase.ERROR,
                "",
                Map.of("auth", "Bearer " + SECRET),
                STARTED,
                null,
                null,
                "401 for Bearer " + SECRET));
    assertThat(error.message()).isEqualTo("401 for Bearer " + MetricArgs.MASK);
    assertThat(error.metadata()).containsEntry("auth", "Bearer " + MetricArgs.MASK);

    plugins.metadata = Map.of("query", "up{token=\"" + SECRET + "\"}");
    AnalysisRun run = analysisRun();
    assertThat(measurements.metadata(run, call(run, 3), args))
        .isEqualTo(Map.of("query", "up{token=\"" + MetricArgs.MASK + "\"}"));

    plugins.failure =
        new PluginCallException(PluginCallException.Reason.INVALID_CONFIG, "", SECRET);
    assertThat(measurements.garbageCollect(run, call(run, 3), 5, args)).contains(MetricArgs.MASK);
  }

  @Test
  void aSpecThatDoesNotNameExactlyOnePluginIsAnErrorAndCallsNothing() {
    AnalysisRun run = analysisRun();
    Measurer.Call call = call(run, 1);
    JsonNode two = dev.ramp.plugin.api.Json.parse("{\"acme/a\": {}, \"acme/b\": {}}");
    assertThat(measurements.run(run, call, two, args).message())
        .contains("metric judged", "exactly one plugin", "2 (acme/a, acme/b)");
    JsonNode none = dev.ramp.plugin.api.Json.parse("{}");
    assertThat(measurements.run(run, call, none, args).status()).isEqualTo(Status.ERROR);
    assertThat(measurements.run(run, call, none, args).message()).contains("got none");
    assertThat(measurements.run(run, call, TextNode.valueOf("acme/a"), args).message())
        .contains("exactly one plugin", "a string");
    assertThat(plugins.sent).isEmpty();
    assertThat(measurements.calls()).isEmpty();
  }

  @Test
  void aPluginThatIsNotConfiguredOrSwitchedOffIsAnErrorWithItsReason() {
    AnalysisRun run = analysisRun();
    Measurer.Call call = call(run, 1);
    plugins.availability =
        PluginAvailability.of(
            PluginAvailability.State.UNKNOWN, "no metric-provider plugin named acme/judge");
    Measured unknown = measurements.run(run, call, call.provider().get("plugin"), args);
    assertThat(unknown.status()).isEqualTo(Status.ERROR);
    assertThat(unknown.message())
        .contains("acme/judge", "unknown", "no metric-provider plugin named acme/judge");

    plugins.availability =
        PluginAvailability.of(PluginAvailability.State.DISABLED, "enabled: false in ramp-config");
    Measured off =
        measurements.resume(run, call, new Measurer.InFlight(STARTED, null, "", Map.of()), args);
    assertThat(off.status()).isEqualTo(Status.ERROR);
    assertThat(off.message()).contains("disabled", "enabled: false in ramp-config");
    assertThat(measurements.garbageCollect(run, call, 3, args))
        .get()
        .asString()
        .contains("disabled");
    assertThat(measurements.metadata(run, call, args)).isEmpty();
    assertThat(plugins.sent).isEmpty();
  }

  @Test
  void anUnknownArgInTheConfigIsAnErrorNamingTheTag() {
    AnalysisRun run = analysisRun();
    Measurer.Call call = call(run, 1);
    JsonNode spec = dev.ramp.plugin.api.Json.parse("{\"acme/judge\": {\"q\": \"{{args.nope}}\"}}");
    Measured error = measurements.run(run, call, spec, args);
    assertThat(error.status()).isEqualTo(Status.ERROR);
    assertThat(error.message()).contains("{{args.nope}}", "acme/judge");
    assertThat(plugins.sent).isEmpty();
  }

  @Test
  void garbageCollectAndMetadataAreNotAboutOneMeasurement() {
    AnalysisRun run = analysisRun();
    Measurer.Call call = call(run, 7);
    assertThat(measurements.garbageCollect(run, call, 5, args)).isEmpty();
    assertThat(plugins.sent.get(0).operation()).isEqualTo("GarbageCollect");
    assertThat(plugins.sent.get(0).limit()).isEqualTo(5);
    PluginContext context = plugins.sent.get(0).call().context();
    assertThat(context.idempotencyKey()).isEmpty();
    assertThat(context.analysis().measurementIndex()).isZero();
    assertThat(context.operation()).isEqualTo("GarbageCollect");

    plugins.metadata = Map.of("query", "rate(x[1m])");
    assertThat(measurements.metadata(run, call, args)).isEqualTo(Map.of("query", "rate(x[1m])"));
    assertThat(plugins.sent.get(1).call().context().operation()).isEqualTo("GetMetadata");

    plugins.failure =
        new PluginCallException(PluginCallException.Reason.UNIMPLEMENTED, "UNIMPLEMENTED", "no");
    assertThat(measurements.metadata(run, call, args)).isEmpty();
    assertThat(measurements.garbageCollect(run, call, 5, args)).contains("no");
    // Housekeeping leaves no answers to record.
    assertThat(measurements.calls()).isEmpty();
  }

  /** A metric-provider client that answers from a queue and remembers what it was sent. */
  static final class FakeMetricPlugins implements MetricProviderClient {
    record Call(String plugin, String operation, MetricCall call, Measurement given, int limit) {}

    final List<Call> sent = new ArrayList<>();
    final Deque<Measurement> answers = new ArrayDeque<>();
    final List<dev.ramp.engine.plugin.CallKey> recorded = new ArrayList<>();
    PluginAvailability availability = PluginAvailability.ready();
    Map<String, String> metadata = Map.of();
    PluginCallException failure;

    @Override
    public PluginAvailability availability(String pluginName) {
      return availability;
    }

    private Measurement answer(String plugin, String op, MetricCall call, Measurement given) {
      sent.add(new Call(plugin, op, call, given, 0));
      return answers.removeFirst();
    }

    @Override
    public Measurement run(String pluginName, MetricCall call) {
      return answer(pluginName, "Run", call, null);
    }

    @Override
    public Measurement resume(String pluginName, MetricCall call, Measurement measurement) {
      return answer(pluginName, "Resume", call, measurement);
    }

    @Override
    public Measurement terminate(String pluginName, MetricCall call, Measurement measurement) {
      return answer(pluginName, "Terminate", call, measurement);
    }

    @Override
    public void recorded(java.util.Collection<dev.ramp.engine.plugin.CallKey> calls) {
      recorded.addAll(calls);
    }

    @Override
    public void garbageCollect(String pluginName, MetricCall call, int limit) {
      sent.add(new Call(pluginName, "GarbageCollect", call, null, limit));
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public Map<String, String> metadata(String pluginName, MetricCall call) {
      sent.add(new Call(pluginName, "GetMetadata", call, null, 0));
      if (failure != null) {
        throw failure;
      }
      return metadata;
    }
  }
}
