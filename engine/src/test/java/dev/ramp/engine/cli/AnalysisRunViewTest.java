package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Rollout;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The AnalysisRun views of `ramp get rollout`, `ramp get analysisrun` and `ramp run -o json`. */
class AnalysisRunViewTest {

  static final Instant NOW = RolloutViewTest.NOW;

  /** A Failed step run of checkout's revision bbb: two metrics, an arg from a Secret. */
  static AnalysisRun failedRun() throws Exception {
    return PluginSupport.YAML.readValue(
        String.join(
            "\n",
            "apiVersion: ramp.dev/v1alpha1",
            "kind: AnalysisRun",
            "metadata:",
            "  name: checkout-bbb-2-2",
            "  namespace: shop",
            "  creationTimestamp: '2026-11-23T10:02:00Z'",
            "  labels: {rollouts-pod-template-hash: bbb}",
            "  ownerReferences:",
            "  - {apiVersion: ramp.dev/v1alpha1, kind: Rollout, name: checkout, uid: u-1,"
                + " controller: true}",
            "spec:",
            "  args:",
            "  - {name: service, value: cart}",
            "  - {name: token, value: hunter2, valueFrom: {secretKeyRef: {name: creds, key: tok}}}",
            "  - {name: hash, valueFrom: {podTemplateHashValue: Latest}}",
            "  metrics:",
            "  - {name: success-rate, provider: {web: {url: 'http://metrics/cart'}}}",
            "  - {name: latency, provider: {web: {url: 'http://metrics/latency'}}}",
            "  - {name: errors, provider: {web: {url: 'http://metrics/errors'}}}",
            "status:",
            "  phase: Failed",
            "  message: 'Metric \"success-rate\" assessed Failed due to failed (1) >"
                + " failureLimit (0)'",
            "  startedAt: '2026-11-23T10:02:00Z'",
            "  completedAt: '2026-11-23T10:04:00Z'",
            "  runSummary: {count: 3, successful: 1, failed: 1}",
            "  metricResults:",
            "  - name: success-rate",
            "    phase: Failed",
            "    message: rate too low",
            "    count: 2",
            "    successful: 1",
            "    failed: 1",
            "    metadata: {url: 'http://metrics/cart'}",
            "    measurements:",
            "    - {phase: Successful, value: '0.99', startedAt: '2026-11-23T10:02:00Z',"
                + " finishedAt: '2026-11-23T10:02:01Z'}",
            "    - {phase: Failed, value: '0.8', startedAt: '2026-11-23T10:03:00Z',"
                + " finishedAt: '2026-11-23T10:03:01Z', message: below 0.95,"
                + " metadata: {status: '200'}}",
            "  - name: latency",
            "    phase: Successful",
            "    count: 1",
            "    successful: 1",
            "    measurements:",
            "    - {phase: Successful, value: '120', startedAt: '2026-11-23T10:02:00Z',"
                + " finishedAt: '2026-11-23T10:02:01Z'}",
            ""),
        AnalysisRun.class);
  }

  /** A Successful background run of revision aaa, older, whose message is not shown. */
  static AnalysisRun successfulRun() throws Exception {
    AnalysisRun run = failedRun();
    run.getMetadata().setName("checkout-aaa-1");
    run.getMetadata().setCreationTimestamp("2026-11-23T10:00:00Z");
    run.getSpec().metrics = run.getSpec().metrics.subList(1, 2);
    run.getStatus().phase = "Successful";
    run.getStatus().message = "Run Terminated";
    run.getStatus().metricResults = run.getStatus().metricResults.subList(1, 2);
    return run;
  }

  @Test
  void getRolloutShowsEachRunWithTheLastMeasurementOfEachMetric() throws Exception {
    Rollout r = RolloutViewTest.pausedRollout();
    String text =
        RolloutView.render(r, List.of(), List.of(successfulRun(), failedRun()), false, NOW);

    assertThat(text)
        .contains(
            String.join(
                "\n",
                "",
                "Analysis runs:",
                "  NAME              PHASE       AGE  METRIC        LAST VALUE  LAST PHASE  MESSAGE",
                "  checkout-bbb-2-2  Failed      3m   success-rate  0.8         Failed      Metric"
                    + " \"success-rate\" assessed Failed due to failed (1) > failureLimit (0)",
                "                                     latency       120         Successful",
                "                                     errors                    -",
                "  checkout-aaa-1    Successful  5m   latency       120         Successful",
                "",
                "Step plugins:"));
    assertThat(text).doesNotContain("Run Terminated");
  }

  @Test
  void withoutRunsGetRolloutIsAsBefore() throws Exception {
    Rollout r = RolloutViewTest.pausedRollout();
    assertThat(RolloutView.render(r, List.of(), List.of(), false, NOW))
        .isEqualTo(RolloutView.render(r, List.of(), false, NOW))
        .doesNotContain("Analysis runs");
  }

  @Test
  void aTableInTheLastMeasurementsMetadataIsShownUnderTheRuns() throws Exception {
    AnalysisRun run = failedRun();
    String judged =
        "METRIC      CLASS  CRITICAL\nerror-rate  High   yes\njudge score 0 (Failed; pass 95,"
            + " marginal 75)";
    var last = run.getStatus().metricResults.get(0).measurements;
    last.get(last.size() - 1).metadata = java.util.Map.of("ramp.dev/table", judged);
    StringBuilder out = new StringBuilder();
    AnalysisRunTable.section(out, List.of(run), NOW, new Ansi(false));
    assertThat(out.toString())
        .endsWith(
            String.join(
                "\n",
                "",
                "  checkout-bbb-2-2 success-rate:",
                "    METRIC      CLASS  CRITICAL",
                "    error-rate  High   yes",
                "    judge score 0 (Failed; pass 95, marginal 75)",
                ""));
    StringBuilder without = new StringBuilder();
    AnalysisRunTable.section(without, List.of(failedRun()), NOW, new Ansi(false));
    assertThat(without.toString()).doesNotContain("checkout-bbb-2-2 success-rate:");
  }

