package dev.ramp.plugins.webhook;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a value from a JSON response with a JSON pointer and says whether it means success or
 * failure. Values compare as text: the string's content, or a number's or boolean's JSON ({@code
 * true}, {@code 0}); so {@code successValues: ["SUCCESS", true]} matches {@code "SUCCESS"} and
 * {@code true}.
 */
record ResultRule(
    String pointerText, JsonPointer pointer, List<String> success, List<String> failure) {

  enum Verdict {
    SUCCESS,
    FAILURE,
    /** Neither a success nor a failure value (including a missing value). */
    OTHER,
    /** The body is not JSON. */
    NOT_JSON
  }

  /** What the pointer found: the verdict and the value as shown in messages. */
  record Reading(Verdict verdict, String shown) {}

  /**
   * The rule from its config fields ({@code prefix} is "" or "poll."); empty when none is set. With
   * {@code required}, a missing pointer is refused.
   */
  static ResultRule from(
      String prefix,
      String pointer,
      List<JsonNode> successValues,
      List<JsonNode> failureValues,
      boolean required) {
    List<String> success = texts(successValues);
    List<String> failure = texts(failureValues);
    if (pointer == null) {
      if (required) {
        throw new InvalidConfigException(
            prefix + "resultPointer",
            "is required: a JSON pointer to the value that tells the outcome, e.g."
                + " \"/executable/result\"");
      }
      if (!success.isEmpty() || !failure.isEmpty()) {
        throw new InvalidConfigException(
            prefix + "resultPointer",
            "is required when " + prefix + "successValues or " + prefix + "failureValues are set");
      }
      return null;
    }
    JsonPointer compiled;
    try {
      compiled = JsonPointer.compile(pointer);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          prefix + "resultPointer",
          "\"" + pointer + "\" is not a JSON pointer; it starts with /, e.g. \"/status\"");
    }
    if (successValues == null || success.isEmpty()) {
      throw new InvalidConfigException(
          prefix + "successValues",
          "must list at least one value when "
              + prefix
              + "resultPointer is set, e.g. [\"SUCCESS\"]");
    }
    for (String value : failure) {
      if (success.contains(value)) {
        throw new InvalidConfigException(
            prefix + "failureValues",
            "\"" + value + "\" is also in " + prefix + "successValues; a value means one thing");
      }
    }
    return new ResultRule(pointer, compiled, List.copyOf(success), List.copyOf(failure));
  }

  Reading read(HttpCalls.Response response) {
    JsonNode tree = response.json();
    if (tree == null) {
      return new Reading(
          Verdict.NOT_JSON, "a body that is not JSON: " + HttpCalls.snippet(response.body()));
    }
    JsonNode value = tree.at(pointer);
    if (value.isMissingNode()) {
      return new Reading(Verdict.OTHER, pointerText + " is missing");
    }
    String text = value.isValueNode() ? value.asText() : value.toString();
    String shown = pointerText + " is " + HttpCalls.abbreviate(value.toString(), 80);
    if (success.contains(text)) {
      return new Reading(Verdict.SUCCESS, shown);
    }
    if (failure.contains(text)) {
      return new Reading(Verdict.FAILURE, shown);
    }
    return new Reading(Verdict.OTHER, shown);
  }

  /** "one of ["SUCCESS"]", for messages. */
  String expectation() {
    return "one of " + Json.tree(success);
  }

  private static List<String> texts(List<JsonNode> values) {
    List<String> texts = new ArrayList<>();
    if (values != null) {
      for (JsonNode value : values) {
        texts.add(value.asText());
      }
    }
    return texts;
  }
}
