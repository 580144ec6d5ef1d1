package dev.ramp.plugins.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A webhook step's {@code config} as written in the Rollout, bound by Jackson after {@link
 * ConfigShape} has checked field names and JSON types. {@link Webhook#from} validates the values.
 * Absent fields are {@code null}; see the README for the meaning of each.
 */
record WebhookConfig(
    String url,
    String method,
    Map<String, String> headers,
    JsonNode body,
    List<Integer> expectedStatus,
    Poll poll,
    String resultPointer,
    List<JsonNode> successValues,
    List<JsonNode> failureValues,
    String timeout,
    Cancel cancel) {

  /** How to wait for the outcome of what the trigger started. */
  record Poll(
      String url,
      Map<String, String> headers,
      String interval,
      String timeout,
      String resultPointer,
      List<JsonNode> successValues,
      List<JsonNode> failureValues,
      String followPointer,
      String followSuffix) {}

  /** The request that stops or undoes what the trigger started, sent on abort and terminate. */
  record Cancel(
      String url,
      String method,
      Map<String, String> headers,
      JsonNode body,
      List<Integer> expectedStatus) {}
}
