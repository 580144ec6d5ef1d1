package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.provider.MetricArgs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of an AnalysisRun's args, read at each reconcile: {@code value}, or {@code valueFrom}
 * a Secret key (masked wherever it could be written), a ConfigMap key, a field of the Rollout that
 * owns the run, or its pod-template hash ({@code Latest}: the current one, {@code Stable}).
 *
 * <p>Argo resolves {@code fieldRef} and {@code podTemplateHashValue} once, when the rollout creates
 * the run, and only Secrets here. Ramp reads them all here, so that a run created by hand with
 * those refs also works; a Rollout that creates runs writes the values it resolved into the run.
 */
final class RunArgs {
  /** An arg that cannot be read; the message names the arg and what is missing. */
  static final class Unresolved extends Exception {
    Unresolved(String message) {
      super(message, null, false, false);
    }
  }

  private static final Pattern MAP_ENTRY =
      Pattern.compile("metadata\\.(labels|annotations)\\['([^']*)'\\]");

  private final KubernetesClient client;

  RunArgs(KubernetesClient client) {
    this.client = client;
  }

  MetricArgs resolve(AnalysisRun run) throws Unresolved {
    MetricArgs args = MetricArgs.of(Map.of());
    Map<String, String> plain = new LinkedHashMap<>();
    Map<String, String> secret = new LinkedHashMap<>();
    Rollout[] owner = new Rollout[1];
    if (run.getSpec().args != null) {
      for (AnalysisArgument arg : run.getSpec().args) {
        if (arg.name == null || arg.name.isEmpty()) {
          throw new Unresolved("spec.args: an arg has no name");
        }
        AnalysisArgument.ValueFrom from = arg.valueFrom;
        if (from != null && from.secretKeyRef != null) {
          secret.put(arg.name, secretValue(run, arg.name, from.secretKeyRef));
        } else if (from != null) {
          plain.put(arg.name, fromCluster(run, arg.name, from, owner));
        } else if (arg.value != null) {
          plain.put(arg.name, arg.value);
        } else {
          throw new Unresolved("args." + arg.name + " was not resolved: it has no value");
        }
      }
    }
    args = MetricArgs.of(plain);
    for (Map.Entry<String, String> e : secret.entrySet()) {
      args = args.withSecret(e.getKey(), e.getValue());
    }
    return args;
  }

  private String fromCluster(
      AnalysisRun run, String name, AnalysisArgument.ValueFrom from, Rollout[] owner)
      throws Unresolved {
    if (from.configMapKeyRef != null) {
      return configMapValue(run, name, from.configMapKeyRef);
    }
    if (from.fieldRef != null || from.podTemplateHashValue != null) {
      if (owner[0] == null) {
        owner[0] = ownerRollout(run, name);
      }
      return from.fieldRef != null
          ? field(owner[0], name, from.fieldRef.fieldPath)
          : podTemplateHash(owner[0], name, from.podTemplateHashValue);
    }
    throw new Unresolved(
        "args."
            + name
            + ".valueFrom: set one of secretKeyRef, configMapKeyRef,"
            + " fieldRef or podTemplateHashValue");
  }

