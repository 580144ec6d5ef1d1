package dev.ramp.plugins.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.PluginException;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.api.StepResult;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.pf4j.Extension;

/**
 * A canary step that calls an HTTP endpoint: a Jenkins job trigger, a change-management gate, a
 * chat-ops approval. It sends the configured request once, then either takes the answer as the
 * outcome or polls a URL until a JSON value says success or failure. Abort and terminate send the
 * configured cancel request.
 *
 * <p>Outcomes: FAILED only when the endpoint answered "no" (an unexpected 4xx status, a failure
 * value, a value it does not know, a poll timeout); ERROR, retried by the controller with backoff,
 * when it did not answer usefully (connection failure, timeout, 5xx, 429, 408). Those are results,
 * not {@link dev.ramp.plugin.api.BackendUnavailableException}: each rollout calls its own endpoint,
 * and one team's Jenkins being down must not open the circuit breaker that every rollout using this
 * plugin goes through.
 *
 * <p>Every request carries the call's idempotency key as {@code Idempotency-Key} (cancel: the key
 * plus {@code :abort} or {@code :terminate}), so a retried call that the endpoint already saw is
 * recognised. The plugin keeps nothing between calls: what polling needs is in the result's state.
 */
@Extension
public final class WebhookStepPlugin implements StepPlugin {

  static final String PHASE_POLLING = "polling";
  static final String PHASE_DONE = "done";

  private final SecretPolicy secrets;
  private final Clock clock;
  private final HttpCalls http;

  /** The plugin as the runner loads it: secrets from the process environment. */
  public WebhookStepPlugin() {
    this(System.getenv(), Clock.systemUTC(), HttpCalls.defaultClient());
  }

  WebhookStepPlugin(Map<String, String> env, Clock clock, HttpClient client) {
    this.secrets = new SecretPolicy(env);
    this.clock = clock;
    this.http = new HttpCalls(client);
  }

  @Override
  public StepResult run(StepCall call) {
    Webhook hook = Webhook.from(call);
    try {
      return redacted(call.firstCall() ? trigger(call, hook) : poll(call, hook));
    } catch (StepOutcome outcome) {
      return redacted(outcome.result());
    }
  }

  @Override
  public StepResult terminate(StepCall call) {
    return redacted(cancel(call, "terminate"));
  }

  @Override
  public StepResult abort(StepCall call) {
    return redacted(cancel(call, "abort"));
  }

  /** Messages quote response bodies; one that echoes a secret must not show it. */
  private StepResult redacted(StepResult result) {
    String message = secrets.redact(result.message());
    return message.equals(result.message())
        ? result
        : new StepResult(result.phase(), message, result.requeueAfter(), result.state());
  }

  private StepResult trigger(StepCall call, Webhook hook) {
    PluginContext context = call.context();
    Webhook.Request trigger = hook.trigger();
    Instant startedAt = clock.instant();
    URI url =
        renderUrl(trigger.field() + "url", trigger.url(), urlValues(context, null, null), false);
    HttpCalls.Response response;
    try {
      response =
          send(trigger, url, textValues(context, null), context.idempotencyKey(), hook.timeout());
    } catch (HttpCalls.Unreachable e) {
      return StepResult.error(e.getMessage() + "; will retry");
    }
    String what = trigger.method() + " " + HttpCalls.display(url);
    if (!trigger.expected().accepts(response.status())) {
      return unexpectedStatus(what, trigger, response);
    }
    String location = response.location().map(l -> resolve(url, l)).orElse(null);

    if (hook.poll() == null) {
      ObjectNode done = state(PHASE_DONE, startedAt, location);
      if (hook.result() == null) {
        return StepResult.successful(what + " answered HTTP " + response.status()).withState(done);
      }
      ResultRule.Reading reading = hook.result().read(response);
      String answered = what + " answered HTTP " + response.status() + " and " + reading.shown();
      return switch (reading.verdict()) {
        case SUCCESS -> StepResult.successful(answered).withState(done);
        case FAILURE -> StepResult.failed(answered + ", a failure value");
        case OTHER, NOT_JSON ->
            StepResult.failed(
                answered + ", which is not a success value (" + hook.result().expectation() + ")");
      };
    }

    Webhook.Poll poll = hook.poll();
    URI pollUrl = renderUrl("poll.url", poll.url(), urlValues(context, location, response), true);
    ObjectNode state = state(PHASE_POLLING, startedAt, location);
    state.put("pollUrl", pollUrl.toString());
    state.put("polls", 0);
    return StepResult.running(
        what
            + " answered HTTP "
            + response.status()
            + "; polling "
            + HttpCalls.display(pollUrl)
            + " every "
            + Durations.format(poll.interval()),
        poll.interval(),
        state);
  }

