package dev.ramp.engine.rehearsal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The manifests a rehearsal applies: read from YAML files (several documents each), checked for the
 * kinds a rehearsal knows, with relative plugin locations of a {@code ramp-config} resolved against
 * the file's folder (so an example can name a plugin beside it).
 */
final class Manifests {

  /** A document and the file it came from. */
  record Manifest(Path file, ObjectNode document) {
    String kind() {
      return document.path("kind").asText();
    }

    String apiVersion() {
      return document.path("apiVersion").asText();
    }

    String name() {
      return document.path("metadata").path("name").asText();
    }

    String namespace() {
      String ns = document.path("metadata").path("namespace").asText("");
      return ns.isEmpty() ? "default" : ns;
    }

    /** Namespaces, GatewayClasses and the Cluster… kinds have no namespace. */
    boolean clusterScoped() {
      return kind().equals("Namespace")
          || kind().equals("GatewayClass")
          || kind().startsWith("Cluster");
    }

    /** A Gateway API kind (applied as a generic resource, at {@link #GATEWAY_API}). */
    boolean gatewayApi() {
      return apiVersion().startsWith(GATEWAY_GROUP + "/");
    }

    /**
     * The namespace the rehearsal puts the object in: its own, except ramp-config, which goes to
     * the controller's namespace wherever it was written for.
     */
    String targetNamespace() {
      return kind().equals("ConfigMap") && name().equals("ramp-config")
          ? Rehearsal.CONTROLLER_NAMESPACE
          : namespace();
    }

    /** The object as {@code kind [namespace/]name}: two documents with one id are one object. */
    String id() {
      return kind() + " " + (clusterScoped() ? "" : targetNamespace() + "/") + name();
    }
  }

  static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  /** Argo Rollouts' group, whose Rollouts Ramp reads under {@link #RAMP_API}. */
  static final String ARGO_GROUP = "argoproj.io";

  static final String RAMP_API = "ramp.dev/v1alpha1";

  /** The version Gateway API objects are stored at (a v1beta1 manifest is applied as v1). */
  static final String GATEWAY_API = GATEWAY_GROUP + "/v1";

  /**
   * Kinds by apiVersion that a rehearsal applies. Gateway API's kinds are always accepted: they do
   * nothing without a Gateway API router, and with one its routes must be there. v1beta1 has the
   * same schema as v1 for the kinds it has (a cluster stores them as v1 and serves both).
   */
  static final Map<String, Set<String>> SUPPORTED =
      Map.of(
          RAMP_API,
          Set.of("Rollout", "AnalysisTemplate", "ClusterAnalysisTemplate"),
          "v1",
          Set.of("Service", "ConfigMap", "Secret", "Namespace"),
          GATEWAY_API,
          Set.of("GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute"),
          GATEWAY_GROUP + "/v1beta1",
          Set.of("GatewayClass", "Gateway", "HTTPRoute"));

  /**
   * The order a rehearsal applies kinds in, as {@code kubectl apply} of a folder would want it:
   * Namespaces, then what a Rollout or its AnalysisRuns read (ConfigMaps, Secrets, templates),
   * Services, the Gateway API objects (the routes a router edits), and the Rollouts last, so that
   * the controller finds everything on its first look.
   */
  private static final List<String> APPLY_ORDER =
      List.of(
          "Namespace",
          "ConfigMap",
          "Secret",
          "AnalysisTemplate",
          "ClusterAnalysisTemplate",
          "Service",
          "GatewayClass",
          "Gateway",
          "HTTPRoute",
          "GRPCRoute",
          "Rollout");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper YAML_OUT =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private Manifests() {}

  /** Reads every document of the files, with no notes (tests). */
  static List<Manifest> read(List<Path> files) {
    return read(files, note -> {});
  }

