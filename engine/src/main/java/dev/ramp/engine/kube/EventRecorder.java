package dev.ramp.engine.kube;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Event writer of the controller: an Event on an object (a Rollout, the {@code ramp-config}
 * ConfigMap; AnalysisRuns next), timed by the controller's clock. An Event is informative: failing
 * to record one is logged and never fails a reconcile.
 */
final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  /** The API server refuses longer Event messages. */
  static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final Clock clock;

  EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /**
   * Records one Event.
   *
   * @param type Normal or Warning
   */
  void record(ObjectReference on, String type, String reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String text =
        message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 1) + "…" : message;
    try {
      client
          .v1()
          .events()
          .inNamespace(on.getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName(on.getName() + ".")
                  .withNamespace(on.getNamespace())
                  .endMetadata()
                  .withInvolvedObject(on)
                  .withType(type)
                  .withReason(reason)
                  .withMessage(text)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent("ramp-controller")
                  .endSource()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "cannot record Event {} on {} {}: {}",
          reason,
          on.getKind(),
          on.getName(),
          e.getMessage());
    }
  }
}