  private String secretValue(AnalysisRun run, String name, AnalysisArgument.KeyRef ref)
      throws Unresolved {
    String ns = run.getMetadata().getNamespace();
    requireRef(name, "secretKeyRef", ref);
    Secret s =
        get(
            () -> client.secrets().inNamespace(ns).withName(ref.name).get(),
            name,
            "Secret " + ref.name);
    if (s == null) {
      throw new Unresolved("args." + name + ": Secret " + ns + "/" + ref.name + " not found");
    }
    if (s.getStringData() != null && s.getStringData().containsKey(ref.key)) {
      return s.getStringData().get(ref.key);
    }
    if (s.getData() == null || !s.getData().containsKey(ref.key)) {
      throw new Unresolved(
          "args." + name + ": Secret " + ns + "/" + ref.name + " has no key " + ref.key);
    }
    try {
      return new String(
          Base64.getDecoder().decode(s.getData().get(ref.key)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Unresolved(
          "args."
              + name
              + ": key "
              + ref.key
              + " of Secret "
              + ns
              + "/"
              + ref.name
              + " is not base64");
    }
  }

  private String configMapValue(AnalysisRun run, String name, AnalysisArgument.KeyRef ref)
      throws Unresolved {
    String ns = run.getMetadata().getNamespace();
    requireRef(name, "configMapKeyRef", ref);
    ConfigMap cm =
        get(
            () -> client.configMaps().inNamespace(ns).withName(ref.name).get(),
            name,
            "ConfigMap " + ref.name);
    if (cm == null) {
      throw new Unresolved("args." + name + ": ConfigMap " + ns + "/" + ref.name + " not found");
    }
    if (cm.getData() == null || !cm.getData().containsKey(ref.key)) {
      throw new Unresolved(
          "args." + name + ": ConfigMap " + ns + "/" + ref.name + " has no key " + ref.key);
    }
    return cm.getData().get(ref.key);
  }

  private static void requireRef(String name, String field, AnalysisArgument.KeyRef ref)
      throws Unresolved {
    if (ref.name == null || ref.name.isEmpty() || ref.key == null || ref.key.isEmpty()) {
      throw new Unresolved("args." + name + ".valueFrom." + field + ": name and key are required");
    }
  }

  private Rollout ownerRollout(AnalysisRun run, String name) throws Unresolved {
    for (OwnerReference ref : run.getMetadata().getOwnerReferences()) {
      if ("Rollout".equals(ref.getKind()) && Rollout.API_VERSION.equals(ref.getApiVersion())) {
        String ns = run.getMetadata().getNamespace();
        Rollout r =
            get(
                () -> client.resources(Rollout.class).inNamespace(ns).withName(ref.getName()).get(),
                name,
                "Rollout " + ref.getName());
        if (r == null) {
          throw new Unresolved(
              "args." + name + ": the owning Rollout " + ref.getName() + " is gone");
        }
        return r;
      }
    }
    throw new Unresolved(
        "args."
            + name
            + ".valueFrom: fieldRef and podTemplateHashValue read the Rollout that owns the run,"
            + " and this run has no owning Rollout; give the arg a value");
  }

  /**
   * A field of the Rollout: {@code metadata.labels['k']} and {@code metadata.annotations['k']} as
   * Kubernetes' field paths, anything else a dotted path through the Rollout's JSON, as Argo.
   */
  static String field(Rollout rollout, String name, String path) throws Unresolved {
    if (path == null || path.isEmpty()) {
      throw new Unresolved("args." + name + ".valueFrom.fieldRef.fieldPath: required");
    }
    JsonNode node = Json.tree(rollout);
    Matcher m = MAP_ENTRY.matcher(path);
    if (m.matches()) {
      node = node.path("metadata").path(m.group(1)).path(m.group(2));
    } else {
      for (String part : path.split("\\.")) {
        node = node.path(part);
      }
    }
    if (node.isMissingNode() || node.isNull()) {
      throw new Unresolved(
          "args."
              + name
              + ": field "
              + path
              + " of Rollout "
              + rollout.getMetadata().getName()
              + " is not set");
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static String podTemplateHash(Rollout rollout, String name, String which)
      throws Unresolved {
    var status = rollout.getStatus();
    String hash =
        switch (which) {
          case "Latest" -> status == null ? null : status.currentPodHash;
          case "Stable" -> status == null ? null : status.stableRS;
          default ->
              throw new Unresolved(
                  "args."
                      + name
                      + ".valueFrom.podTemplateHashValue: "
                      + which
                      + " is neither Latest nor Stable");
        };
    if (hash == null || hash.isEmpty()) {
      throw new Unresolved(
          "args."
              + name
              + ": Rollout "
              + rollout.getMetadata().getName()
              + " has no "
              + which.toLowerCase(java.util.Locale.ROOT)
              + " pod-template hash yet");
    }
    return hash;
  }

  private interface Read<T> {
    T get();
  }

  private static <T> T get(Read<T> read, String name, String what) throws Unresolved {
    try {
      return read.get();
    } catch (KubernetesClientException e) {
      throw new Unresolved("args." + name + ": reading " + what + ": " + e.getMessage());
    }
  }
}
