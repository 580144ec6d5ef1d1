package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ramp.engine.model.NearestName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A Rollout as written, checked against the {@code openAPIV3Schema} of the CRD generated from the
 * model ({@code config/crd/}, on the class path as {@code crd/}), as kubectl's strict field
 * validation checks it: an unknown field is named with the nearest known one, a value of the wrong
 * type and a fraction where an integer belongs are refused. The known fields are the schema's, so a
 * field added to the model is known here once the CRD is regenerated (CrdDriftTest).
 *
 * <p>Integers of Ramp's own fields are 32-bit, as in Argo's CRD; in the pod template, 64-bit.
 */
final class SchemaCheck {
  static final String CRD = "crd/rollouts.ramp.dev-v1.yml";
  private static final JsonNode ROOT = load();
  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final List<String> errors = new ArrayList<>();

  private SchemaCheck() {}

  /** The problems of {@code spec} (a Rollout's spec as written); empty when it fits the schema. */
  static List<String> spec(JsonNode spec) {
    SchemaCheck check = new SchemaCheck();
    check.walk(spec, ROOT.path("properties").path("spec"), "spec", null);
    return check.errors;
  }

  /** The fields a Rollout document has beside {@code spec}: unknown ones are named. */
  static List<String> topLevel(JsonNode document) {
    List<String> known = new ArrayList<>(List.of("apiVersion", "kind", "metadata"));
    ROOT.path("properties").fieldNames().forEachRemaining(known::add);
    List<String> out = new ArrayList<>();
    document
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                out.add(name + ": unknown field" + NearestName.hint(name, known));
              }
            });
    return out;
  }

  private static JsonNode load() {
    try (InputStream in = SchemaCheck.class.getClassLoader().getResourceAsStream(CRD)) {
      if (in == null) {
        throw new IllegalStateException(CRD + " is missing from the class path");
      }
      JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(in);
      return crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks {@code value} at {@code path} against {@code schema}; {@code parent} is the schema of
   * the object holding it (for hints), or null.
   */
  private void walk(JsonNode value, JsonNode schema, String path, JsonNode parent) {
    if (value == null || schema == null || schema.isMissingNode()) {
      return;
    }
    if (value.isNull()) {
      // A field set to null is absent, as for an API server; an entry of a list or map is not.
      if (path.endsWith("]") || parent != null && parent.has("additionalProperties")) {
        String type = schema.path("type").asText("");
        if (!type.isEmpty()) {
          errors.add(path + ": must not be null");
        }
      }
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isTextual()) {
        integer(value, path, "an integer or a string");
      }
      return;
    }
    switch (schema.path("type").asText("")) {
      case "object" -> object(value, schema, path);
      case "array" -> array(value, schema, path, parent);
      case "integer" -> integer(value, path, "an integer");
      case "number" -> expect(value.isNumber(), value, path, "a number");
      case "string" -> expect(value.isTextual(), value, path, "a string");
      case "boolean" -> expect(value.isBoolean(), value, path, "true or false");
      default -> {
        // no type: an opaque field (x-kubernetes-preserve-unknown-fields) takes anything
      }
    }
  }

  private void object(JsonNode value, JsonNode schema, String path) {
    if (!expect(value.isObject(), value, path, "an object (a mapping of fields)")) {
      return;
    }
    JsonNode props = schema.get("properties");
    JsonNode additional = schema.get("additionalProperties");
    boolean open = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      if (props != null && props.has(name)) {
        walk(e.getValue(), props.get(name), path + "." + name, schema);
      } else if (additional != null && additional.isObject()) {
        walk(e.getValue(), additional, key(path, name), schema);
      } else if (props != null && !open) {
        errors.add(path + "." + name + problem(name, props, path));
      }
    }
  }

  /** A map entry's path: {@code labels.app}, or {@code labels[app.kubernetes.io/name]}. */
  private static String key(String path, String name) {
    return name.matches("[A-Za-z0-9_-]+") ? path + "." + name : path + "[" + name + "]";
  }

  /**
   * What to say after "unknown field": the nearest known field, or, for a field of the other
   * strategy (a canary's steps under blueGreen), that it belongs there.
   */
  private static String problem(String name, JsonNode props, String path) {
    List<String> known = new ArrayList<>();
    props.fieldNames().forEachRemaining(known::add);
    String near = NearestName.hint(name, known);
    String strategies = "/properties/spec/properties/strategy/properties/";
    if (near.isEmpty()
        && path.equals("spec.strategy.blueGreen")
        && ROOT.at(strategies + "canary/properties").has(name)) {
      return ": a canary field; blue-green has no " + name + ", remove it";
    }
    if (near.isEmpty()
        && path.equals("spec.strategy.canary")
        && ROOT.at(strategies + "blueGreen/properties").has(name)) {
      return ": a blue-green field; canary has no " + name + ", remove it";
    }
    return ": unknown field" + near;
  }

  private void array(JsonNode value, JsonNode schema, String path, JsonNode parent) {
    if (!expect(value.isArray(), value, path, "a list")) {
      return;
    }
    for (int i = 0; i < value.size(); i++) {
      walk(value.get(i), schema.get("items"), path + "[" + i + "]", parent);
    }
  }

  private void integer(JsonNode value, String path, String expected) {
    if (!value.isNumber()) {
      expect(false, value, path, expected);
      return;
    }
    BigDecimal d = value.decimalValue();
    if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
      errors.add(path + ": must be " + expected + ", not the fraction " + value.asText());
      return;
    }
    BigInteger n = d.toBigInteger();
    boolean wide = path.startsWith("spec.template.");
    BigInteger min = wide ? LONG_MIN : INT_MIN;
    BigInteger max = wide ? LONG_MAX : INT_MAX;
    if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
      errors.add(path + ": " + n + " is out of range (" + min + " to " + max + ")");
    }
  }

  private boolean expect(boolean ok, JsonNode value, String path, String expected) {
    if (!ok) {
      errors.add(path + ": must be " + expected + ", not " + describe(value));
    }
    return ok;
  }

  /** A value as a message shows it, its type first. */
  static String describe(JsonNode value) {
    if (value.isTextual()) {
      String t = value.asText();
      return "the string \"" + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "\"";
    }
    if (value.isBoolean()) {
      return "the boolean " + value.asText();
    }
    if (value.isNumber()) {
      return "the number " + value.asText();
    }
    if (value.isArray()) {
      return "a list";
    }
    return value.isObject() ? "an object" : "null";
  }
}
