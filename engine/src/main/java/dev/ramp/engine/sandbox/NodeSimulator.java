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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 *
 * <p>Its delays count on wall time, or, built with {@link #onClock}, on a clock that whoever moves
 * it reports with {@link #clockAdvanced()}; {@link #isIdle()} and {@link #nextDue()} are the seams
 * of a clock that moves only when the world is idle (a rehearsal's).
 */
public final class NodeSimulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeSimulator.class);

  private final KubernetesClient client;
  private final Duration readyAfter;
  private final ScheduledExecutorService scheduler;
  private final SimulatedJobs jobs;
  private final Clock delays;
  private final Runnable beforeChange;
  private final Object lock = new Object();
  private final Map<String, Due> due = new HashMap<>();
  private int running;
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
    this(client, readyAfter, clock, Clock.systemUTC(), () -> {});
  }

  /**
   * A simulator whose delays count on {@code clock}: call {@link #clockAdvanced()} when it moves.
   *
   * @param beforeChange runs before each status it writes (a test's seam to stall it)
   */
  public static NodeSimulator onClock(
      KubernetesClient client, Duration readyAfter, Clock clock, Runnable beforeChange) {
    return new NodeSimulator(client, readyAfter, clock, clock, beforeChange);
  }

  private NodeSimulator(
      KubernetesClient client,
      Duration readyAfter,
      Clock clock,
      Clock delays,
      Runnable beforeChange) {
    this.client = client;
    this.readyAfter = readyAfter;
    this.delays = delays;
    this.beforeChange = beforeChange;
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
    scheduleAfter("job/" + namespace + "/" + name, readyAfter, () -> jobs.finish(namespace, name));
  }

  private void schedule(ReplicaSet rs) {
    int desired = desired(rs);
    int ready = ready(rs);
    if (ready == desired && observed(rs)) {
      return;
    }
    // Scale-downs happen at once; new pods take readyAfter.
    Duration delay = desired > ready ? readyAfter : Duration.ZERO;
    String namespace = rs.getMetadata().getNamespace();
    String name = rs.getMetadata().getName();
    scheduleAfter("rs/" + namespace + "/" + name, delay, () -> converge(namespace, name));
  }

  private record Due(Instant at, Runnable change) {}

  /**
   * Makes the change once {@code delay} has passed on the delay clock; an earlier time for the same
   * object wins (the change converges to what the object is then, so once is enough).
   */
  private void scheduleAfter(String key, Duration delay, Runnable change) {
    Instant at = delays.instant().plus(delay);
    synchronized (lock) {
      Due existing = due.get(key);
      if (existing == null || existing.at().isAfter(at)) {
        due.put(key, new Due(at, change));
      }
    }
    if (delay.isZero()) {
      clockAdvanced();
    } else {
      wakeAfter(delay);
    }
  }

  /**
   * Wakes after {@code delay} of wall time. On the system clock the timer may run a little ahead: a
   * wake that finds the clock moved but not yet there waits for the rest.
   */
  private void wakeAfter(Duration delay) {
    Runnable wake =
        () -> {
          clockAdvanced();
          nextDue()
              .map(at -> Duration.between(delays.instant(), at))
              .filter(rest -> !rest.isNegative() && !rest.isZero() && rest.compareTo(delay) < 0)
              .ifPresent(this::wakeAfter);
        };
    try {
      scheduler.schedule(wake, delay.toNanos() + 999_999, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // Closed: nothing is due any more.
    }
  }

  /**
   * Makes every change whose time has come on the delay clock (a wall-time wake calls it too; one
   * that finds the clock not there yet leaves it to the next advance).
   */
  public void clockAdvanced() {
    List<Runnable> ready = new ArrayList<>();
    synchronized (lock) {
      Instant now = delays.instant();
      due.values()
          .removeIf(
              d -> {
                if (!d.at().isAfter(now)) {
                  ready.add(d.change());
                  return true;
                }
                return false;
              });
      running += ready.size();
    }
    for (Runnable change : ready) {
      try {
        scheduler.execute(
            () -> {
              try {
                beforeChange.run();
                change.run();
              } finally {
                finished();
              }
            });
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        finished();
      }
    }
  }

  private void finished() {
    synchronized (lock) {
      running--;
    }
  }

  /** True when no change is being made and none is due now on the delay clock. */
  public boolean isIdle() {
    synchronized (lock) {
      Instant now = delays.instant();
      return running == 0 && due.values().stream().allMatch(d -> d.at().isAfter(now));
    }
  }

  /** When the next change is due on the delay clock, if one is. */
  public Optional<Instant> nextDue() {
    synchronized (lock) {
      return due.values().stream().map(Due::at).min(Instant::compareTo);
    }
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
