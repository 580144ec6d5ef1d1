package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.model.NearestName;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rollout.SpecCheck;
import dev.ramp.engine.runtime.RampRuntime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checks `ramp lint` makes of one document beside the analysis templates': a Rollout (the
 * controller's own validation, and the fields around its spec), a {@code ramp.dev} kind that does
 * not exist, and the plugin ConfigMap {@code ramp-config} (read by the plugin host's own parser).
 */
final class LintChecks {

  /**
   * One thing found: the field it is about (for its line) and the text, which starts with the
   * field; a warning does not fail the lint.
   */
  record Finding(String field, String text, boolean warning, int line) {
    static Finding problem(String field, String message) {
      return new Finding(field, field + ": " + message, false, 0);
    }

    static Finding warning(String field, String message) {
      return new Finding(field, field + ": " + message, true, 0);
    }

    /** A problem already written as {@code field: message} (or {@code field "value": ...}). */
    static Finding of(String problem) {
      return new Finding(problem.split("[: ]", 2)[0], problem, false, 0);
    }

    /** The same finding at a given line (else the line of its field). */
    Finding at(int line) {
      return new Finding(field, text, warning, line);
    }
  }

  /** The kinds of the group ramp.dev. */
  static final List<String> KINDS =
      List.of("Rollout", "AnalysisTemplate", "ClusterAnalysisTemplate", "AnalysisRun");

  /** IsDNS1123Subdomain, which an object's name must be (at most 253 characters). */
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** Argo's notification annotations: kept by Ramp, but nothing sends what they ask. */
  private static final String NOTIFICATIONS = "notifications.argoproj.io/";

  /** Reads a Rollout as the controller's informer does. */
  private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization KUBE =
      new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

  private LintChecks() {}

  /** A kind of ramp.dev that does not exist, with the nearest one that does. */
  static Finding unknownKind(String kind) {
    return Finding.problem(
        "kind",
        "\""
            + kind
            + "\" is not a kind of ramp.dev"
            + NearestName.hint(kind, KINDS)
            + " (ramp.dev has "
            + String.join(", ", KINDS)
            + ")");
  }

  /** What the controller would refuse in this Rollout, and what lint alone can see around it. */
  static List<Finding> rollout(JsonNode tree) {
    List<Finding> found = new ArrayList<>();
    com.fasterxml.jackson.databind.node.ObjectNode known = tree.deepCopy();
    for (SpecCheck.Problem p : SpecCheck.topLevel(tree)) {
      found.add(Finding.problem(p.field(), p.message()));
      known.remove(p.field()); // named; the rest is read without it
    }
    String name = tree.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      found.add(Finding.problem("metadata.name", "missing"));
    } else if (name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
      found.add(
          Finding.problem(
              "metadata.name",
              "\""
                  + name
                  + "\" is not a valid name: lower-case letters, digits, '-' and '.', beginning"
                  + " and ending with a letter or digit (RFC 1123)"));
    }
    annotations(tree, found);
    Rollout rollout;
    try {
      rollout = KUBE.convertValue(known, Rollout.class);
    } catch (IllegalArgumentException e) {
      // The spec is read whatever its shape (SpecCheck names its fields); this is metadata.
      found.add(Finding.problem("metadata", "must be an object of Kubernetes metadata fields"));
      return found;
    }
    for (SpecCheck.Problem p : SpecCheck.validate(rollout)) {
      found.add(Finding.problem(p.field(), p.message()));
    }
    return found;
  }

  private static void annotations(JsonNode tree, List<Finding> found) {
    for (Iterator<String> it = tree.path("metadata").path("annotations").fieldNames();
        it.hasNext(); ) {
      String key = it.next();
      if (key.startsWith(NOTIFICATIONS)) {
        found.add(
            Finding.warning(
                "metadata.annotations[" + key + "]",
                "Argo's notification annotations are not read by Ramp; nothing sends this"
                    + " notification"));
      }
    }
  }

  /**
   * A plugin list with relative locations resolved against the file's folder, as `ramp run` reads
   * them; left as written when it is not a YAML list (the parser says why).
   */
  private static String relativeResolved(String list, java.nio.file.Path folder) {
    try {
      JsonNode entries = YAML.readTree(list);
      if (!(entries instanceof com.fasterxml.jackson.databind.node.ArrayNode array)) {
        return list;
      }
      for (JsonNode entry : array) {
        String location = entry.path("location").asText("");
        if (!location.isEmpty() && !location.startsWith("/") && !location.contains("://")) {
          ((com.fasterxml.jackson.databind.node.ObjectNode) entry)
              .put("location", folder.resolve(location).normalize().toString());
        }
      }
      return YAML.writeValueAsString(array);
    } catch (IOException | ClassCastException e) {
      return list;
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
      new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

  /** The plugin ConfigMap, read by the plugin host's parser; unknown keys are warnings. */
  static List<Finding> pluginConfig(JsonNode tree, java.nio.file.Path folder) {
    List<Finding> found = new ArrayList<>();
    JsonNode data = tree.path("data");
    if (!data.isMissingNode() && !data.isNull() && !data.isObject()) {
      found.add(Finding.problem("data", "must map keys to text"));
      return found;
    }
    Map<String, String> text = new LinkedHashMap<>();
    data.fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isTextual()) {
                text.put(e.getKey(), relativeResolved(e.getValue().asText(), folder));
              } else if (!e.getValue().isNull()) {
                found.add(
                    Finding.problem(
                        "data." + e.getKey(),
                        "must be text (a ConfigMap holds strings); write the YAML list as a block:"
                            + " \""
                            + e.getKey()
                            + ": |\""));
              }
            });
    for (String unknown : PluginConfigSnapshot.unknownKeys(text)) {
      int colon = unknown.indexOf(": ");
      found.add(Finding.warning(unknown.substring(0, colon), unknown.substring(colon + 2)));
    }
    PluginConfigSnapshot snapshot =
        PluginConfigSnapshot.parse(text, RampRuntime.Settings.DEFAULT_WORKERS);
    for (PluginConfigSnapshot.Refused r : snapshot.refused()) {
      found.add(Finding.problem("data." + r.kind().configKey(), r.reason()));
    }
    return found;
  }
}