  private StepResult poll(StepCall call, Webhook hook) {
    JsonNode state = call.state();
    String phase = requiredText(state, "phase");
    if (phase.equals(PHASE_DONE)) {
      return StepResult.successful("already done").withState(state);
    }
    if (!phase.equals(PHASE_POLLING)) {
      throw badState("phase \"" + phase + "\" is unknown");
    }
    Webhook.Poll poll = hook.poll();
    if (poll == null) {
      throw badState("it is polling but the config has no poll; retry the rollout");
    }
    URI url = Webhook.parseUrl(requiredText(state, "pollUrl"));
    if (url == null) {
      throw badState("pollUrl is not an http(s) URL");
    }
    Instant startedAt = startedAt(state);
    int polls = state.path("polls").asInt(0) + 1;
    ObjectNode next = ((ObjectNode) state.deepCopy()).put("polls", polls);
    Duration elapsed = Duration.between(startedAt, clock.instant());
    if (elapsed.isNegative()) {
      elapsed = Duration.ZERO; // another process's clock wrote startedAt
    }
    boolean timedOut = elapsed.compareTo(poll.timeout()) >= 0;
    String timeoutMessage =
        "timed out after "
            + Durations.format(poll.timeout())
            + " ("
            + polls
            + " polls) waiting for "
            + poll.rule().pointerText()
            + " to be "
            + poll.rule().expectation()
            + "; last: ";

    Webhook.Request request =
        new Webhook.Request(
            "poll.", "GET", "", poll.headers(), null, new Webhook.ExpectedStatus(List.of()));
    HttpCalls.Response response;
    try {
      response =
          send(
              request,
              url,
              textValues(call.context(), null),
              call.context().idempotencyKey(),
              hook.timeout());
    } catch (HttpCalls.Unreachable e) {
      return timedOut
          ? StepResult.failed(timeoutMessage + e.getMessage())
          : StepResult.error(e.getMessage() + "; will retry").withState(next);
    }
    String what = "GET " + HttpCalls.display(url);
    if (!request.expected().accepts(response.status())) {
      if (HttpCalls.retryable(response.status())) {
        String message = what + " answered " + response.describe();
        return timedOut
            ? StepResult.failed(timeoutMessage + message)
            : StepResult.error(message + "; will retry").withState(next);
      }
      return StepResult.failed(what + " answered " + response.describe());
    }
    ResultRule.Reading reading = poll.rule().read(response);
    return switch (reading.verdict()) {
      case SUCCESS ->
          StepResult.successful(reading.shown() + " after " + polls + " polls")
              .withState(next.put("phase", PHASE_DONE));
      case FAILURE -> StepResult.failed(reading.shown() + ", a failure value (" + what + ")");
      case NOT_JSON ->
          timedOut
              ? StepResult.failed(timeoutMessage + what + " answered " + reading.shown())
              : StepResult.error(what + " answered " + reading.shown() + "; will retry")
                  .withState(next);
      case OTHER ->
          timedOut
              ? StepResult.failed(timeoutMessage + reading.shown())
              : StepResult.running(
                  follow(call.context(), poll, url, response, next)
                      + "waiting for "
                      + poll.rule().pointerText()
                      + " to be "
                      + poll.rule().expectation()
                      + ": "
                      + reading.shown()
                      + " (poll "
                      + polls
                      + ", "
                      + Durations.format(elapsed.withNanos(0))
                      + " of "
                      + Durations.format(poll.timeout())
                      + ")",
                  poll.interval(),
                  next);
    };
  }

