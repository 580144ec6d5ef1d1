package dev.ramp.engine.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reading a rendered provider spec's fields, each wrong type a message naming the field. */
final class SpecFields {
  private final String provider;
  private final JsonNode spec;

  SpecFields(String provider, JsonNode spec) throws MeasureException {
    if (spec == null || !spec.isObject()) {
      throw new MeasureException("provider." + provider + " must be an object");
    }
    this.provider = provider;
    this.spec = spec;
  }

  JsonNode node(String field) {
    JsonNode n = spec.get(field);
    return n == null || n.isNull() ? null : n;
  }

  /** A string field; empty when absent. */
  String text(String field) throws MeasureException {
    JsonNode n = node(field);
    if (n == null) {
      return "";
    }
    if (!n.isTextual()) {
      throw wrong(field, "a string");
    }
    return n.textValue();
  }

  /** An integer field, or null when absent. */
  Long integer(String field) throws MeasureException {
    JsonNode n = node(field);
    if (n == null) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw wrong(field, "an integer");
    }
    return n.longValue();
  }

  boolean flag(String field) throws MeasureException {
    JsonNode n = node(field);
    if (n == null) {
      return false;
    }
    if (!n.isBoolean()) {
      throw wrong(field, "true or false");
    }
    return n.booleanValue();
  }

  /** {@code headers}: a list of {@code {key, value}}, in order. */
  List<Map.Entry<String, String>> headers() throws MeasureException {
    JsonNode n = node("headers");
    List<Map.Entry<String, String>> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (!n.isArray()) {
      throw wrong("headers", "a list of {key, value}");
    }
    for (int i = 0; i < n.size(); i++) {
      JsonNode h = n.get(i);
      JsonNode key = h.get("key");
      JsonNode value = h.get("value");
      if (key == null || !key.isTextual() || key.textValue().isBlank()) {
        throw wrong("headers[" + i + "].key", "a non-empty string");
      }
      if (value != null && !value.isNull() && !value.isTextual()) {
        throw wrong("headers[" + i + "].value", "a string");
      }
      out.add(Map.entry(key.textValue(), value == null || value.isNull() ? "" : value.textValue()));
    }
    return out;
  }

  /** Refuses Argo's fields this version does not implement, naming them. */
  void refuse(String field, String why) throws MeasureException {
    JsonNode n = node(field);
    if (n != null && !(n.isObject() && n.isEmpty()) && !(n.isBoolean() && !n.booleanValue())) {
      throw new MeasureException(
          "provider." + provider + "." + field + " is not supported by Ramp: " + why);
    }
  }

  /** An absolute http(s) URL. */
  URI url(String field, String value, MetricArgs args) throws MeasureException {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // the message below says what is wanted
    }
    throw new MeasureException(
        "provider."
            + provider
            + "."
            + field
            + " \""
            + args.mask(value)
            + "\" is not an absolute http:// or https:// URL");
  }

  MeasureException wrong(String field, String what) {
    return new MeasureException("provider." + provider + "." + field + " must be " + what);
  }
}
