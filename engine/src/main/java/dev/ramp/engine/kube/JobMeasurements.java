package dev.ramp.engine.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.Measurer;
import dev.ramp.engine.analysis.Measurer.Measured;
import dev.ramp.engine.model.AnalysisRun;
import dev.ramp.engine.provider.MetricArgs;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code job} metric provider, after Argo's {@code metricproviders/job}: a measurement is a
 * Kubernetes Job built from the metric's {@code provider.job}, owned by the run; the Job's {@code
 * Complete} condition makes it Successful, {@code Failed} makes it Failed. Nothing here throws for
 * API trouble: that is an {@link Measured.Status#ERROR} naming what failed.
 */
final class JobMeasurements {
  /** Measurement metadata key holding the Job's name (Argo's key). */
  static final String JOB_NAME_KEY = "job-name";

  /** Measurement metadata key holding the Job's namespace (Argo's key). */
  static final String JOB_NAMESPACE_KEY = "job-namespace";

  /** The message of a measurement that Terminate ended, as Argo's run reconcile sets it. */
  static final String TERMINATED = "Metric Terminated";

  private final KubernetesClient client;
  private final Function<String, Job> cachedJob;

  /**
   * @param cachedJob a Job by {@code namespace/name} from an informer, null when the cache has none
   *     (then it is read from the API: the cache may not have the Job just created yet)
   */
  JobMeasurements(KubernetesClient client, Function<String, Job> cachedJob) {
    this.client = Objects.requireNonNull(client, "client");
    this.cachedJob = Objects.requireNonNull(cachedJob, "cachedJob");
  }

  /**
   * Creates the measurement's Job and answers RUNNING, resumed when the Job changes or the run is
   * reconciled. Argo resumes at once and then after a delay growing with the square root of the
   * elapsed time; Ramp's controller watches the Jobs instead, so there is no {@code resumeAt}.
   *
   * @param jobSpec the object under {@code provider.job} (metadata and spec), args not yet rendered
   */
  Measured run(AnalysisRun run, Measurer.Call call, JsonNode jobSpec, MetricArgs args) {
    if (jobSpec == null || !jobSpec.isObject()) {
      return error(args, "provider.job must be an object with metadata and spec");
    }
    Job job;
    try {
      job = MetricJob.build(run, call, args.render(jobSpec), client.getKubernetesSerialization());
    } catch (IllegalArgumentException e) {
      return error(args, e.getMessage());
    }
    String name = job.getMetadata().getName();
    String namespace = job.getMetadata().getNamespace();
    Resource<Job> api = client.batch().v1().jobs().inNamespace(namespace).resource(job);
    try {
      api.create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        return error(args, "creating Job " + namespace + "/" + name + ": " + e.getMessage());
      }
      // A create whose answer was lost, or a run reconciled twice: adopt the Job if this run
      // controls it, as Argo does (Argo compares uids, and so does Ramp).
      Optional<String> refused = adopt(run, namespace, name);
      if (refused.isPresent()) {
        return error(args, refused.get());
      }
    }
    return Measured.running(null, Map.of(JOB_NAME_KEY, name, JOB_NAMESPACE_KEY, namespace));
  }

  private Optional<String> adopt(AnalysisRun run, String namespace, String name) {
    Job existing;
    try {
      existing = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      return Optional.of("creating Job " + namespace + "/" + name + ": " + e.getMessage());
    }
    if (existing == null) {
      // Deleted between the conflict and the read: the next measurement makes a new one.
      return Optional.of(
          "creating Job "
              + namespace
              + "/"
              + name
              + ": it already existed, and was deleted before it could be read");
    }
    String owner = controllerOf(existing).map(OwnerReference::getUid).orElse("(no controller)");
    if (!owner.equals(run.getMetadata().getUid())) {
      return Optional.of(
          "creating Job "
              + namespace
              + "/"
              + name
              + ": it already exists and is controlled by "
              + owner
              + ", not by this AnalysisRun ("
              + run.getMetadata().getUid()
              + ")");
    }
    return Optional.empty();
  }

  /**
   * Reads the Job: {@code Complete} is SUCCESSFUL, {@code Failed} is FAILED (with the Job's reason
   * and message), anything else still RUNNING. Argo also looks at the Job's pods and calls a
   * container stuck pulling its image Inconclusive; Ramp does not watch pods yet, so such a Job
   * stays Running until its own deadline fails it.
   */
  Measured resume(AnalysisRun run, Measurer.Call call, Measurer.InFlight inFlight) {
    Optional<String[]> ref = jobRef(run, inFlight);
    if (ref.isEmpty()) {
      return Measured.failed("job provider: job metadata reference missing");
    }
    String namespace = ref.get()[0];
    String name = ref.get()[1];
    Job job = cachedJob.apply(namespace + "/" + name);
    if (job == null) {
      try {
        job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
      } catch (KubernetesClientException e) {
        return Measured.failed(
            "job provider: reading Job " + namespace + "/" + name + ": " + e.getMessage());
      }
    }
    if (job == null) {
      return Measured.failed("job provider: Job " + namespace + "/" + name + " not found");
    }
    Map<String, String> metadata = inFlight.metadata();
    // Argo takes any condition of these types; Ramp only those whose status is True, as the Job
    // controller means them.
    for (JobCondition c : conditions(job)) {
      if ("Complete".equals(c.getType()) && "True".equals(c.getStatus())) {
        return Measured.verdict(Measured.Status.SUCCESSFUL, "", "", metadata);
      }
      if ("Failed".equals(c.getType()) && "True".equals(c.getStatus())) {
        // Argo's measurement has no message; the reason tells a user where to look.
        String why = join(c.getReason(), c.getMessage());
        String message = "Job " + name + " failed" + (why.isEmpty() ? "" : ": " + why);
        return Measured.verdict(Measured.Status.FAILED, "", message, metadata);
      }
    }
    return Measured.running(null, metadata);
  }

  /**
   * Deletes the Job (a Job already gone is fine) and ends the measurement Inconclusive, as Argo
   * does since v1.9 (before, it answered Successful): a Job stopped midway proved nothing.
   *
   * <p>Argo deletes in the foreground, so the Job lingers until its pods are gone; Ramp deletes in
   * the background, as kubectl does: the Job leaves at once and its pods follow, so a garbage
   * collection right after does not count it again.
   */
  Measured terminate(AnalysisRun run, Measurer.Call call, Measurer.InFlight inFlight) {
    Optional<String[]> ref = jobRef(run, inFlight);
    if (ref.isEmpty()) {
      return Measured.failed("job provider: job metadata reference missing");
    }
    Optional<String> failed = delete(ref.get()[0], ref.get()[1]);
    if (failed.isPresent()) {
      return Measured.failed("job provider: " + failed.get());
    }
    return Measured.verdict(Measured.Status.INCONCLUSIVE, "", TERMINATED, inFlight.metadata());
  }

  /**
   * Deletes the run's Jobs of this metric but the newest {@code limit}, oldest first.
   *
   * <p>Argo selects the run's Jobs of every metric, so one metric's limit counts the others' Jobs
   * too; Ramp keeps {@code limit} Jobs per metric, as the measurements it keeps are per metric.
   * Argo reads its informer's cache; Ramp lists through the API, which also sees Jobs created since
   * the cache last heard.
   *
   * @return empty when done, else what failed
   */
  Optional<String> garbageCollect(AnalysisRun run, Measurer.Call call, int limit) {
    String namespace = run.getMetadata().getNamespace();
    List<Job> jobs;
    try {
      jobs =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(namespace)
              .withLabel(MetricJob.RUN_UID_LABEL, run.getMetadata().getUid())
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      return Optional.of("job provider: listing Jobs of " + namespace + ": " + e.getMessage());
    }
    List<Job> ours =
        jobs.stream()
            .filter(j -> call.metric().equals(annotation(j, MetricJob.METRIC_ANNOTATION)))
            .sorted(OLDEST_FIRST)
            .toList();
    for (int i = 0; i < ours.size() - Math.max(0, limit); i++) {
      Optional<String> failed = delete(namespace, ours.get(i).getMetadata().getName());
      if (failed.isPresent()) {
        return Optional.of("job provider: " + failed.get());
      }
    }
    return Optional.empty();
  }

  /**
   * The {@code namespace/name} of the AnalysisRun a Job belongs to, for the controller's Job
   * informer to enqueue: its controlling AnalysisRun, else the run named by its annotations when it
   * carries the run-uid label.
   */
  static Optional<String> owningRun(Job job) {
    if (job == null || job.getMetadata() == null) {
      return Optional.empty();
    }
    String namespace = job.getMetadata().getNamespace();
    Optional<String> owner =
        controllerOf(job)
            .filter(o -> HasMetadata.getKind(AnalysisRun.class).equals(o.getKind()))
            .filter(o -> HasMetadata.getApiVersion(AnalysisRun.class).equals(o.getApiVersion()))
            .map(o -> namespace + "/" + o.getName());
    if (owner.isPresent()) {
      return owner;
    }
    Map<String, String> labels = job.getMetadata().getLabels();
    String name = annotation(job, MetricJob.RUN_NAME_ANNOTATION);
    String runNamespace = annotation(job, MetricJob.RUN_NAMESPACE_ANNOTATION);
    if (labels == null || !labels.containsKey(MetricJob.RUN_UID_LABEL) || name == null) {
      return Optional.empty();
    }
    return Optional.of((runNamespace == null ? namespace : runNamespace) + "/" + name);
  }

  // Creation times have whole seconds; Jobs made in the same second are ordered by their
  // measurement index, the number ending their name (Argo leaves ties in list order).
  private static final Comparator<Job> OLDEST_FIRST =
      Comparator.comparing(
              (Job j) -> Objects.requireNonNullElse(j.getMetadata().getCreationTimestamp(), ""))
          .thenComparingLong(j -> indexOf(j.getMetadata().getName()));

  private static long indexOf(String name) {
    String last = name.substring(name.lastIndexOf('.') + 1);
    try {
      return Long.parseLong(last);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private Optional<String> delete(String namespace, String name) {
    try {
      // Background, where Argo deletes in the foreground (see terminate).
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .withName(name)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
      return Optional.empty();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return Optional.empty();
      }
      return Optional.of("deleting Job " + namespace + "/" + name + ": " + e.getMessage());
    }
  }

  /** The Job's namespace and name from the measurement's metadata; the run's namespace if none. */
  private static Optional<String[]> jobRef(AnalysisRun run, Measurer.InFlight inFlight) {
    String name = inFlight.metadata().get(JOB_NAME_KEY);
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    String namespace = inFlight.metadata().get(JOB_NAMESPACE_KEY);
    if (namespace == null || namespace.isEmpty()) {
      namespace = run.getMetadata().getNamespace();
    }
    return Optional.of(new String[] {namespace, name});
  }

  private static Optional<OwnerReference> controllerOf(Job job) {
    List<OwnerReference> refs = job.getMetadata().getOwnerReferences();
    return refs == null
        ? Optional.empty()
        : refs.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst();
  }

  private static List<JobCondition> conditions(Job job) {
    return job.getStatus() == null || job.getStatus().getConditions() == null
        ? List.of()
        : job.getStatus().getConditions();
  }

  private static String annotation(Job job, String key) {
    Map<String, String> annotations = job.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private static String join(String reason, String message) {
    String r = reason == null ? "" : reason;
    String m = message == null ? "" : message;
    return r.isEmpty() || m.isEmpty() ? r + m : r + ": " + m;
  }

  /** An Error whose message may echo a rendered spec: secret args are masked. */
  private static Measured error(MetricArgs args, String message) {
    return Measured.failed(args.mask("job provider: " + message));
  }
}