  /**
   * Moves polling to the URL a poll response names at {@code poll.followPointer} (a Jenkins queue
   * item names its build once it started, and forgets the item minutes later). Returns a message
   * prefix saying so, or "" when there is nothing (new) to follow.
   */
  private static String follow(
      PluginContext context,
      Webhook.Poll poll,
      URI current,
      HttpCalls.Response response,
      ObjectNode next) {
    if (poll.followPointer() == null) {
      return "";
    }
    JsonNode body = response.json();
    JsonNode value = body == null ? null : body.at(poll.followPointer());
    if (value == null || !value.isTextual() || value.textValue().isBlank()) {
      return "";
    }
    String suffix = Templates.render(poll.followSuffix(), urlValues(context, null, null));
    String target = value.textValue().trim() + suffix;
    // A relative URL is taken relative to the URL that named it.
    URI resolved;
    String problem;
    try {
      resolved = current.resolve(new URI(target));
      problem = Webhook.urlProblem(resolved.toString());
    } catch (URISyntaxException e) {
      resolved = null;
      problem = "is not a valid URL: " + e.getReason();
    }
    if (problem != null) {
      throw new StepOutcome(
          StepResult.failed(
              "poll.followPointer "
                  + poll.followPointer()
                  + " names \""
                  + HttpCalls.abbreviate(target, 200)
                  + "\", which "
                  + problem));
    }
    if (resolved.equals(current)) {
      return "";
    }
    next.put("pollUrl", resolved.toString());
    return "now polling " + HttpCalls.display(resolved) + "; ";
  }

  private StepResult cancel(StepCall call, String operation) {
    Webhook hook = Webhook.from(call);
    if (hook.cancel() == null) {
      return StepResult.successful("nothing to cancel: no cancel request is configured");
    }
    if (call.firstCall()) {
      return StepResult.successful("nothing to cancel: the webhook was never called");
    }
    PluginContext context = call.context();
    Webhook.Request cancel = hook.cancel();
    String location = call.state().path("location").textValue();
    try {
      URI url = renderUrl("cancel.url", cancel.url(), urlValues(context, location, null), false);
      String what = cancel.method() + " " + HttpCalls.display(url);
      String key =
          context.idempotencyKey().isEmpty() ? "" : context.idempotencyKey() + ":" + operation;
      HttpCalls.Response response =
          send(cancel, url, textValues(context, location), key, hook.timeout());
      if (cancel.expected().accepts(response.status())) {
        return StepResult.successful("cancelled: " + what + " answered HTTP " + response.status());
      }
      return unexpectedStatus("cancel: " + what, cancel, response);
    } catch (HttpCalls.Unreachable e) {
      return StepResult.error("cancel: " + e.getMessage() + "; will retry");
    } catch (StepOutcome outcome) {
      return outcome.result();
    }
  }

  /** ERROR when a retry may help (5xx, 429, 408), FAILED when the endpoint said no. */
  private static StepResult unexpectedStatus(
      String what, Webhook.Request request, HttpCalls.Response response) {
    String message =
        what
            + " answered "
            + response.describe()
            + " (expected "
            + request.field()
            + "expectedStatus "
            + request.expected().describe()
            + ")";
    if (HttpCalls.retryable(response.status())) {
      return StepResult.error(message + "; will retry");
    }
    if (response.status() / 100 == 3) {
      message += "; redirects are not followed, call the final URL";
    }
    return StepResult.failed(message);
  }

