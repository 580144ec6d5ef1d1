package dev.ramp.engine.sandbox;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the embedded world's Jobs end. It runs no containers, so a Job cannot succeed or fail by what
 * its pod does: the annotation {@value #ANNOTATION} on the Job or on its pod template says how it
 * ends instead — absent or {@code succeeded}: the Job completes; {@code failed}: it fails as when
 * its pods used up the backoff limit; {@code running}: it starts and never ends (for timeouts and
 * terminations). Any other value fails it with a message naming the value, so a typo is seen rather
 * than read as a success.
 */
final class SimulatedJobs {

  /** The annotation saying how a Job of the embedded world ends. */
  static final String ANNOTATION = "ramp.dev/simulate-job";

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedJobs.class);

  // Kubernetes' default spec.backoffLimit: a failed Job has failed this many pods plus one.
  private static final int DEFAULT_BACKOFF_LIMIT = 6;

  private final KubernetesClient client;
  private final Clock clock;

  SimulatedJobs(KubernetesClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Whether the simulator still has something to write for this Job. */
  static boolean pending(Job job) {
    if (job.getMetadata().getDeletionTimestamp() != null
        || Boolean.TRUE.equals(job.getSpec().getSuspend())
        || finished(job)) {
      return false;
    }
    return !("running".equals(outcome(job)) && started(job));
  }

  /** Writes the Job's status as the Job controller would once its pod ended (or started). */
  void finish(String namespace, String name) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .withName(name)
          .editStatus(job -> pending(job) ? withStatus(job) : job);
    } catch (KubernetesClientException e) {
      // Deleted or changed meanwhile: the informer brings the next version.
      LOG.debug("node simulator: Job {} / {}: {}", namespace, name, e.getMessage());
    }
  }

  private Job withStatus(Job job) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    JobStatus status = job.getStatus() == null ? new JobStatus() : job.getStatus();
    if (status.getStartTime() == null) {
      status.setStartTime(now);
    }
    String outcome = outcome(job);
    switch (outcome) {
      case "running" -> status.setActive(1);
      case "succeeded" -> {
        status.setActive(0);
        status.setSucceeded(Objects.requireNonNullElse(job.getSpec().getCompletions(), 1));
        status.setCompletionTime(now);
        status.setConditions(List.of(condition("Complete", null, null, now)));
      }
      case "failed" -> {
        status.setActive(0);
        int limit =
            Objects.requireNonNullElse(job.getSpec().getBackoffLimit(), DEFAULT_BACKOFF_LIMIT);
        status.setFailed(limit + 1);
        // As the Job controller writes it; a failed Job has no completionTime.
        status.setConditions(
            List.of(
                condition(
                    "Failed",
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    now)));
      }
      default -> {
        status.setActive(0);
        status.setConditions(
            List.of(
                condition(
                    "Failed",
                    "InvalidSimulation",
                    ANNOTATION + " must be succeeded, failed or running, not \"" + outcome + "\"",
                    now)));
      }
    }
    job.setStatus(status);
    return job;
  }

  /** The annotation's value, the Job's own before its pod template's; "succeeded" if neither. */
  static String outcome(Job job) {
    String own = annotation(job.getMetadata());
    if (own != null) {
      return own;
    }
    var template = job.getSpec().getTemplate();
    String pod = template == null ? null : annotation(template.getMetadata());
    return pod == null ? "succeeded" : pod;
  }

  private static String annotation(ObjectMeta meta) {
    Map<String, String> annotations = meta == null ? null : meta.getAnnotations();
    return annotations == null ? null : annotations.get(ANNOTATION);
  }

  private static boolean finished(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  private static boolean started(Job job) {
    return job.getStatus() != null && job.getStatus().getStartTime() != null;
  }

  private static JobCondition condition(String type, String reason, String message, String now) {
    return new JobConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastProbeTime(now)
        .withLastTransitionTime(now)
        .build();
  }
}
