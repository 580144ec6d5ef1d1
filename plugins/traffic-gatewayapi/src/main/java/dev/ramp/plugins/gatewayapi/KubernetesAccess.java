package dev.ramp.plugins.gatewayapi;

import dev.ramp.plugin.api.PluginException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The plugin's one Kubernetes client, built on first use from the kubeconfig file the host names in
 * {@code KUBECONFIG} — and from nothing else: no fabric8 auto-configuration, no in-cluster service
 * account, no {@code ~/.kube/config}. The host sets {@code KUBECONFIG} only for plugins whose
 * ramp-config entry says {@code kubernetesAccess: true}; without it every call fails with a message
 * saying so. The client is closed when the process exits.
 */
final class KubernetesAccess {

  static final String ENV = "KUBECONFIG";

  static final String NO_ACCESS =
      "the Gateway API router needs the Kubernetes API: set kubernetesAccess: true in its"
          + " ramp-config entry (the host then hands it a kubeconfig in $KUBECONFIG)";

  static final int CONNECT_TIMEOUT_MS = 5_000;
  static final int REQUEST_TIMEOUT_MS = 10_000;

  private final String kubeconfig;
  private KubernetesClient client;

  KubernetesAccess(Map<String, String> env) {
    String value = env.get(ENV);
    this.kubeconfig = value == null || value.isBlank() ? null : value;
  }

  /** Whether the host handed the plugin a kubeconfig. */
  boolean configured() {
    return kubeconfig != null;
  }

  /** Refuses the call when the host handed the plugin no kubeconfig. */
  void require() {
    if (kubeconfig == null) {
      throw new PluginException(PluginException.Reason.FAILED_PRECONDITION, NO_ACCESS);
    }
  }

  /** The client, built once per process; a call without a usable kubeconfig is refused. */
  synchronized KubernetesClient client() {
    if (client != null) {
      return client;
    }
    require();
    Path file = Path.of(kubeconfig);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new PluginException(
          PluginException.Reason.FAILED_PRECONDITION,
          ENV
              + "="
              + kubeconfig
              + " is not a readable file: the host must hand the plugin the path of one"
              + " kubeconfig file");
    }
    Config config;
    try {
      config = Config.fromKubeconfig(null, new File(kubeconfig));
    } catch (RuntimeException e) {
      throw new PluginException(
          PluginException.Reason.FAILED_PRECONDITION,
          "cannot read the kubeconfig " + kubeconfig + ": " + e.getMessage(),
          e);
    }
    // Fail fast rather than retry inside a call: the controller retries with its own backoff,
    // and a call must answer within the host's call deadline (30 s by default).
    config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
    config.setRequestTimeout(REQUEST_TIMEOUT_MS);
    config.setRequestRetryBackoffLimit(0);
    KubernetesClient built =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build();
    Runtime.getRuntime().addShutdownHook(new Thread(built::close, "ramp-gatewayapi-close"));
    client = built;
    return client;
  }
}