  private HttpCalls.Response send(
      Webhook.Request request,
      URI url,
      Function<String, String> textValues,
      String idempotencyKey,
      Duration timeout)
      throws HttpCalls.Unreachable {
    Map<String, String> headers = new LinkedHashMap<>();
    request
        .headers()
        .forEach((name, value) -> headers.put(name, Templates.render(value, textValues)));
    SecretPolicy.Headers resolved = secrets.resolve(request.field() + "headers", headers);
    secrets.checkDestination(request.field() + "url", url, resolved.secrets());
    Map<String, String> finalHeaders = new LinkedHashMap<>(resolved.values());

    JsonNode body = Templates.render(request.body(), textValues);
    HttpRequest.BodyPublisher publisher;
    if (body == null) {
      publisher = HttpRequest.BodyPublishers.noBody();
    } else if (body.isTextual()) {
      publisher = HttpRequest.BodyPublishers.ofString(body.textValue());
    } else {
      publisher = HttpRequest.BodyPublishers.ofString(Json.write(body));
      if (finalHeaders.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
        finalHeaders.put("Content-Type", "application/json");
      }
    }
    return http.send(request.method(), url, finalHeaders, publisher, idempotencyKey, timeout);
  }

  /**
   * Renders a URL. One built from the backend's answer that is no usable URL is FAILED (the
   * endpoint does not answer as configured); one built from config alone is a config error.
   */
  private static URI renderUrl(
      String field, String template, Function<String, String> values, boolean fromResponse) {
    String rendered = Templates.render(template, values);
    String problem = Webhook.urlProblem(rendered);
    if (problem == null) {
      return URI.create(rendered);
    }
    String message = "\"" + HttpCalls.abbreviate(rendered, 200) + "\" " + problem;
    if (fromResponse) {
      throw new StepOutcome(
          StepResult.failed(field + " built from the trigger's response: " + message));
    }
    throw new InvalidConfigException(field, message);
  }

  /** Placeholder values for URLs: context values percent-encoded, backend URLs as given. */
  private static Function<String, String> urlValues(
      PluginContext context, String location, HttpCalls.Response triggerResponse) {
    Map<String, String> values = Templates.contextValues(context, true);
    return name -> {
      if (values.containsKey(name)) {
        return values.get(name);
      }
      if (name.equals(Templates.LOCATION)) {
        return location(location);
      }
      return responseValue(name, triggerResponse);
    };
  }

  /** Placeholder values for header values and bodies: as they are. */
  private static Function<String, String> textValues(PluginContext context, String location) {
    Map<String, String> values = Templates.contextValues(context, false);
    return name -> values.containsKey(name) ? values.get(name) : location(location);
  }

  /**
   * A Location header made absolute (it may be relative to the request's URL); one that does not
   * parse is kept as sent, and a URL built from it is then reported as unusable.
   */
  private static String resolve(URI base, String location) {
    try {
      return base.resolve(new URI(location.trim())).toString();
    } catch (URISyntaxException e) {
      return location;
    }
  }

  private static String location(String location) {
    if (location == null) {
      throw new StepOutcome(
          StepResult.failed(
              "{{location}} is used but the trigger's response had no Location header"));
    }
    return location;
  }

  private static String responseValue(String name, HttpCalls.Response response) {
    JsonNode body = response.json();
    JsonNode value = body == null ? null : body.at(Templates.responsePointer("poll.url", name));
    if (value == null || value.isMissingNode() || value.isNull() || value.isContainerNode()) {
      throw new StepOutcome(
          StepResult.failed(
              "poll.url uses {{"
                  + name
                  + "}} but the trigger's response has no such value: "
                  + response.describe()));
    }
    return value.asText();
  }

  private static ObjectNode state(String phase, Instant startedAt, String location) {
    ObjectNode state = Json.MAPPER.createObjectNode();
    state.put("phase", phase);
    state.put("startedAt", startedAt.toString());
    if (location != null) {
      state.put("location", location);
    }
    return state;
  }

  private static String requiredText(JsonNode state, String field) {
    String value = state.path(field).textValue();
    if (value == null) {
      throw badState("it has no " + field);
    }
    return value;
  }

  private static Instant startedAt(JsonNode state) {
    try {
      return Instant.parse(requiredText(state, "startedAt"));
    } catch (DateTimeParseException e) {
      throw badState("startedAt is not an instant");
    }
  }

  private static PluginException badState(String why) {
    return new PluginException(
        PluginException.Reason.FAILED_PRECONDITION,
        "the step's state is not one this plugin wrote (" + why + ")");
  }
}
