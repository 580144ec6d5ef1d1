package dev.ramp.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.model.Rollout;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the steering verbs find the cluster, shared by all of them as a picocli mixin: a kubeconfig
 * and context (kubectl's defaults: $KUBECONFIG, ~/.kube/config, else in-cluster) and a namespace.
 */
final class ClusterOptions {

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster).")
  Path kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "Kubeconfig context (default: the current one).")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "Namespace (default: the context's, else default).")
  String namespace;

  private Config config;

  Config config() {
    if (config == null) {
      config = load();
      // A command line should fail fast when the cluster is away, not retry for a minute.
      config.setRequestRetryBackoffLimit(1);
      config.setRequestRetryBackoffInterval(200);
      config.setConnectionTimeout(5_000);
      config.setRequestTimeout(15_000);
    }
    return config;
  }

  private Config load() {
    if (kubeconfig == null) {
      String missing =
          nothingToConnectTo(
              System.getenv(), Path.of(System.getProperty("user.home")), System.getProperties());
      if (missing != null) {
        throw new CliException(missing);
      }
      return Config.autoConfigure(context);
    }
    if (!Files.isRegularFile(kubeconfig)) {
      throw new CliException("kubeconfig " + kubeconfig + " does not exist");
    }
    String text;
    JsonNode parsed;
    try {
      text = Files.readString(kubeconfig);
      parsed = PluginSupport.YAML.readTree(text);
    } catch (IOException e) {
      throw new CliException(
          "kubeconfig " + kubeconfig + " is not readable YAML: " + CliErrors.parseProblem(e));
    }
    if (parsed == null || !parsed.isObject()) {
      throw new CliException("kubeconfig " + kubeconfig + " is not a kubeconfig (no YAML mapping)");
    }
    if (context != null) {
      List<String> names = new ArrayList<>();
      parsed.path("contexts").forEach(c -> names.add(c.path("name").asText()));
      if (!names.contains(context)) {
        throw new CliException(
            "context \"" + context + "\" is not in " + kubeconfig + "; it has " + names);
      }
    }
    return Config.fromKubeconfig(context, text, kubeconfig.toAbsolutePath().toString());
  }

  /**
   * Null when fabric8 has a cluster to talk to: $KUBECONFIG, ~/.kube/config, a pod's service
   * account, or -Dkubernetes.master; else the message that says what to do.
   */
  static String nothingToConnectTo(Map<String, String> env, Path home, Properties properties) {
    String kubeconfigEnv = env.get("KUBECONFIG");
    boolean found =
        (kubeconfigEnv != null && !kubeconfigEnv.isBlank())
            || Files.isRegularFile(home.resolve(".kube").resolve("config"))
            || env.containsKey("KUBERNETES_SERVICE_HOST")
            || properties.getProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY) != null;
    return found
        ? null
        : "no cluster configured: no --kubeconfig, $KUBECONFIG is not set, "
            + home.resolve(".kube").resolve("config")
            + " does not exist and this is not a pod; pass --kubeconfig FILE";
  }

  KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /** The namespace to work in: -n, else the context's, else default. */
  String namespace() {
    if (namespace != null) {
      return namespace;
    }
    String fromConfig = config().getNamespace();
    return fromConfig == null || fromConfig.isEmpty() ? "default" : fromConfig;
  }

  /** The Rollout, or an error naming it ("rollout shop/checkout not found"). */
  static Rollout rollout(KubernetesClient client, String namespace, String name) {
    Rollout r = client.resources(Rollout.class).inNamespace(namespace).withName(name).get();
    if (r == null) {
      throw new CliException(
          "rollout "
              + namespace
              + "/"
              + name
              + " not found; see `ramp list rollouts -n "
              + namespace
              + "`");
    }
    return r;
  }

  /**
   * The AnalysisRuns a Rollout controls (a controller owner reference with its uid; labels are not
   * looked at). None when the cluster has no AnalysisRun CRD (a controller older than analysis).
   */
  static List<AnalysisRun> analysisRuns(KubernetesClient client, Rollout r) {
    String uid = r.getMetadata().getUid();
    List<AnalysisRun> runs;
    try {
      runs =
          client
              .resources(AnalysisRun.class)
              .inNamespace(r.getMetadata().getNamespace())
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
    return runs.stream()
        .filter(run -> dev.ramp.engine.model.Owners.controlledBy(run, uid))
        .toList();
  }

  /** The AnalysisRun, or an error naming it and where runs are listed. */
  static AnalysisRun analysisRun(KubernetesClient client, String namespace, String name) {
    AnalysisRun run =
        client.resources(AnalysisRun.class).inNamespace(namespace).withName(name).get();
    if (run == null) {
      throw new CliException(
          "analysisrun "
              + namespace
              + "/"
              + name
              + " not found; `ramp get rollout NAME -n "
              + namespace
              + "` lists a rollout's runs");
    }
    return run;
  }

  /** The ReplicaSets a Rollout owns. */
  static List<ReplicaSet> replicaSets(KubernetesClient client, Rollout r) {
    String uid = r.getMetadata().getUid();
    return client
        .apps()
        .replicaSets()
        .inNamespace(r.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(
            rs ->
                rs.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> Objects.equals(o.getUid(), uid)))
        .toList();
  }
}
