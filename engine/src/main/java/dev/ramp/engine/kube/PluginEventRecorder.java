package dev.ramp.engine.kube;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Locale;

/**
 * Records a plugin's state changes as Events on the plugin ConfigMap {@code ramp-config}, where the
 * platform team that edits it looks: {@code kubectl describe configmap ramp-config} shows why a
 * plugin is refused (a wrong sha256, a 404 download) or backing off.
 */
public final class PluginEventRecorder {

  private final EventRecorder recorder;
  private final String namespace;

  /**
   * @param namespace the controller's namespace, which holds {@code ramp-config}
   */
  public PluginEventRecorder(KubernetesClient client, String namespace, Clock clock) {
    this.recorder = new EventRecorder(client, clock);
    this.namespace = namespace;
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
    recorder.record(
        new ObjectReferenceBuilder()
            .withApiVersion("v1")
            .withKind("ConfigMap")
            .withName("ramp-config")
            .withNamespace(namespace)
            .build(),
        warning ? "Warning" : "Normal",
        eventReason,
        message);
  }

  private static String camel(String state) {
    StringBuilder out = new StringBuilder();
    for (String part : state.toLowerCase(Locale.ROOT).split("_")) {
      out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return out.toString();
  }
}
