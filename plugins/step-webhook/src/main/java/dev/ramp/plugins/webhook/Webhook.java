package dev.ramp.plugins.webhook;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.StepCall;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook step's config, validated: every field checked, defaults filled in. Strings still hold
 * their {@code {{placeholders}}} and {@code ${secret:NAME}} references; those are filled in per
 * request.
 *
 * @param result for a step without polling: how to read the trigger's response; may be null
 * @param poll how to wait for the outcome; null when the trigger's answer is the outcome
 * @param cancel the request sent on abort and terminate; null when none is configured
 */
record Webhook(Request trigger, Duration timeout, ResultRule result, Poll poll, Request cancel) {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);
  static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMinutes(10);

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^{}]*}}");

  /**
   * One request as configured.
   *
   * @param field the config path of the request ("" for the trigger, "cancel." for cancel)
   * @param body a text or JSON body, or null for none
   */
  record Request(
      String field,
      String method,
      String url,
      Map<String, String> headers,
      JsonNode body,
      ExpectedStatus expected) {}

  /**
   * How to wait: GET {@code url} every {@code interval} until {@code rule} decides.
   *
   * @param followPointer where a poll response may name the URL to poll from then on (a Jenkins
   *     queue item's {@code /executable/url} once the build started); null for none
   * @param followSuffix appended to a followed URL (e.g. {@code api/json})
   */
  record Poll(
      String url,
      Map<String, String> headers,
      Duration interval,
      Duration timeout,
      ResultRule rule,
      JsonPointer followPointer,
      String followSuffix) {}

  /** The statuses that count as "accepted"; an empty list means any 2xx. */
  record ExpectedStatus(List<Integer> codes) {

    boolean accepts(int status) {
      return codes.isEmpty() ? status / 100 == 2 : codes.contains(status);
    }

    String describe() {
      return codes.isEmpty() ? "200-299" : codes.toString();
    }
  }

  /** Reads and validates the call's config; anything wrong is an {@link InvalidConfigException}. */
  static Webhook from(StepCall call) {
    ConfigShape.check(call.config());
    WebhookConfig c = call.config(WebhookConfig.class);

    Request trigger =
        request(
            "",
            c.url(),
            c.method(),
            c.headers(),
            c.body(),
            c.expectedStatus(),
            Map.of(),
            Templates.Scope.CONTEXT);
    Duration timeout =
        Durations.parse(
            "timeout", c.timeout(), DEFAULT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5));

    ResultRule result = null;
    Poll poll = null;
    if (c.poll() == null) {
      result = ResultRule.from("", c.resultPointer(), c.successValues(), c.failureValues(), false);
    } else {
      for (String field : List.of("resultPointer", "successValues", "failureValues")) {
        if (call.config().hasNonNull(field)) {
          throw new InvalidConfigException(
              field, "with poll set, the outcome is read from the poll: use poll." + field);
        }
      }
      poll = poll(c.poll(), trigger.headers());
    }

    Request cancel = null;
    if (c.cancel() != null) {
      WebhookConfig.Cancel k = c.cancel();
      cancel =
          request(
              "cancel.",
              k.url(),
              k.method(),
              k.headers(),
              k.body(),
              k.expectedStatus(),
              trigger.headers(),
              Templates.Scope.LOCATION);
    }
    return new Webhook(trigger, timeout, result, poll, cancel);
  }

  private static Request request(
      String prefix,
      String url,
      String method,
      Map<String, String> headers,
      JsonNode body,
      List<Integer> expectedStatus,
      Map<String, String> defaultHeaders,
      Templates.Scope scope) {
    checkUrlTemplate(prefix + "url", url, scope);

    String verb = method == null ? "POST" : method.trim().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(verb)) {
      throw new InvalidConfigException(
          prefix + "method",
          "\"" + method + "\" is not one of " + METHODS.stream().sorted().toList());
    }

    Map<String, String> checkedHeaders =
        headers == null ? defaultHeaders : checkHeaders(prefix + "headers", headers, scope);

    JsonNode checkedBody = body == null || body.isNull() ? null : body;
    if (checkedBody != null) {
      if (verb.equals("GET")) {
        throw new InvalidConfigException(
            prefix + "body", "a GET request carries no body; remove the body or use POST");
      }
      Templates.check(prefix + "body", checkedBody, scope);
      SecretPolicy.refuseReference(
          prefix + "body",
          checkedBody.isTextual() ? checkedBody.textValue() : checkedBody.toString());
    }

    ExpectedStatus expected = new ExpectedStatus(List.of());
    if (expectedStatus != null) {
      if (expectedStatus.isEmpty()) {
        throw new InvalidConfigException(
            prefix + "expectedStatus",
            "is empty; list the accepted statuses, or leave it out to accept 200-299");
      }
      for (int i = 0; i < expectedStatus.size(); i++) {
        int status = expectedStatus.get(i);
        if (status < 100 || status > 599) {
          throw new InvalidConfigException(
              prefix + "expectedStatus[" + i + "]", status + " is not an HTTP status; use 100-599");
        }
      }
      expected = new ExpectedStatus(List.copyOf(expectedStatus));
    }
    return new Request(prefix, verb, url, checkedHeaders, checkedBody, expected);
  }

  private static Poll poll(WebhookConfig.Poll p, Map<String, String> triggerHeaders) {
    checkUrlTemplate("poll.url", p.url(), Templates.Scope.TRIGGER_RESPONSE);
    Map<String, String> headers =
        p.headers() == null
            ? triggerHeaders
            : checkHeaders("poll.headers", p.headers(), Templates.Scope.CONTEXT);
    Duration interval =
        Durations.parse(
            "poll.interval",
            p.interval(),
            DEFAULT_POLL_INTERVAL,
            Duration.ofSeconds(1),
            Duration.ofHours(1));
    Duration timeout =
        Durations.parse(
            "poll.timeout",
            p.timeout(),
            DEFAULT_POLL_TIMEOUT,
            Duration.ofSeconds(1),
            Duration.ofDays(7));
    if (timeout.compareTo(interval) < 0) {
      throw new InvalidConfigException(
          "poll.timeout",
          "\""
              + Durations.format(timeout)
              + "\" is shorter than poll.interval \""
              + Durations.format(interval)
              + "\"");
    }
    ResultRule rule =
        ResultRule.from("poll.", p.resultPointer(), p.successValues(), p.failureValues(), true);
    JsonPointer follow = null;
    if (p.followPointer() != null) {
      try {
        follow = JsonPointer.compile(p.followPointer());
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(
            "poll.followPointer",
            "\""
                + p.followPointer()
                + "\" is not a JSON pointer; it starts with /, e.g."
                + " \"/executable/url\"");
      }
    } else if (p.followSuffix() != null) {
      throw new InvalidConfigException(
          "poll.followSuffix", "is used only with poll.followPointer; set that or remove this");
    }
    String suffix = p.followSuffix() == null ? "" : p.followSuffix();
    Templates.check("poll.followSuffix", suffix, Templates.Scope.CONTEXT);
    SecretPolicy.refuseReference("poll.followSuffix", suffix);
    return new Poll(p.url(), headers, interval, timeout, rule, follow, suffix);
  }

  private static Map<String, String> checkHeaders(
      String field, Map<String, String> headers, Templates.Scope scope) {
    Map<String, String> checked = new LinkedHashMap<>();
    headers.forEach(
        (name, value) -> {
          String headerField = field + "." + name;
          if (name.equalsIgnoreCase(HttpCalls.IDEMPOTENCY_KEY)) {
            throw new InvalidConfigException(
                headerField, "is set by the plugin from the call's idempotency key; remove it");
          }
          try {
            // The HTTP client refuses bad names and values and the headers it sets itself.
            HttpRequest.newBuilder().header(name, value);
          } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(
                headerField, "\"" + value + "\" cannot be sent: " + e.getMessage());
          }
          Templates.check(headerField, value, scope);
          SecretPolicy.checkReferences(headerField, value);
          checked.put(name, value);
        });
    return Map.copyOf(checked);
  }

  private static void checkUrlTemplate(String field, String url, Templates.Scope scope) {
    if (url == null || url.isBlank()) {
      throw new InvalidConfigException(field, "is required: the http(s) URL to call");
    }
    Templates.check(field, url, scope);
    SecretPolicy.refuseReference(field, url);
    // Check the shape with sample values; the real values are filled in per request.
    Matcher m = PLACEHOLDER.matcher(url);
    StringBuilder sample = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sample, m.start() == 0 ? "http://placeholder.invalid/" : "x");
    }
    m.appendTail(sample);
    String problem = urlProblem(sample.toString());
    if (problem != null) {
      throw new InvalidConfigException(field, "\"" + url + "\" " + problem);
    }
  }

  /**
   * Parses a rendered URL; null when it is not a usable http(s) URL. {@link #urlProblem} says why.
   */
  static URI parseUrl(String url) {
    return urlProblem(url) == null ? URI.create(url) : null;
  }

  /** Why a URL cannot be called, or null when it can. */
  static String urlProblem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "is not a valid URL: " + e.getReason();
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      return "is not an http:// or https:// URL";
    }
    if (uri.getHost() == null) {
      return "has no host";
    }
    if (uri.getRawUserInfo() != null) {
      return "carries user info; put credentials in a header as ${secret:NAME}";
    }
    if (uri.getRawFragment() != null) {
      return "has a #fragment, which is never sent; remove it";
    }
    return null;
  }
}
