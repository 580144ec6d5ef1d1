package dev.ramp.engine.sandbox;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for the kubelets of the embedded cluster: a ReplicaSet's pods become ready a little
 * after it is scaled up, and go away at once when it is scaled down; a Job completes a little after
 * it is created (see {@link SimulatedJobs}: no container runs here, so an annotation says how it
 * ends). It writes only ReplicaSet and Job status, which is all the controller reads.
 */
public final class NodeSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeSimulator.class);

  private final KubernetesClient client;
  private final Duration readyAfter;
  private final ScheduledExecutorService scheduler;
  private final SimulatedJobs jobs;
  private SharedIndexInformer<ReplicaSet> informer;
  private SharedIndexInformer<Job> jobInformer;

  /**
   * @param readyAfter how long a new pod takes to become ready, and a Job to finish
   */
  public NodeSimulator(KubernetesClient client, Duration readyAfter) {
    this(client, readyAfter, Clock.systemUTC());
  }

  /**
   * @param clock the time the Jobs' start and completion times are written with
   */
  public NodeSimulator(KubernetesClient client, Duration readyAfter, Clock clock) {
    this.client = client;
    this.readyAfter = readyAfter;
    this.jobs = new SimulatedJobs(client, clock);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ramp-node-simulator");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts watching ReplicaSets and Jobs in every namespace. */
  public NodeSimulator start() {
    informer =
        client
            .apps()
            .replicaSets()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(ReplicaSet rs) {
                    schedule(rs);
                  }

                  @Override
                  public void onUpdate(ReplicaSet old, ReplicaSet rs) {
                    schedule(rs);
                  }

                  @Override
                  public void onDelete(ReplicaSet rs, boolean unknownFinalState) {}
                });
    jobInformer =
        client
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Job job) {
                    schedule(job);
                  }

                  @Override
                  public void onUpdate(Job old, Job job) {
                    schedule(job);
                  }

                  @Override
                  public void onDelete(Job job, boolean unknownFinalState) {}
                });
    return this;
  }

  private void schedule(Job job) {
    if (!SimulatedJobs.pending(job)) {
      return;
    }
    String namespace = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    // Its pod starts and runs to the end in about the time a ReplicaSet's pod takes to be ready.
    scheduler.schedule(
        () -> jobs.finish(namespace, name), readyAfter.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void schedule(ReplicaSet rs) {
    int desired = desired(rs);
    int ready = ready(rs);
    if (ready == desired && observed(rs)) {
      return;
    }
    // Scale-downs happen at once; new pods take readyAfter.
    long delay = desired > ready ? readyAfter.toMillis() : 0;
    String namespace = rs.getMetadata().getNamespace();
    String name = rs.getMetadata().getName();
    scheduler.schedule(() -> converge(namespace, name), delay, TimeUnit.MILLISECONDS);
  }

  private void converge(String namespace, String name) {
    try {
      client
          .apps()
          .replicaSets()
          .inNamespace(namespace)
          .withName(name)
          .editStatus(
              rs -> {
                int desired = desired(rs);
                ReplicaSetStatus status =
                    rs.getStatus() == null ? new ReplicaSetStatus() : rs.getStatus();
                status.setReplicas(desired);
                status.setFullyLabeledReplicas(desired);
                status.setReadyReplicas(desired);
                status.setAvailableReplicas(desired);
                status.setObservedGeneration(rs.getMetadata().getGeneration());
                rs.setStatus(status);
                return rs;
              });
    } catch (KubernetesClientException e) {
      // Deleted or changed meanwhile: the informer brings the next version.
      LOG.debug("node simulator: {} / {}: {}", namespace, name, e.getMessage());
    }
  }

  private static int desired(ReplicaSet rs) {
    return Objects.requireNonNullElse(rs.getSpec().getReplicas(), 1);
  }

  private static int ready(ReplicaSet rs) {
    return rs.getStatus() == null
        ? 0
        : Objects.requireNonNullElse(rs.getStatus().getReadyReplicas(), 0);
  }

  private static boolean observed(ReplicaSet rs) {
    return rs.getStatus() != null
        && Objects.equals(rs.getStatus().getObservedGeneration(), rs.getMetadata().getGeneration())
        && Objects.equals(rs.getStatus().getReplicas(), desired(rs));
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    if (jobInformer != null) {
      jobInformer.close();
    }
    scheduler.shutdownNow();
  }
}
