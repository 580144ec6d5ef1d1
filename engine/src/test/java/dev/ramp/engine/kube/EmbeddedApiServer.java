package dev.ramp.engine.kube;

import dev.ramp.engine.sandbox.EmbeddedCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.util.List;

/**
 * The embedded API server as the controller's tests use it: {@link EmbeddedCluster} (fabric8's CRUD
 * mock on 127.0.0.1 with RFC 7386 merge patches), with CRDs registered one by one.
 */
public final class EmbeddedApiServer implements AutoCloseable {
  private final EmbeddedCluster cluster;

  private EmbeddedApiServer(EmbeddedCluster cluster) {
    this.cluster = cluster;
  }

  /** Starts a server on a free port of 127.0.0.1. */
  public static EmbeddedApiServer start() {
    return new EmbeddedApiServer(EmbeddedCluster.start(List.of(), List.of()));
  }

  /** Registers a CRD read from YAML (as in config/crd/). */
  public void registerCrd(InputStream yaml) {
    cluster.registerCrd(yaml);
  }

  /** Registers every Ramp CRD, as {@code ramp demo} and {@code ramp run} do. */
  public void registerRampCrds() {
    cluster.registerRampCrds();
  }

  /** See {@link EmbeddedCluster#preload}: stores objects without a request each. */
  public void preload(
      java.util.Collection<? extends io.fabric8.kubernetes.api.model.HasMetadata> objects) {
    cluster.preload(objects);
  }

  public KubernetesClient client() {
    return cluster.client();
  }

  /** A kubeconfig for `ramp` and kubectl to reach this server. */
  public java.nio.file.Path writeKubeconfig(java.nio.file.Path file) {
    return cluster.writeKubeconfig(file);
  }

  @Override
  public void close() {
    cluster.close();
  }
}
