package dev.ramp.engine.kube;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a plugin's state changes as Events on the plugin ConfigMap {@code ramp-config}, where the
 * platform team that edits it looks: {@code kubectl describe configmap ramp-config} shows why a
 * plugin is refused (a wrong sha256, a 404 download) or backing off.
 */
public final class PluginEventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(PluginEventRecorder.class);

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;

  /**
   * @param namespace the controller's namespace, which holds {@code ramp-config}
   */
  public PluginEventRecorder(KubernetesClient client, String namespace, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
  }

  /**
   * Records one state change.
   *
   * @param kind the plugin kind as ramp-config names its key's entries ("step", ...)
   * @param state the new state, e.g. {@code REFUSED}
   */
  public void record(String kind, String plugin, String state, String reason) {
    boolean warning = state.equals("REFUSED") || state.equals("BACKING_OFF");
    String eventReason = "Plugin" + camel(state);
    String message =
        kind
            + " plugin "
            + plugin
            + " is "
            + state.toLowerCase(Locale.ROOT).replace('_', ' ')
            + (reason == null || reason.isBlank() ? "" : ": " + reason);
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(namespace)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName("ramp-config.")
                  .withNamespace(namespace)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion("v1")
                          .withKind("ConfigMap")
                          .withName("ramp-config")
                          .withNamespace(namespace)
                          .build())
                  .withReason(eventReason)
                  .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                  .withType(warning ? "Warning" : "Normal")
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent("ramp-controller")
                  .endSource()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      // An Event is informative; the state is also in the log and the metrics.
      LOG.warn("cannot record Event {} for plugin {}: {}", eventReason, plugin, e.getMessage());
    }
  }

  private static String camel(String state) {
    StringBuilder out = new StringBuilder();
    for (String part : state.toLowerCase(Locale.ROOT).split("_")) {
      out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return out.toString();
  }
}
