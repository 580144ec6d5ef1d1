package dev.ramp.plugins.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.PluginException;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import dev.ramp.plugin.api.StepResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookStepPluginTest {

  private static final HttpClient CLIENT = HttpCalls.defaultClient();
  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
  private static final String KEY = "3f1c9a7e-run-2";

  private final MutableClock clock = new MutableClock(T0);
  private final Map<String, String> env = new HashMap<>();
  private RecordingServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = RecordingServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @AfterAll
  static void closeClient() {
    CLIENT.executor().ifPresent(e -> ((java.util.concurrent.ExecutorService) e).shutdownNow());
  }

  // --- trigger without polling ---

  @Test
  void triggerAnsweredWithExpectedStatusIsSuccessfulAndSendsJsonBody() {
    server.reply("/job/deploy/build", 201, "");

    StepResult result =
        run(
"""
{"url": "BASE/job/deploy/build",
 "headers": {"X-Team": "payments"},
 "body": {"rollout": "{{rollout.namespace}}/{{rollout.name}}", "hash": "{{podTemplateHash}}",
          "params": ["{{stepIndex}}", 7]}}
""");

    assertThat(result.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(result.message()).contains("POST", "/job/deploy/build", "HTTP 201");
    assertThat(result.state().path("phase").asText()).isEqualTo("done");
    RecordingServer.Recorded request = server.last();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.header("Idempotency-Key")).isEqualTo(KEY);
    assertThat(request.header("X-Team")).isEqualTo("payments");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(Json.parse(request.body()))
        .isEqualTo(
            Json.parse(
                """
                {"rollout": "shop/checkout", "hash": "6f9c7d5b8", "params": ["2", 7]}
                """));
  }

  @Test
  void textBodyIsSentAsWrittenWithTemplatesFilledIn() {
    server.reply("/hook", 200, "ok");

    run(
"""
{"url": "BASE/hook?rollout={{rollout.name}}&step={{stepIndex}}&key={{idempotencyKey}}",
 "method": "put",
 "headers": {"Content-Type": "text/plain", "X-Rollout": "{{rollout.namespace}}/{{rollout.name}}"},
 "body": "deploy {{rollout.name}} at {{podTemplateHash}}"}
""");

    RecordingServer.Recorded request = server.last();
    assertThat(request.method()).isEqualTo("PUT");
    assertThat(request.uri().getQuery()).isEqualTo("rollout=checkout&step=2&key=" + KEY);
    assertThat(request.header("X-Rollout")).isEqualTo("shop/checkout");
    assertThat(request.header("Content-Type")).isEqualTo("text/plain");
    assertThat(request.body()).isEqualTo("deploy checkout at 6f9c7d5b8");
  }

  @Test
  void contextValuesArePercentEncodedInUrls() {
    server.reply("/hook", 200, "");
    PluginContext context =
        new PluginContext(
            "uid", "shop", "checkout", "h", 0, "sh", "Run", 1, "a b/c", "acme/webhook");

    plugin()
        .run(
            new StepCall(
                context, rollout(), config("{\"url\": \"BASE/hook?k={{idempotencyKey}}\"}"), null));

    assertThat(server.last().uri().getRawQuery()).isEqualTo("k=a%20b%2Fc");
    assertThat(server.last().header("Idempotency-Key")).isEqualTo("a b/c");
  }

  @Test
  void unexpectedStatusIsFailedWithStatusAndBodySnippet() {
    server.reply("/gate", 403, "{\"decision\": \"denied\",\n  \"by\": \"change board\"}");

    StepResult result = run("{\"url\": \"BASE/gate\", \"expectedStatus\": [200, 201]}");

    assertThat(result.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(result.message())
        .contains("HTTP 403", "{\"decision\": \"denied\", \"by\": \"change board\"}", "[200, 201]");
    assertThat(result.state()).isInstanceOf(MissingNode.class);
  }

  @Test
  void statusOutsideDefault2xxIsFailed() {
    server.reply("/gate", 404, "no such job");

    StepResult result = run("{\"url\": \"BASE/gate\"}");

    assertThat(result.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(result.message()).contains("HTTP 404: no such job", "200-299");
  }

  @Test
  void listedStatusOutside2xxIsAccepted() {
    server.reply("/gate", 409, "already running");

    assertThat(run("{\"url\": \"BASE/gate\", \"expectedStatus\": [409]}").phase())
        .isEqualTo(StepPhase.SUCCESSFUL);
  }

  @Test
  void redirectIsNotFollowedAndSaysSo() {
    server.reply("/old", 302, "", "Location", server.url("/new"));

    StepResult result = run("{\"url\": \"BASE/old\"}");

    assertThat(result.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(result.message()).contains("HTTP 302", "redirects are not followed");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void serverErrorAndTooManyRequestsAreErrorsToRetry() {
    server.reply("/busy", 503, "maintenance").reply("/limited", 429, "slow down");

    StepResult busy = run("{\"url\": \"BASE/busy\"}");
    StepResult limited = run("{\"url\": \"BASE/limited\"}");

    assertThat(busy.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(busy.message()).contains("HTTP 503: maintenance", "will retry");
    assertThat(busy.state()).isInstanceOf(MissingNode.class);
    assertThat(limited.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(limited.message()).contains("HTTP 429");
  }

  @Test
  void connectionRefusedIsAnError() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    StepResult result = run("{\"url\": \"http://127.0.0.1:" + port + "/hook\"}");

    assertThat(result.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(result.message()).contains("POST http://127.0.0.1:" + port + "/hook failed");
  }

  @Test
  void backendThatDoesNotAnswerInTimeIsAnError() {
    server.hang("/slow");

    StepResult result = run("{\"url\": \"BASE/slow\", \"timeout\": \"300ms\"}");

    assertThat(result.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(result.message()).contains("timed out after 300ms");
  }

  @Test
  void retriedFirstCallCarriesTheSameIdempotencyKey() {
    server.reply("/job", 502, "bad gateway").reply("/job", 201, "");
    String config = "{\"url\": \"BASE/job\"}";

    StepResult first = run(config);
    StepResult retry = run(config);

    assertThat(first.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(retry.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(server.requests())
        .extracting(r -> r.header("Idempotency-Key"))
        .containsExactly(KEY, KEY);
  }

  @Test
  void resultPointerDecidesTheOutcomeWithoutPolling() {
    server
        .reply("/approved", 200, "{\"change\": {\"state\": \"approved\"}}")
        .reply("/rejected", 200, "{\"change\": {\"state\": \"rejected\"}}")
        .reply("/pending", 200, "{\"change\": {\"state\": \"review\"}}")
        .reply("/html", 200, "<html>login</html>");
    String config =
        """
        {"url": "BASE/%s", "resultPointer": "/change/state",
         "successValues": ["approved"], "failureValues": ["rejected"]}
        """;

    StepResult approved = run(config.formatted("approved"));
    StepResult rejected = run(config.formatted("rejected"));
    StepResult pending = run(config.formatted("pending"));
    StepResult html = run(config.formatted("html"));

    assertThat(approved.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(approved.message()).contains("/change/state is \"approved\"");
    assertThat(rejected.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(rejected.message()).contains("/change/state is \"rejected\"", "failure value");
    assertThat(pending.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(pending.message()).contains("/change/state is \"review\"", "not a success value");
    assertThat(html.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(html.message()).contains("not JSON", "<html>login</html>");
  }

  @Test
  void numbersAndBooleansMatchAsText() {
    server.reply("/gate", 200, "{\"approved\": true, \"code\": 0}");

    assertThat(
            run("""
                {"url": "BASE/gate", "resultPointer": "/approved", "successValues": [true]}
                """)
                .phase())
        .isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(
            run("""
                {"url": "BASE/gate", "resultPointer": "/code", "successValues": ["0"]}
                """)
                .phase())
        .isEqualTo(StepPhase.SUCCESSFUL);
  }

  // --- polling ---

  private static final String JENKINS =
"""
{"url": "BASE/job/deploy/buildWithParameters?ROLLOUT={{rollout.name}}",
 "expectedStatus": [201],
 "poll": {"url": "{{location}}api/json?tree=executable[result]", "interval": "15s", "timeout": "10m",
          "resultPointer": "/executable/result",
          "successValues": ["SUCCESS"], "failureValues": ["FAILURE", "ABORTED", "UNSTABLE"]}}
""";

  @Test
  void pollsUntilTheResultIsASuccessValueCarryingStateBetweenCalls() {
    server
        .reply("/job/deploy/buildWithParameters", 201, "", "Location", "/queue/item/7/")
        .reply("/queue/item/7/api/json", 200, "{\"executable\": null}")
        .reply("/queue/item/7/api/json", 200, "{\"executable\": {\"result\": null}}")
        .reply("/queue/item/7/api/json", 200, "{\"executable\": {\"result\": \"SUCCESS\"}}");

    StepResult triggered = run(JENKINS);
    assertThat(triggered.phase()).isEqualTo(StepPhase.RUNNING);
    assertThat(triggered.requeueAfter()).isEqualTo(Duration.ofSeconds(15));
    assertThat(triggered.state())
        .isEqualTo(
            Json.parse(
                """
                {"phase": "polling", "startedAt": "2026-11-23T12:00:00Z",
                 "location": "%s", "pollUrl": "%s", "polls": 0}
                """
                    .formatted(
                        server.url("/queue/item/7/"),
                        server.url("/queue/item/7/api/json?tree=executable[result]"))));

    clock.advance(Duration.ofSeconds(15));
    StepResult queued = run(JENKINS, triggered.state());
    assertThat(queued.phase()).isEqualTo(StepPhase.RUNNING);
    assertThat(queued.message()).contains("/executable/result is missing", "poll 1", "15s of 10m");
    assertThat(queued.state().path("polls").asInt()).isEqualTo(1);
    assertThat(queued.state().path("startedAt").asText()).isEqualTo("2026-11-23T12:00:00Z");

    clock.advance(Duration.ofSeconds(15));
    StepResult building = run(JENKINS, queued.state());
    assertThat(building.phase()).isEqualTo(StepPhase.RUNNING);
    assertThat(building.message()).contains("/executable/result is null", "poll 2");
    assertThat(building.requeueAfter()).isEqualTo(Duration.ofSeconds(15));
    assertThat(building.state().path("polls").asInt()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(15));
    StepResult done = run(JENKINS, building.state());
    assertThat(done.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(done.message()).contains("\"SUCCESS\"", "after 3 polls");
    assertThat(done.state().path("phase").asText()).isEqualTo("done");

    assertThat(server.requests())
        .extracting(r -> r.method() + " " + r.uri().getPath())
        .containsExactly(
            "POST /job/deploy/buildWithParameters",
            "GET /queue/item/7/api/json",
            "GET /queue/item/7/api/json",
            "GET /queue/item/7/api/json");
    assertThat(server.requests())
        .allSatisfy(r -> assertThat(r.header("Idempotency-Key")).isEqualTo(KEY));
    assertThat(server.requests().get(0).uri().getQuery()).isEqualTo("ROLLOUT=checkout");
  }

  @Test
  void followsTheQueueItemToItsBuildAndPollsThatUntilItFinishes() {
    String config =
"""
{"url": "BASE/job/deploy/buildWithParameters", "expectedStatus": [201],
 "poll": {"url": "{{location}}api/json?tree=executable[url]",
          "followPointer": "/executable/url", "followSuffix": "api/json?tree=result,building",
          "resultPointer": "/result", "successValues": ["SUCCESS"], "failureValues": ["FAILURE"]}}
""";
    server
        .reply("/job/deploy/buildWithParameters", 201, "", "Location", "/queue/item/11/")
        .reply("/queue/item/11/api/json", 200, "{\"executable\": null}")
        .reply(
            "/queue/item/11/api/json",
            200,
            "{\"executable\": {\"url\": \"" + server.url("/job/deploy/5/") + "\"}}")
        .reply("/job/deploy/5/api/json", 200, "{\"result\": null, \"building\": true}")
        .reply("/job/deploy/5/api/json", 200, "{\"result\": \"SUCCESS\", \"building\": false}");

    StepResult triggered = run(config);
    StepResult queued = run(config, triggered.state());
    StepResult started = run(config, queued.state());
    StepResult building = run(config, started.state());
    StepResult done = run(config, building.state());

    assertThat(queued.phase()).isEqualTo(StepPhase.RUNNING);
    assertThat(queued.state().path("pollUrl").asText()).contains("/queue/item/11/");
    assertThat(started.phase()).isEqualTo(StepPhase.RUNNING);
    assertThat(started.message()).startsWith("now polling " + server.url("/job/deploy/5/api/json"));
    assertThat(started.state().path("pollUrl").asText())
        .isEqualTo(server.url("/job/deploy/5/api/json?tree=result,building"));
    assertThat(building.phase()).isEqualTo(StepPhase.RUNNING);
    assertThat(building.message()).startsWith("waiting for /result");
    assertThat(done.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(server.requests())
        .extracting(r -> r.method() + " " + r.uri().getPath())
        .containsExactly(
            "POST /job/deploy/buildWithParameters",
            "GET /queue/item/11/api/json",
            "GET /queue/item/11/api/json",
            "GET /job/deploy/5/api/json",
            "GET /job/deploy/5/api/json");
  }

  @Test
  void followedValueThatIsNoUrlIsFailed() {
    String config =
        """
        {"url": "BASE/job", "poll": {"url": "{{location}}", "followPointer": "/next",
         "resultPointer": "/result", "successValues": ["SUCCESS"]}}
        """;
    server
        .reply("/job", 201, "", "Location", "/item/")
        .reply("/item/", 200, "{\"next\": \"ftp://files/x\"}");

    StepResult triggered = run(config);
    StepResult result = run(config, triggered.state());

    assertThat(result.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(result.message()).contains("/next", "ftp://files/x", "not an http");
  }

  @Test
  void failureValueWhilePollingIsFailedWithTheValue() {
    server
        .reply("/job/deploy/buildWithParameters", 201, "", "Location", server.url("/queue/item/8/"))
        .reply("/queue/item/8/api/json", 200, "{\"executable\": {\"result\": \"UNSTABLE\"}}");

    StepResult triggered = run(JENKINS);
    StepResult result = run(JENKINS, triggered.state());

    assertThat(result.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(result.message()).contains("/executable/result is \"UNSTABLE\"", "failure value");
  }

  @Test
  void pollTimeoutIsFailedSayingItTimedOut() {
    server
        .reply("/job/deploy/buildWithParameters", 201, "", "Location", "/queue/item/9/")
        .reply("/queue/item/9/api/json", 200, "{\"executable\": {\"result\": null}}");

    StepResult triggered = run(JENKINS);
    clock.advance(Duration.ofMinutes(9));
    StepResult stillRunning = run(JENKINS, triggered.state());
    clock.advance(Duration.ofMinutes(1));
    StepResult timedOut = run(JENKINS, stillRunning.state());

    assertThat(stillRunning.phase()).isEqualTo(StepPhase.RUNNING);
    assertThat(timedOut.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(timedOut.message())
        .contains("timed out after 10m", "2 polls", "[\"SUCCESS\"]", "/executable/result is null");
  }

  @Test
  void pollUrlFromTheTriggerResponseBody() {
    server
        .reply(
            "/changes",
            202,
            "{\"id\": 4711, \"links\": {\"self\": \"" + server.url("/changes/4711") + "\"}}")
        .reply("/changes/4711", 200, "{\"status\": \"approved\"}");
    String config =
        """
        {"url": "BASE/changes", "body": {"service": "{{rollout.name}}"},
         "poll": {"url": "BASE/changes/{{response:/id}}", "interval": "30s",
                  "resultPointer": "/status", "successValues": ["approved"]}}
        """;

    StepResult triggered = run(config);
    StepResult approved = run(config, triggered.state());

    assertThat(triggered.state().path("pollUrl").asText()).isEqualTo(server.url("/changes/4711"));
    assertThat(triggered.state().has("location")).isFalse();
    assertThat(approved.phase()).isEqualTo(StepPhase.SUCCESSFUL);
  }

  @Test
  void triggerResponseWithoutWhatThePollUrlNeedsIsFailed() {
    server.reply("/changes", 202, "{\"ticket\": 1}").reply("/job", 201, "");

    StepResult noId =
        run(
            """
            {"url": "BASE/changes", "poll": {"url": "BASE/changes/{{response:/id}}",
             "resultPointer": "/status", "successValues": ["ok"]}}
            """);
    StepResult noLocation =
        run(
            """
            {"url": "BASE/job", "poll": {"url": "{{location}}api/json",
             "resultPointer": "/status", "successValues": ["ok"]}}
            """);

    assertThat(noId.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(noId.message()).contains("{{response:/id}}", "{\"ticket\": 1}");
    assertThat(noLocation.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(noLocation.message()).contains("no Location header");
  }

  @Test
  void serverErrorWhilePollingIsAnErrorThatKeepsTheState() {
    server
        .reply("/job/deploy/buildWithParameters", 201, "", "Location", "/queue/item/3/")
        .reply("/queue/item/3/api/json", 500, "oops")
        .reply("/queue/item/3/api/json", 404, "gone");

    StepResult triggered = run(JENKINS);
    StepResult error = run(JENKINS, triggered.state());
    StepResult gone = run(JENKINS, error.state());

    assertThat(error.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(error.message()).contains("HTTP 500: oops");
    assertThat(error.state().path("phase").asText()).isEqualTo("polling");
    assertThat(error.state().path("polls").asInt()).isEqualTo(1);
    assertThat(gone.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(gone.message()).contains("HTTP 404: gone");
  }

  @Test
  void stateThisPluginDidNotWriteIsAFailedPrecondition() {
    assertThatThrownBy(() -> run(JENKINS, Json.parse("{\"phase\": \"polling\"}")))
        .isInstanceOfSatisfying(
            PluginException.class,
            e -> assertThat(e.reason()).isEqualTo(PluginException.Reason.FAILED_PRECONDITION))
        .hasMessageContaining("pollUrl");
  }

  // --- abort and terminate ---

  private static final String WITH_CANCEL =
"""
{"url": "BASE/job/deploy/buildWithParameters", "headers": {"X-Token": "t"},
 "poll": {"url": "{{location}}api/json", "resultPointer": "/executable/result", "successValues": ["SUCCESS"]},
 "cancel": {"url": "BASE/job/stop-deploy/buildWithParameters?ITEM={{location}}",
            "body": {"rollout": "{{rollout.name}}"}}}
""";

  @Test
  void abortSendsTheCancelRequestWithItsOwnIdempotencyKey() {
    server
        .reply("/job/deploy/buildWithParameters", 201, "", "Location", "/queue/item/5/")
        .reply("/job/stop-deploy/buildWithParameters", 201, "");
    StepResult triggered = run(WITH_CANCEL);

    StepResult aborted = call("Abort", WITH_CANCEL, triggered.state());

    assertThat(aborted.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(aborted.message()).contains("cancelled", "HTTP 201");
    RecordingServer.Recorded cancel = server.last();
    assertThat(cancel.uri().getPath()).isEqualTo("/job/stop-deploy/buildWithParameters");
    assertThat(cancel.uri().getQuery()).isEqualTo("ITEM=" + server.url("/queue/item/5/"));
    assertThat(cancel.header("Idempotency-Key")).isEqualTo(KEY + ":abort");
    assertThat(cancel.header("X-Token")).isEqualTo("t");
    assertThat(Json.parse(cancel.body())).isEqualTo(Json.parse("{\"rollout\": \"checkout\"}"));
  }

  @Test
  void terminateSendsTheCancelRequest() {
    server
        .reply("/job/deploy/buildWithParameters", 201, "", "Location", "/queue/item/5/")
        .reply("/job/stop-deploy/buildWithParameters", 200, "");
    StepResult triggered = run(WITH_CANCEL);

    StepResult terminated = call("Terminate", WITH_CANCEL, triggered.state());

    assertThat(terminated.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(server.last().header("Idempotency-Key")).isEqualTo(KEY + ":terminate");
  }

  @Test
  void cancelThatFailsIsAnErrorOrFailedLikeATrigger() {
    server
        .reply("/job/deploy/buildWithParameters", 201, "", "Location", "/queue/item/5/")
        .reply("/job/stop-deploy/buildWithParameters", 503, "down")
        .reply("/job/stop-deploy/buildWithParameters", 400, "bad request");
    StepResult triggered = run(WITH_CANCEL);

    StepResult error = call("Abort", WITH_CANCEL, triggered.state());
    StepResult failed = call("Abort", WITH_CANCEL, triggered.state());

    assertThat(error.phase()).isEqualTo(StepPhase.ERROR);
    assertThat(error.message()).contains("cancel", "HTTP 503: down");
    assertThat(failed.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(failed.message()).contains("HTTP 400: bad request", "cancel.expectedStatus");
  }

  @Test
  void nothingToCancelWithoutStateOrWithoutCancelConfig() {
    StepResult neverRan = call("Abort", WITH_CANCEL, null);
    StepResult noCancel = call("Terminate", JENKINS, Json.parse("{\"phase\": \"polling\"}"));

    assertThat(neverRan.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(neverRan.message()).contains("nothing to cancel");
    assertThat(noCancel.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(noCancel.message()).contains("nothing to cancel");
    assertThat(server.requests()).isEmpty();
  }

  // --- secrets ---

  private static final String WITH_SECRET =
      """
      {"url": "%s", "headers": {"Authorization": "Bearer ${secret:JENKINS_TOKEN}"}}
      """;

  @Test
  void secretIsResolvedFromTheEnvironmentAndSentToAnAllowedPrefix() {
    env.put("RAMP_WEBHOOK_SECRET_JENKINS_TOKEN", "s3cr3t");
    env.put(
        "RAMP_WEBHOOK_ALLOWED_URL_PREFIXES", "https://jenkins.example.com/job/, http://127.0.0.1:");
    server.reply("/job/deploy/build", 201, "");

    StepResult result = run(WITH_SECRET.formatted(server.url("/job/deploy/build")));

    assertThat(result.phase()).isEqualTo(StepPhase.SUCCESSFUL);
    assertThat(server.last().header("Authorization")).isEqualTo("Bearer s3cr3t");
    assertThat(result.message()).doesNotContain("s3cr3t");
  }

  @Test
  void secretEchoedByTheBackendIsMaskedInTheMessage() {
    env.put("RAMP_WEBHOOK_SECRET_JENKINS_TOKEN", "s3cr3t");
    env.put("RAMP_WEBHOOK_ALLOWED_URL_PREFIXES", "http://127.0.0.1:");
    server.reply("/job", 401, "bad credentials: Bearer s3cr3t");

    StepResult result = run(WITH_SECRET.formatted(server.url("/job")));

    assertThat(result.phase()).isEqualTo(StepPhase.FAILED);
    assertThat(result.message())
        .contains("bad credentials: Bearer ${secret:JENKINS_TOKEN}")
        .doesNotContain("s3cr3t");
  }

  @Test
  void secretIsNotSentToAUrlOutsideTheAllowedPrefixes() {
    env.put("RAMP_WEBHOOK_SECRET_JENKINS_TOKEN", "s3cr3t");
    env.put("RAMP_WEBHOOK_ALLOWED_URL_PREFIXES", "https://jenkins.example.com/job/");
    server.reply("/collect", 200, "");

    assertThatThrownBy(() -> run(WITH_SECRET.formatted(server.url("/collect"))))
        .isInstanceOfSatisfying(
            InvalidConfigException.class, e -> assertThat(e.field()).isEqualTo("url"))
        .hasMessageContaining(server.url("/collect"))
        .hasMessageContaining("RAMP_WEBHOOK_ALLOWED_URL_PREFIXES")
        .hasMessageContaining("operator must allow its prefix")
        .hasMessageNotContaining("s3cr3t");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void secretIsNotSentAnywhereWhenNoPrefixIsAllowed() {
    env.put("RAMP_WEBHOOK_SECRET_JENKINS_TOKEN", "s3cr3t");

    assertThatThrownBy(() -> run(WITH_SECRET.formatted(server.url("/job"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("allowed now: none");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void hostPrefixDoesNotAllowALongerHostName() {
    env.put("RAMP_WEBHOOK_SECRET_JENKINS_TOKEN", "s3cr3t");
    env.put("RAMP_WEBHOOK_ALLOWED_URL_PREFIXES", "http://127.0.0.1");

    assertThatThrownBy(() -> run(WITH_SECRET.formatted(server.url("/job"))))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e -> assertThat(e.field()).isEqualTo("RAMP_WEBHOOK_ALLOWED_URL_PREFIXES"))
        .hasMessageContaining("\"http://127.0.0.1\"");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void pollUrlFromALocationHeaderIsCheckedBeforeSecretsGoThere() {
    env.put("RAMP_WEBHOOK_SECRET_JENKINS_TOKEN", "s3cr3t");
    env.put("RAMP_WEBHOOK_ALLOWED_URL_PREFIXES", server.url("/job/"));
    server.reply("/job/deploy", 201, "", "Location", "http://localhost:1/elsewhere/");
    String config =
"""
{"url": "BASE/job/deploy", "headers": {"Authorization": "Bearer ${secret:JENKINS_TOKEN}"},
 "poll": {"url": "{{location}}api/json", "resultPointer": "/result", "successValues": ["SUCCESS"]}}
""";

    StepResult triggered = run(config);

    assertThatThrownBy(() -> run(config, triggered.state()))
        .isInstanceOfSatisfying(
            InvalidConfigException.class, e -> assertThat(e.field()).isEqualTo("poll.url"))
        .hasMessageContaining("http://localhost:1/elsewhere/api/json");
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void undefinedSecretNamesTheEnvironmentVariable() {
    env.put("RAMP_WEBHOOK_ALLOWED_URL_PREFIXES", "http://127.0.0.1:");

    assertThatThrownBy(() -> run(WITH_SECRET.formatted(server.url("/job"))))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e -> assertThat(e.field()).isEqualTo("headers.Authorization"))
        .hasMessageContaining("RAMP_WEBHOOK_SECRET_JENKINS_TOKEN");
    assertThat(server.requests()).isEmpty();
  }

  // --- helpers ---

  private WebhookStepPlugin plugin() {
    return new WebhookStepPlugin(env, clock, CLIENT);
  }

  private StepResult run(String config) {
    return call("Run", config, null);
  }

  private StepResult run(String config, JsonNode state) {
    return call("Run", config, state);
  }

  private StepResult call(String operation, String config, JsonNode state) {
    PluginContext context =
        new PluginContext(
            "0b6e", "shop", "checkout", "6f9c7d5b8", 2, "5c8d", operation, 1, KEY, "acme/webhook");
    StepCall call = new StepCall(context, rollout(), config(config), state);
    WebhookStepPlugin plugin = plugin();
    return switch (operation) {
      case "Run" -> plugin.run(call);
      case "Abort" -> plugin.abort(call);
      case "Terminate" -> plugin.terminate(call);
      default -> throw new IllegalArgumentException(operation);
    };
  }

  private JsonNode config(String json) {
    return Json.parse(json.replace("BASE/", server.url("/")));
  }

  private static JsonNode rollout() {
    return Json.parse("{\"metadata\": {\"name\": \"checkout\", \"namespace\": \"shop\"}}");
  }
}
