package dev.ramp.engine.host;

/**
 * Where the kubeconfig comes from that the plugin host hands a plugin whose {@code ramp-config}
 * entry says {@code kubernetesAccess: true}: the controller's own access to the API (its in-cluster
 * ServiceAccount, or the embedded API server of a rehearsal). The host writes it into the plugin's
 * private directory (mode 0600) before the process starts and sets {@code KUBECONFIG} to its path;
 * a plugin without the flag gets no {@code KUBECONFIG} at all. The runtime gives one to the host it
 * builds ({@link PluginHost#withKubernetesAccess}); a host without one refuses entries that ask.
 */
@FunctionalInterface
public interface KubernetesAccess {

  /**
   * The kubeconfig YAML for one plugin start, made anew for each (so that a credential that changed
   * since the last start is current).
   *
   * @throws RuntimeException when none can be made now: the start is retried with backoff
   */
  String kubeconfig();
}
