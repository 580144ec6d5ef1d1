package dev.ramp.plugins.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every config field is checked, and a bad one is reported by name with its value. */
class WebhookConfigTest {

  private static final String POLL =
      "\"resultPointer\": \"/result\", \"successValues\": [\"SUCCESS\"]";

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        bad("{}", "url", "is required"),
        bad("[]", "config", "must be an object"),
        bad("{\"url\": 42}", "url", "must be a string, got 42"),
        bad("{\"url\": \"ftp://files.example.com/x\"}", "url", "ftp://files.example.com/x"),
        bad("{\"url\": \"jenkins.example.com/job\"}", "url", "not an http:// or https:// URL"),
        bad("{\"url\": \"http://exa mple.com/\"}", "url", "http://exa mple.com/"),
        bad("{\"url\": \"http://bob:pw@example.com/\"}", "url", "user info"),
        bad("{\"url\": \"http://example.com/#top\"}", "url", "#fragment"),
        bad("{\"url\": \"http://example.com/{{rollout.uid}}\"}", "url", "{{rollout.uid}}"),
        bad("{\"url\": \"{{location}}/x\"}", "url", "{{location}}"),
        bad("{\"url\": \"http://e.com/?t=${secret:TOKEN}\"}", "url", "header values only"),
        bad("{\"url\": \"http://e.com/\", \"urll\": \"x\"}", "urll", "unknown field"),
        bad("{\"url\": \"http://e.com/\", \"method\": \"FETCH\"}", "method", "\"FETCH\""),
        bad("{\"url\": \"http://e.com/\", \"method\": 1}", "method", "got 1"),
        bad("{\"url\": \"http://e.com/\", \"headers\": [\"X\"]}", "headers", "[\"X\"]"),
        bad(
            "{\"url\": \"http://e.com/\", \"headers\": {\"X-Count\": 5}}",
            "headers.X-Count",
            "got 5"),
        bad(
            "{\"url\": \"http://e.com/\", \"headers\": {\"Host\": \"x\"}}",
            "headers.Host",
            "\"x\""),
        bad(
            "{\"url\": \"http://e.com/\", \"headers\": {\"Bad Name\": \"x\"}}",
            "headers.Bad Name",
            "\"x\""),
        bad(
            "{\"url\": \"http://e.com/\", \"headers\": {\"Idempotency-Key\": \"k\"}}",
            "headers.Idempotency-Key",
            "set by the plugin"),
        bad(
            "{\"url\": \"http://e.com/\", \"headers\": {\"A\": \"${secret:bad-name}\"}}",
            "headers.A",
            "${secret:bad-name}"),
        bad(
            "{\"url\": \"http://e.com/\", \"headers\": {\"A\": \"Bearer ${secret:TOKEN\"}}",
            "headers.A",
            "unterminated"),
        bad(
            "{\"url\": \"http://e.com/\", \"headers\": {\"A\": \"{{nope}}\"}}",
            "headers.A",
            "{{nope}}"),
        bad("{\"url\": \"http://e.com/\", \"body\": 5}", "body", "got 5"),
        bad("{\"url\": \"http://e.com/\", \"body\": {\"k\": \"{{nope}}\"}}", "body.k", "{{nope}}"),
        bad(
            "{\"url\": \"http://e.com/\", \"body\": \"${secret:T}\"}",
            "body",
            "header values only"),
        bad("{\"url\": \"http://e.com/\", \"method\": \"GET\", \"body\": \"x\"}", "body", "GET"),
        bad("{\"url\": \"http://e.com/\", \"expectedStatus\": 200}", "expectedStatus", "got 200"),
        bad(
            "{\"url\": \"http://e.com/\", \"expectedStatus\": [\"200\"]}",
            "expectedStatus",
            "[\"200\"]"),
        bad("{\"url\": \"http://e.com/\", \"expectedStatus\": []}", "expectedStatus", "is empty"),
        bad(
            "{\"url\": \"http://e.com/\", \"expectedStatus\": [200, 700]}",
            "expectedStatus[1]",
            "700"),
        bad("{\"url\": \"http://e.com/\", \"timeout\": \"10\"}", "timeout", "\"10\""),
        bad("{\"url\": \"http://e.com/\", \"timeout\": 10}", "timeout", "got 10"),
        bad("{\"url\": \"http://e.com/\", \"timeout\": \"10 s\"}", "timeout", "\"10 s\""),
        bad("{\"url\": \"http://e.com/\", \"timeout\": \"1h\"}", "timeout", "out of range"),
        bad("{\"url\": \"http://e.com/\", \"timeout\": \"0s\"}", "timeout", "\"0s\""),
        bad(
            "{\"url\": \"http://e.com/\", \"resultPointer\": \"status\", \"successValues\":"
                + " [\"ok\"]}",
            "resultPointer",
            "\"status\""),
        bad(
            "{\"url\": \"http://e.com/\", \"resultPointer\": \"/status\"}",
            "successValues",
            "at least one"),
        bad(
            "{\"url\": \"http://e.com/\", \"successValues\": [\"ok\"]}",
            "resultPointer",
            "is required when"),
        bad(
            "{\"url\": \"http://e.com/\", \"resultPointer\": \"/s\", \"successValues\": [{\"a\":"
                + " 1}]}",
            "successValues",
            "{\"a\":1}"),
        bad(
            "{\"url\": \"http://e.com/\", \"resultPointer\": \"/s\", \"successValues\": [\"ok\"],"
                + " \"failureValues\": [\"no\", \"ok\"]}",
            "failureValues",
            "\"ok\""),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": \"http://e.com/status\"}",
            "poll",
            "must be an object"),
        bad("{\"url\": \"http://e.com/\", \"poll\": {" + POLL + "}}", "poll.url", "is required"),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"e.com/s\", " + POLL + "}}",
            "poll.url",
            "\"e.com/s\""),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{response:id}}\", " + POLL + "}}",
            "poll.url",
            "\"id\" is not a JSON pointer"),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\", \"intervall\":"
                + " \"5s\", "
                + POLL
                + "}}",
            "poll.intervall",
            "unknown field"),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\", \"interval\":"
                + " \"fast\", "
                + POLL
                + "}}",
            "poll.interval",
            "\"fast\""),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\", \"interval\":"
                + " \"100ms\", "
                + POLL
                + "}}",
            "poll.interval",
            "out of range"),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\", \"interval\":"
                + " \"1m\", \"timeout\": \"30s\", "
                + POLL
                + "}}",
            "poll.timeout",
            "shorter than poll.interval"),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\", \"timeout\":"
                + " \"8d\", "
                + POLL
                + "}}",
            "poll.timeout",
            "\"8d\""),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\"}}",
            "poll.resultPointer",
            "is required"),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\", \"resultPointer\":"
                + " \"/r\"}}",
            "poll.successValues",
            "at least one"),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\", \"headers\":"
                + " {\"A\": 1}, "
                + POLL
                + "}}",
            "poll.headers.A",
            "got 1"),
        bad(
            "{\"url\": \"http://e.com/\", \"resultPointer\": \"/r\", \"successValues\": [\"ok\"],"
                + " \"poll\": {\"url\": \"{{location}}\", "
                + POLL
                + "}}",
            "resultPointer",
            "poll.resultPointer"),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\", \"followPointer\":"
                + " \"x\", "
                + POLL
                + "}}",
            "poll.followPointer",
            "\"x\""),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\", \"followSuffix\":"
                + " \"api/json\", "
                + POLL
                + "}}",
            "poll.followSuffix",
            "poll.followPointer"),
        bad(
            "{\"url\": \"http://e.com/\", \"poll\": {\"url\": \"{{location}}\", \"followPointer\":"
                + " \"/u\", \"followSuffix\": \"{{location}}\", "
                + POLL
                + "}}",
            "poll.followSuffix",
            "{{location}}"),
        bad("{\"url\": \"http://e.com/\", \"cancel\": {}}", "cancel.url", "is required"),
        bad(
            "{\"url\": \"http://e.com/\", \"cancel\": {\"url\": \"http://e.com/c\", \"method\":"
                + " \"TRACE\"}}",
            "cancel.method",
            "\"TRACE\""),
        bad(
            "{\"url\": \"http://e.com/\", \"cancel\": {\"url\":"
                + " \"http://e.com/{{response:/id}}\"}}",
            "cancel.url",
            "{{response:/id}}"),
        bad(
            "{\"url\": \"http://e.com/\", \"cancel\": {\"url\": \"http://e.com/c\","
                + " \"expectedStatus\": [99]}}",
            "cancel.expectedStatus[0]",
            "99"),
        bad(
            "{\"url\": \"http://e.com/\", \"cancel\": {\"url\": \"http://e.com/c\", \"retries\":"
                + " 3}}",
            "cancel.retries",
            "unknown field"));
  }

  private static Arguments bad(String config, String field, String fragment) {
    return Arguments.of(config, field, fragment);
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("badConfigs")
  void badFieldIsNamedWithItsValue(String config, String field, String fragment) {
    assertThatThrownBy(() -> Webhook.from(call(config)))
        .isInstanceOfSatisfying(
            InvalidConfigException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith(field + ": ")
        .hasMessageContaining(fragment);
  }

  @Test
  void defaultsAreFilledIn() {
    Webhook hook =
        Webhook.from(
            call(
                """
                {"url": "https://jenkins.example.com/job/deploy/build",
                 "poll": {"url": "{{location}}api/json", "resultPointer": "/result",
                          "successValues": ["SUCCESS"]},
                 "cancel": {"url": "https://jenkins.example.com/job/stop/build"}}
                """));

    assertThat(hook.trigger().method()).isEqualTo("POST");
    assertThat(hook.trigger().expected().accepts(204)).isTrue();
    assertThat(hook.trigger().expected().accepts(302)).isFalse();
    assertThat(hook.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(hook.poll().interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(hook.poll().timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(hook.cancel().method()).isEqualTo("POST");
    assertThat(hook.result()).isNull();
  }

  @Test
  void pollAndCancelUseTheTriggerHeadersUnlessTheyHaveTheirOwn() {
    Webhook hook =
        Webhook.from(
            call(
                """
                {"url": "https://e.com/t", "headers": {"Authorization": "Bearer ${secret:T}"},
                 "poll": {"url": "https://e.com/p", "headers": {"Accept": "application/json"},
                          "resultPointer": "/result", "successValues": ["SUCCESS"]},
                 "cancel": {"url": "https://e.com/c", "method": "delete"}}
                """));

    assertThat(hook.poll().headers()).containsOnlyKeys("Accept");
    assertThat(hook.cancel().headers()).containsEntry("Authorization", "Bearer ${secret:T}");
    assertThat(hook.cancel().method()).isEqualTo("DELETE");
  }

  @Test
  void readmeExamplesAreValid() {
    Webhook jenkins =
        Webhook.from(
            call(
"""
{"url": "https://jenkins.example.com/job/smoke-tests/buildWithParameters?ROLLOUT={{rollout.namespace}}.{{rollout.name}}&HASH={{podTemplateHash}}&RAMP_KEY={{idempotencyKey}}",
 "headers": {"Authorization": "${secret:JENKINS_BASIC}"},
 "expectedStatus": [201], "timeout": "15s",
 "poll": {"url": "{{location}}api/json?tree=executable[url]",
          "followPointer": "/executable/url",
          "followSuffix": "api/json?tree=result,building",
          "resultPointer": "/result", "successValues": ["SUCCESS"],
          "failureValues": ["FAILURE", "UNSTABLE", "ABORTED", "NOT_BUILT"],
          "interval": "15s", "timeout": "30m"}}
"""));
    Webhook gate =
        Webhook.from(
            call(
"""
{"url": "https://cab.example.com/api/changes",
 "headers": {"Authorization": "${secret:CAB_TOKEN}"},
 "body": {"service": "{{rollout.namespace}}/{{rollout.name}}",
          "version": "{{podTemplateHash}}", "externalId": "{{idempotencyKey}}"},
 "expectedStatus": [201],
 "poll": {"url": "https://cab.example.com/api/changes/{{response:/id}}",
          "resultPointer": "/state", "successValues": ["approved"],
          "failureValues": ["rejected", "withdrawn"], "interval": "1m", "timeout": "4h"},
 "cancel": {"method": "DELETE", "url": "{{location}}", "expectedStatus": [200, 204, 404]}}
"""));
    Webhook freeze =
        Webhook.from(
            call(
"""
{"url": "https://freeze.example.com/api/check?service={{rollout.name}}", "method": "GET",
 "resultPointer": "/frozen", "successValues": [false], "failureValues": [true]}
"""));

    assertThat(jenkins.poll().timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(gate.cancel().method()).isEqualTo("DELETE");
    assertThat(freeze.result().success()).containsExactly("false");
  }

  @Test
  void durationsAcceptCompoundValues() {
    assertThat(Durations.parse("f", "1h30m", null, Duration.ZERO, Duration.ofDays(1)))
        .isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("f", "1500ms", null, Duration.ZERO, Duration.ofDays(1)))
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.format(Duration.ofSeconds(3725))).isEqualTo("1h2m5s");
    assertThat(Durations.format(Duration.ofMillis(300))).isEqualTo("300ms");
  }

  private static StepCall call(String config) {
    return new StepCall(
        PluginContext.none("acme/webhook", "Run"), Json.parse("{}"), Json.parse(config), null);
  }
}
