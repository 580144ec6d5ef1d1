package dev.ramp.engine.host.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The plugin configuration read from the ConfigMap {@code ramp-config}: the valid entries and,
 * apart, the refused ones with their reason. A bad entry never stops the others.
 */
public record PluginConfigSnapshot(List<PluginEntry> entries, List<Refused> refused) {

  /** The ConfigMap's name, in the controller's namespace. */
  public static final String CONFIG_MAP_NAME = "ramp-config";

  /**
   * The environment variables the host sets itself; an entry's {@code env} may not. {@code
   * KUBECONFIG} is set only for an entry with {@code kubernetesAccess: true}, and never otherwise.
   */
  public static final Set<String> CONTRACT_VARIABLES =
      Set.of(
          "RAMP_PLUGIN_COOKIE",
          "PLUGIN_UNIX_SOCKET_DIR",
          "PLUGIN_PROTOCOL_VERSIONS",
          "RAMP_PLUGIN_NAME",
          "KUBECONFIG");

  private static final List<String> FIELDS =
      List.of(
          "name",
          "location",
          "sha256",
          "args",
          "env",
          "disabled",
          "callDeadline",
          "maxConcurrentCalls",
          "startTimeout",
          "jvmOptions",
          "kubernetesAccess");
  private static final Pattern NAME =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?/[a-z0-9]([a-z0-9._-]*[a-z0-9])?");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /**
   * An entry the host will not run.
   *
   * @param name the entry's name, or {@code <key>[<index>]} when it has no usable name
   * @param reason what is wrong, naming the value, and what to do
   */
  public record Refused(PluginKind kind, String name, String reason) {}

  public PluginConfigSnapshot {
    entries = List.copyOf(entries);
    refused = List.copyOf(refused);
  }

  /** No plugins at all (the ConfigMap is absent or deleted). */
  public static PluginConfigSnapshot empty() {
    return new PluginConfigSnapshot(List.of(), List.of());
  }

  /**
   * Parses the ConfigMap's data. Keys other than the three plugin keys are ignored (they hold other
   * settings).
   *
   * @param reconcileWorkers the controller's reconcile pool size: a plugin's {@code
   *     maxConcurrentCalls} must stay below it so one plugin can never take every worker
   */
  public static PluginConfigSnapshot parse(Map<String, String> data, int reconcileWorkers) {
    if (reconcileWorkers < 2) {
      throw new IllegalArgumentException(
          "reconcileWorkers must be at least 2 so a plugin's bulkhead fits below it, got "
              + reconcileWorkers);
    }
    List<PluginEntry> entries = new ArrayList<>();
    List<Refused> refused = new ArrayList<>();
    Map<String, String> source = data == null ? Map.of() : data;
    for (PluginKind kind : PluginKind.values()) {
      String text = source.get(kind.configKey());
      if (text == null || text.isBlank()) {
        continue;
      }
      JsonNode list;
      try {
        list = YAML.readTree(text);
      } catch (JsonProcessingException e) {
        refused.add(
            new Refused(
                kind,
                kind.configKey(),
                kind.configKey() + " is not valid YAML: " + e.getOriginalMessage()));
        continue;
      }
      if (list == null || list.isNull() || list.isMissingNode()) {
        continue;
      }
      if (!list.isArray()) {
        refused.add(
            new Refused(
                kind,
                kind.configKey(),
                kind.configKey()
                    + " must be a YAML list of plugin entries, got a "
                    + list.getNodeType().toString().toLowerCase(Locale.ROOT)));
        continue;
      }
      addEntries(kind, list, reconcileWorkers, entries, refused);
    }
    return new PluginConfigSnapshot(entries, refused);
  }

  /**
   * The keys of the ConfigMap's data that no one reads, each as a warning naming the nearest key
   * that is read ({@code stepplugins} would otherwise drop every step plugin without a word).
   */
  public static List<String> unknownKeys(Map<String, String> data) {
    List<String> known = new ArrayList<>();
    for (PluginKind kind : PluginKind.values()) {
      known.add(kind.configKey());
    }
    List<String> out = new ArrayList<>();
    for (String key : data == null ? Set.<String>of() : new java.util.TreeSet<>(data.keySet())) {
      if (!known.contains(key)) {
        out.add(
            "data."
                + key
                + ": unknown key, ignored"
                + dev.ramp.engine.model.NearestName.hint(key, known)
                + " (the keys read are "
                + String.join(", ", known)
                + ")");
      }
    }
    return out;
  }

