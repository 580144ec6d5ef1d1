package dev.ramp.engine.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's table answers ({@code Accept: application/json;as=Table;g=meta.k8s.io;v=v1}) for
 * custom resources, from their CRDs' {@code additionalPrinterColumns}, so that {@code kubectl get
 * rollouts} shows the same columns as against a real server. Built-in kinds are left to kubectl's
 * fallback (NAME and AGE). JSONPaths are the simple dotted ones printer columns use.
 */
final class PrinterTables {

  /** A collection or one object of a custom resource; not a subresource, not a watch. */
  private static final Pattern RESOURCE =
      Pattern.compile("/apis/([^/]+)/([^/]+)/(?:namespaces/[^/]+/)?([^/]+)(?:/([^/]+))?");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, List<CustomResourceColumnDefinition>> columns = new HashMap<>();
  private final Clock clock;

  PrinterTables(List<CustomResourceDefinition> crds, Clock clock) {
    this.clock = clock;
    for (CustomResourceDefinition crd : crds) {
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        List<CustomResourceColumnDefinition> c =
            v.getAdditionalPrinterColumns() == null ? List.of() : v.getAdditionalPrinterColumns();
        columns.put(
            crd.getSpec().getGroup()
                + "/"
                + v.getName()
                + "/"
                + crd.getSpec().getNames().getPlural(),
            c);
      }
    }
  }

  /** Whether a GET wants a table of a custom resource this class knows. */
  boolean wanted(String accept, String pathAndQuery) {
    if (accept == null || !accept.contains("as=Table")) {
      return false;
    }
    int q = pathAndQuery.indexOf('?');
    if (q >= 0 && pathAndQuery.substring(q).contains("watch=")) {
      return false;
    }
    return columnsOf(q < 0 ? pathAndQuery : pathAndQuery.substring(0, q)) != null;
  }

  private List<CustomResourceColumnDefinition> columnsOf(String path) {
    Matcher m = RESOURCE.matcher(path);
    return m.matches() ? columns.get(m.group(1) + "/" + m.group(2) + "/" + m.group(3)) : null;
  }

  /** The table of a list or of one object, as the API server converts it. */
  String table(String pathAndQuery, String body) throws java.io.IOException {
    int q = pathAndQuery.indexOf('?');
    List<CustomResourceColumnDefinition> cols =
        columnsOf(q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
    JsonNode answer = JSON.readTree(body);
    ObjectNode table = JSON.createObjectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table
        .putObject("metadata")
        .put("resourceVersion", answer.path("metadata").path("resourceVersion").asText(""));
    ArrayNode definitions = table.putArray("columnDefinitions");
    definitions
        .addObject()
        .put("name", "Name")
        .put("type", "string")
        .put("format", "name")
        .put("description", "Name of the object")
        .put("priority", 0);
    for (CustomResourceColumnDefinition c : cols) {
      definitions
          .addObject()
          .put("name", c.getName())
          .put("type", c.getType())
          .put("format", c.getFormat() == null ? "" : c.getFormat())
          .put("description", c.getDescription() == null ? "" : c.getDescription())
          .put("priority", c.getPriority() == null ? 0 : c.getPriority());
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> objects = new ArrayList<>();
    if (answer.has("items")) {
      answer.path("items").forEach(objects::add);
    } else {
      objects.add(answer);
    }
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(object.path("metadata").path("name").asText());
      for (CustomResourceColumnDefinition c : cols) {
        cells.add(cell(object, c));
      }
      ObjectNode partial = row.putObject("object");
      partial.put("kind", "PartialObjectMetadata");
      partial.put("apiVersion", "meta.k8s.io/v1");
      partial.set("metadata", object.path("metadata").deepCopy());
    }
    return JSON.writeValueAsString(table);
  }

  private JsonNode cell(JsonNode object, CustomResourceColumnDefinition c) {
    JsonNode value = object;
    for (String field : c.getJsonPath().replaceFirst("^\\.", "").split("\\.")) {
      value = value.path(field);
    }
    if (value.isMissingNode() || value.isNull()) {
      return JSON.nullNode();
    }
    if ("date".equals(c.getType())) {
      try {
        Duration age = Duration.between(Instant.parse(value.asText()), clock.instant());
        return JSON.getNodeFactory().textNode(age(age.isNegative() ? Duration.ZERO : age));
      } catch (java.time.format.DateTimeParseException e) {
        return value;
      }
    }
    return value;
  }

  /** kubectl's short ages: 45s, 3m10s, 5h2m, 4d3h. */
  static String age(Duration d) {
    long s = d.getSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    if (s < 86400) {
      return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
    }
    return s / 86400 + "d" + (s % 86400 / 3600 == 0 ? "" : s % 86400 / 3600 + "h");
  }
}