  @Test
  void aLongValueIsCutInTheTable() throws Exception {
    AnalysisRun run = failedRun();
    run.getStatus().metricResults.get(1).measurements.get(0).value = "[" + "1,".repeat(40) + "1]";
    StringBuilder out = new StringBuilder();
    AnalysisRunTable.section(out, List.of(run), NOW, new Ansi(false));
    assertThat(out.toString()).contains("[" + "1,".repeat(18) + "...  Successful");
  }

  @Test
  void getAnalysisRunShowsTheRunWholeAndASecretArgOnlyByReference() throws Exception {
    String text = AnalysisRunView.render(failedRun(), false, NOW);

    assertThat(text)
        .isEqualTo(
            String.join(
                "\n",
                "Name:        checkout-bbb-2-2",
                "Namespace:   shop",
                "Owner:       Rollout checkout",
                "Labels:      rollouts-pod-template-hash=bbb",
                "Status:      Failed",
                "Message:     Metric \"success-rate\" assessed Failed due to failed (1) >"
                    + " failureLimit (0)",
                "StartedAt:   2026-11-23T10:02:00Z (3m ago)",
                "CompletedAt: 2026-11-23T10:04:00Z (1m ago)",
                "Summary:     3 metrics: successful 1, failed 1, inconclusive 0, error 0",
                "",
                "Args:",
                "  NAME     VALUE",
                "  service  cart",
                "  token    valueFrom secret creds/tok",
                "  hash     valueFrom podTemplateHash Latest",
                "",
                "Metric success-rate: Failed",
                "  Message:   rate too low",
                "  Counters:  count 2, successful 1, failed 1, inconclusive 0, error 0,"
                    + " consecutiveError 0, consecutiveSuccess 0",
                "  Metadata:  url=http://metrics/cart",
                "  Measurements:",
                "    PHASE       VALUE  STARTED               FINISHED              MESSAGE   "
                    + "  METADATA",
                "    Successful  0.99   2026-11-23T10:02:00Z  2026-11-23T10:02:01Z",
                "    Failed      0.8    2026-11-23T10:03:00Z  2026-11-23T10:03:01Z  below 0.95"
                    + "  status=200",
                "",
                "Metric latency: Successful",
                "  Counters:  count 1, successful 1, failed 0, inconclusive 0, error 0,"
                    + " consecutiveError 0, consecutiveSuccess 0",
                "  Measurements:",
                "    PHASE       VALUE  STARTED               FINISHED              MESSAGE  "
                    + "METADATA",
                "    Successful  120    2026-11-23T10:02:00Z  2026-11-23T10:02:01Z",
                "",
                "Metric errors: Pending",
                "  Measured:  not yet",
                ""));
    assertThat(text).doesNotContain("hunter2");
  }

  @Test
  void anInFlightMeasurementAndColours() throws Exception {
    AnalysisRun run = failedRun();
    run.getStatus().phase = "Running";
    run.getStatus().metricResults.get(1).measurements.get(0).finishedAt = null;
    run.getStatus().metricResults.get(1).measurements.get(0).resumeAt = "2026-11-23T10:06:00Z";
    String text = AnalysisRunView.render(run, true, NOW);
    assertThat(text)
        .contains("\u001b[34mRunning\u001b[0m")
        .contains("resumes 2026-11-23T10:06:00Z")
        .contains("\u001b[31m    Failed      0.8");
  }

  @Test
  void theObjectForOutputLeavesOutSecretValues() throws Exception {
    JsonNode object = AnalysisRunView.object(failedRun());
    JsonNode args = object.path("spec").path("args");
    assertThat(args.get(0).path("value").asText()).isEqualTo("cart");
    assertThat(args.get(1).has("value")).isFalse();
    assertThat(args.get(1).path("valueFrom").path("secretKeyRef").path("name").asText())
        .isEqualTo("creds");
    assertThat(object.toString()).doesNotContain("hunter2");
    assertThat(object.path("kind").asText()).isEqualTo("AnalysisRun");
    assertThat(object.path("status").path("phase").asText()).isEqualTo("Failed");
  }

  @Test
  void theSummaryOfRunCarriesNamePhaseMessageAndLastValues() throws Exception {
    JsonNode summary = AnalysisRunTable.summary(List.of(successfulRun(), failedRun()));
    assertThat(summary).hasSize(2);
    JsonNode failed = summary.get(0);
    assertThat(failed.path("name").asText()).isEqualTo("checkout-bbb-2-2");
    assertThat(failed.path("phase").asText()).isEqualTo("Failed");
    assertThat(failed.path("message").asText()).contains("assessed Failed");
    assertThat(failed.path("metrics").get(0).toString())
        .isEqualTo(
            "{\"name\":\"success-rate\",\"phase\":\"Failed\",\"measurements\":2,"
                + "\"lastValue\":\"0.8\",\"lastPhase\":\"Failed\"}");
    assertThat(failed.path("metrics").get(2).toString())
        .isEqualTo("{\"name\":\"errors\",\"phase\":\"Pending\",\"measurements\":0}");
    assertThat(summary.get(1).path("name").asText()).isEqualTo("checkout-aaa-1");
  }
}
