package dev.ramp.engine.kube;

import dev.ramp.engine.host.config.PluginConfigSnapshot;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the ConfigMap {@code ramp-config} in the controller's namespace and hands every version
 * of it, parsed and validated, to the plugin host ({@code PluginHost::apply}). A deleted ConfigMap
 * is an empty configuration. The only place where the plugin configuration meets fabric8.
 */
public final class PluginConfigInformer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PluginConfigInformer.class);

  private final KubernetesClient client;
  private final String namespace;
  private final int reconcileWorkers;
  private final Consumer<PluginConfigSnapshot> sink;
  private SharedIndexInformer<ConfigMap> informer;
  private Map<String, String> lastData;
  private final EventRecorder events;

  /**
   * @param reconcileWorkers the controller's reconcile pool size, the bound of every plugin's
   *     {@code maxConcurrentCalls}
   * @param sink receives each snapshot, on the informer's thread; must not throw
   */
  public PluginConfigInformer(
      KubernetesClient client,
      String namespace,
      int reconcileWorkers,
      Consumer<PluginConfigSnapshot> sink) {
    this(client, namespace, reconcileWorkers, sink, java.time.Clock.systemUTC());
  }

  /**
   * @param clock the time of the Warning Events an unknown key of the ConfigMap gets
   */
  public PluginConfigInformer(
      KubernetesClient client,
      String namespace,
      int reconcileWorkers,
      Consumer<PluginConfigSnapshot> sink,
      java.time.Clock clock) {
    this.events = new EventRecorder(client, clock);
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.sink = Objects.requireNonNull(sink, "sink");
    if (reconcileWorkers < 2) {
      throw new IllegalArgumentException(
          "reconcileWorkers must be at least 2, got " + reconcileWorkers);
    }
    this.reconcileWorkers = reconcileWorkers;
  }

  /** Starts watching; the current ConfigMap, if any, is applied as the first event. */
  public synchronized void start() {
    if (informer != null) {
      return;
    }
    informer =
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(PluginConfigSnapshot.CONFIG_MAP_NAME)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(ConfigMap configMap) {
                    changed(configMap);
                  }

                  @Override
                  public void onUpdate(ConfigMap old, ConfigMap configMap) {
                    changed(configMap);
                  }

                  @Override
                  public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
                    if (isOurs(configMap)) {
                      LOG.warn(
                          "ConfigMap {}/{} deleted: stopping every plugin",
                          namespace,
                          PluginConfigSnapshot.CONFIG_MAP_NAME);
                      deliver(null);
                    }
                  }
                },
                0);
  }

  private static boolean isOurs(ConfigMap configMap) {
    return configMap != null
        && configMap.getMetadata() != null
        && PluginConfigSnapshot.CONFIG_MAP_NAME.equals(configMap.getMetadata().getName());
  }

  private void changed(ConfigMap configMap) {
    if (isOurs(configMap)) {
      Map<String, String> data = configMap.getData() == null ? Map.of() : configMap.getData();
      deliver(data);
    }
  }

  private synchronized void deliver(Map<String, String> data) {
    if (data != null && data.equals(lastData)) {
      return;
    }
    lastData = data == null ? null : Map.copyOf(data);
    PluginConfigSnapshot snapshot =
        data == null
            ? PluginConfigSnapshot.empty()
            : PluginConfigSnapshot.parse(data, reconcileWorkers);
    for (String unknown :
        data == null ? List.<String>of() : PluginConfigSnapshot.unknownKeys(data)) {
      LOG.warn("{}: {}", PluginConfigSnapshot.CONFIG_MAP_NAME, unknown);
      try {
        events.record(
            new io.fabric8.kubernetes.api.model.ObjectReferenceBuilder()
                .withApiVersion("v1")
                .withKind("ConfigMap")
                .withName(PluginConfigSnapshot.CONFIG_MAP_NAME)
                .withNamespace(namespace)
                .build(),
            "Warning",
            "UnknownConfigKey",
            unknown);
      } catch (RuntimeException e) {
        LOG.warn(
            "cannot record an Event on {}: {}", PluginConfigSnapshot.CONFIG_MAP_NAME, e.toString());
      }
    }
    LOG.info(
        "plugin configuration: {} entries, {} refused",
        snapshot.entries().size(),
        snapshot.refused().size());
    try {
      sink.accept(snapshot);
    } catch (RuntimeException e) {
      // Never let the informer's thread die: the next edit must still be delivered.
      LOG.error("applying the plugin configuration failed", e);
    }
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.close();
      informer = null;
    }
  }
}