  private static PluginEntry entry(PluginKind kind, String label, JsonNode node, int workers) {
    String name = name(node, label);
    String where = kind.label() + " plugin " + name;
    URI location = location(text(node, "location", where, true), where);
    String sha256 = sha256(node, where, location);
    List<String> args = strings(node, "args", where);
    List<String> jvmOptions = strings(node, "jvmOptions", where);
    Map<String, String> env = env(node, where);
    boolean disabled = flag(node, "disabled", where);
    boolean kubernetesAccess = flag(node, "kubernetesAccess", where);
    Duration callDeadline =
        duration(node, "callDeadline", where, PluginLimits.DEFAULT_CALL_DEADLINE);
    Duration startTimeout =
        duration(node, "startTimeout", where, PluginLimits.DEFAULT_START_TIMEOUT);
    int maxConcurrent = maxConcurrentCalls(node, where, workers);
    return new PluginEntry(
        kind,
        name,
        location,
        sha256,
        args,
        env,
        disabled,
        new PluginLimits(callDeadline, maxConcurrent, startTimeout),
        jvmOptions,
        kubernetesAccess);
  }

  /** The entries of one kind's list: each valid one to {@code entries}, each bad one refused. */
  private static void addEntries(
      PluginKind kind,
      JsonNode list,
      int reconcileWorkers,
      List<PluginEntry> entries,
      List<Refused> refused) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode node = list.get(i);
      String label = kind.configKey() + "[" + i + "]";
      String name = node.path("name").isTextual() ? node.path("name").asText() : label;
      try {
        PluginEntry entry = entry(kind, label, node, reconcileWorkers);
        if (!seen.add(entry.name())) {
          throw new IllegalArgumentException(
              label
                  + ": the name "
                  + entry.name()
                  + " appears more than once in "
                  + kind.configKey()
                  + "; give each entry its own name");
        }
        entries.add(entry);
      } catch (IllegalArgumentException e) {
        refused.add(new Refused(kind, name, e.getMessage()));
      }
    }
  }

  /** The entry's name, once the entry is a mapping of known fields and the name is well formed. */
  private static String name(JsonNode node, String label) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(label + " must be a mapping with name and location");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            label + ": unknown field '" + field + "'; the fields are " + String.join(", ", FIELDS));
      }
    }
    String name = text(node, "name", label, true);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          label
              + ": name '"
              + name
              + "' must look like org/name (lower case letters, digits, "
              + "'-', and '.' or '_' in the second part)");
    }
    return name;
  }

  /** The entry's sha256 in lower case, or null; required for a location that is downloaded. */
  private static String sha256(JsonNode node, String where, URI location) {
    String sha256 = text(node, "sha256", where, false);
    if (sha256 != null) {
      sha256 = sha256.toLowerCase(Locale.ROOT);
      if (!SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException(
            where + ": sha256 '" + sha256 + "' must be 64 hex digits (sha256sum's output)");
      }
    }
    if (!location.getScheme().equals("file") && sha256 == null) {
      throw new IllegalArgumentException(
          where
              + ": location '"
              + location
              + "' is downloaded and needs a sha256 (sha256sum of the file)");
    }
    return sha256;
  }

  /** A true/false field, false when absent; YAML's {@code "true"} in quotes is a string. */
  private static boolean flag(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new IllegalArgumentException(
          where + ": " + field + " must be true or false, got '" + value.asText() + "'");
    }
    return value.asBoolean();
  }

  private static int maxConcurrentCalls(JsonNode node, String where, int workers) {
    int maxConcurrent = PluginLimits.DEFAULT_MAX_CONCURRENT_CALLS;
    if (node.has("maxConcurrentCalls")) {
      JsonNode value = node.get("maxConcurrentCalls");
      if (!value.canConvertToInt() || !value.isIntegralNumber()) {
        throw new IllegalArgumentException(
            where + ": maxConcurrentCalls must be a whole number, got '" + value.asText() + "'");
      }
      maxConcurrent = value.asInt();
    }
    // Below the reconcile pool: a plugin that hangs can hold its bulkhead, never every worker.
    if (maxConcurrent < 1 || maxConcurrent >= workers) {
      throw new IllegalArgumentException(
          where
              + ": maxConcurrentCalls "
              + maxConcurrent
              + " must be between 1 and "
              + (workers - 1)
              + " (below the "
              + workers
              + " reconcile workers)");
    }
    return maxConcurrent;
  }

  private static URI location(String value, String where) {
    if (value.startsWith("/")) {
      return Path.of(value).normalize().toUri();
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          where + ": location '" + value + "' is not a URL: " + e.getReason());
    }
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException(
          where
              + ": location '"
              + value
              + "' must be a file:// or https:// URL or an absolute path");
    }
    switch (uri.getScheme()) {
      case "file" -> {
        if (uri.getPath() == null
            || !uri.getPath().startsWith("/")
            || (uri.getAuthority() != null && !uri.getAuthority().isEmpty())) {
          throw new IllegalArgumentException(
              where + ": location '" + value + "' must be file:///absolute/path (three slashes)");
        }
        return Path.of(uri.getPath()).normalize().toUri();
      }
      case "https" -> {
        return uri;
      }
      case "http" -> {
        // Plain http only to this machine (a local mirror, tests, the demo).
        String host = uri.getHost();
        if (host != null
            && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"))) {
          return uri;
        }
        throw new IllegalArgumentException(
            where + ": location '" + value + "' uses http:// to another host; use https://");
      }
      default ->
          throw new IllegalArgumentException(
              where
                  + ": location '"
                  + value
                  + "' uses the scheme '"
                  + uri.getScheme()
                  + "'; supported are file:// and https:// URLs and absolute paths");
    }
  }

  private static String text(JsonNode node, String field, String where, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new IllegalArgumentException(where + ": " + field + " is required");
      }
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      // YAML reads a digest of only digits as a number, which loses leading zeros.
      String hint = value.isNumber() ? " (YAML read it as a number: put it in quotes)" : "";
      throw new IllegalArgumentException(
          where + ": " + field + " must be a non-empty string, got '" + value + "'" + hint);
    }
    return value.asText().trim();
  }

  private static List<String> strings(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new IllegalArgumentException(
          where + ": " + field + " must be a list of strings, got '" + value + "'");
    }
    List<String> result = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isValueNode() || item.isNull()) {
        throw new IllegalArgumentException(
            where + ": " + field + " must be a list of strings, got the item '" + item + "'");
      }
      result.add(item.asText());
    }
    return result;
  }

  private static Map<String, String> env(JsonNode node, String where) {
    JsonNode value = node.get("env");
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw new IllegalArgumentException(
          where + ": env must be a mapping of variable names to values, got '" + value + "'");
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException(
            where + ": env variable name '" + e.getKey() + "' is not a valid variable name");
      }
      if (e.getKey().equals("KUBECONFIG")) {
        throw new IllegalArgumentException(
            where
                + ": env may not set KUBECONFIG; set kubernetesAccess: true and the host hands"
                + " the plugin a kubeconfig of its own");
      }
      if (CONTRACT_VARIABLES.contains(e.getKey())) {
        throw new IllegalArgumentException(
            where + ": env may not set " + e.getKey() + "; the host sets it for every plugin");
      }
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new IllegalArgumentException(
            where + ": env " + e.getKey() + " must be a string, got '" + e.getValue() + "'");
      }
      result.put(e.getKey(), e.getValue().asText());
    }
    return result;
  }

  private static Duration duration(JsonNode node, String field, String where, Duration dflt) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return dflt;
    }
    Duration d;
    try {
      if (!value.isTextual()) {
        throw new IllegalArgumentException("not a string");
      }
      d = dev.ramp.engine.model.GoDuration.parse(value.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where
              + ": "
              + field
              + " '"
              + value.asText()
              + "' must be a duration like 500ms, 30s, 2m or 1h");
    }
    if (d.isZero()) {
      throw new IllegalArgumentException(
          where + ": " + field + " '" + value.asText() + "' must be more than zero");
    }
    return d;
  }

  /** The refused entry of that kind and name, if any. */
  public Refused refusedOf(PluginKind kind, String name) {
    for (Refused r : refused) {
      if (r.kind() == kind && Objects.equals(r.name(), name)) {
        return r;
      }
    }
    return null;
  }
}