  /**
   * Reads every document of the files; a problem is an exception naming the file. A kind that a
   * rehearsal does not simulate (an Ingress, a Deployment, a VirtualService) is left out with a
   * one-line note to {@code log}, as {@code ramp lint} notes what it does not check; a ramp-config
   * outside the controller's namespace is used, with a warning that a cluster would ignore it.
   */
  static List<Manifest> read(List<Path> files, Consumer<String> log) {
    List<Manifest> all = new ArrayList<>();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new RehearsalException(file + ": no such file");
      }
      List<JsonNode> documents = new ArrayList<>();
      try (MappingIterator<JsonNode> it =
          YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (it.hasNextValue()) {
          JsonNode node = it.nextValue();
          if (node != null && !node.isNull() && !node.isMissingNode()) {
            documents.add(node);
          }
        }
      } catch (JsonProcessingException e) {
        throw new RehearsalException(
            file
                + ": not valid YAML"
                + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : "")
                + ": "
                + e.getOriginalMessage());
      } catch (IOException e) {
        throw new RehearsalException(file + ": cannot read: " + e.getMessage());
      } catch (RuntimeException e) {
        // Jackson wraps parse errors of later documents in a RuntimeJsonMappingException.
        throw new RehearsalException(file + ": not valid YAML: " + e.getMessage());
      }
      if (documents.isEmpty()) {
        throw new RehearsalException(file + ": has no YAML documents");
      }
      for (JsonNode node : documents) {
        Manifest m = check(file, node, log);
        if (m != null) {
          all.add(m);
        }
      }
    }
    return all;
  }

  /**
   * One manifest per object, the last one read, as {@code kubectl apply -f a.yaml -f b.yaml} leaves
   * the object as b.yaml has it: a file given later can stand in for an object of an earlier one (a
   * Secret pointing at a local server in place of an example's). Each replaced document is reported
   * to {@code log}.
   */
  static List<Manifest> lastOfEachObject(List<Manifest> manifests, Consumer<String> log) {
    Map<String, Manifest> last = new LinkedHashMap<>();
    for (Manifest m : manifests) {
      Manifest earlier = last.remove(m.id());
      if (earlier != null) {
        log.accept(m.id() + " from " + m.file() + " replaces the one from " + earlier.file());
      }
      last.put(m.id(), m);
    }
    return List.copyOf(last.values());
  }

  /** The manifests in {@link #APPLY_ORDER}; the files' order within a kind. */
  static List<Manifest> inApplyOrder(List<Manifest> manifests) {
    List<Manifest> sorted = new ArrayList<>(manifests);
    sorted.sort(Comparator.comparingInt(m -> APPLY_ORDER.indexOf(m.kind())));
    return sorted;
  }

  /** The manifest, or null for a kind the rehearsal skips (noted to {@code log}). */
  private static Manifest check(Path file, JsonNode node, Consumer<String> log) {
    if (!node.isObject() || !node.hasNonNull("kind") || !node.hasNonNull("apiVersion")) {
      throw new RehearsalException(file + ": a document without apiVersion and kind");
    }
    ObjectNode document = (ObjectNode) node;
    String apiVersion = document.get("apiVersion").asText();
    String kind = document.get("kind").asText();
    String name = document.path("metadata").path("name").asText("");
    if (!SUPPORTED.getOrDefault(apiVersion, Set.of()).contains(kind)) {
      skip(file, apiVersion, kind, name, log);
      return null;
    }
    if (name.isEmpty()) {
      throw new RehearsalException(file + ": " + kind + " without metadata.name");
    }
    Manifest manifest = new Manifest(file, document);
    if (kind.equals("ConfigMap") && name.equals("ramp-config")) {
      resolvePluginLocations(file, document);
      String written = document.path("metadata").path("namespace").asText("");
      if (!written.isEmpty() && !written.equals(Rehearsal.CONTROLLER_NAMESPACE)) {
        log.accept(
            file
                + ": warning: ConfigMap ramp-config is in namespace "
                + written
                + "; the rehearsal uses it, but a controller reads ramp-config only from its own"
                + " namespace ("
                + Rehearsal.CONTROLLER_NAMESPACE
                + " as config/ installs it), so a cluster would ignore this one: set"
                + " metadata.namespace: "
                + Rehearsal.CONTROLLER_NAMESPACE);
      }
    }
    return manifest;
  }

  /**
   * Notes a kind the rehearsal does not simulate; refuses an Argo Rollouts kind (saying what to
   * change) and a Ramp kind it does not apply.
   */
  private static void skip(
      Path file, String apiVersion, String kind, String name, Consumer<String> log) {
    if (apiVersion.startsWith(ARGO_GROUP + "/")) {
      throw new RehearsalException(
          file
              + ": "
              + kind
              + " "
              + name
              + " is "
              + apiVersion
              + ", Argo Rollouts' API; Ramp reads the same fields under "
              + RAMP_API
              + ": change apiVersion to "
              + RAMP_API);
    }
    if (apiVersion.startsWith("ramp.dev/")) {
      throw new RehearsalException(
          file
              + ": kind "
              + kind
              + " ("
              + apiVersion
              + ") is not one a rehearsal applies; of Ramp's kinds it applies Rollouts,"
              + " AnalysisTemplates and ClusterAnalysisTemplates ("
              + RAMP_API
              + ")");
    }
    log.accept(
        file
            + ": skipped "
            + kind
            + (name.isEmpty() ? "" : " " + name)
            + " ("
            + apiVersion
            + "): a rehearsal does not simulate it");
  }

  /** Plugin entries whose location is a relative path are resolved against the file's folder. */
  private static void resolvePluginLocations(Path file, ObjectNode configMap) {
    JsonNode data = configMap.path("data");
    if (!data.isObject()) {
      return;
    }
    Path folder = file.toAbsolutePath().getParent();
    for (String key : List.of("stepPlugins", "trafficRouterPlugins", "metricProviderPlugins")) {
      if (!data.path(key).isTextual()) {
        continue;
      }
      try {
        JsonNode entries = YAML.readTree(data.get(key).asText());
        if (!(entries instanceof ArrayNode list)) {
          continue;
        }
        boolean changed = false;
        for (JsonNode entry : list) {
          String location = entry.path("location").asText("");
          if (!location.isEmpty() && !location.startsWith("/") && !location.contains("://")) {
            ((ObjectNode) entry).put("location", folder.resolve(location).normalize().toString());
            changed = true;
          }
        }
        if (changed) {
          ((ObjectNode) data).put(key, YAML_OUT.writeValueAsString(list));
        }
      } catch (JsonProcessingException e) {
        // Left as written: the plugin host reports the key's YAML error itself.
      }
    }
  }
}
