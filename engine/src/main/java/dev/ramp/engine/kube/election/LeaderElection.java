package dev.ramp.engine.kube.election;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io} Lease. Only the leader reconciles; the others
 * wait, and take over when the leader's lease runs out or is released.
 *
 * <p>The lease is released on {@link #close()}, so a controller that stops cleanly (a rolling
 * update) hands over at once instead of making the next one wait out the lease. A leader that loses
 * its lease stops leading (the callback stops the controller) and stands again. A deposed leader
 * that has not noticed yet cannot do harm: every status write carries the resourceVersion it read,
 * and the new leader's writes change it.
 */
public final class LeaderElection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * How the election runs.
   *
   * @param identity this replica's name in the Lease (the pod name)
   */
  public record Settings(
      String namespace,
      String leaseName,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {

    public Settings {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(leaseName, "leaseName");
      Objects.requireNonNull(identity, "identity");
      if (!(leaseDuration.compareTo(renewDeadline) > 0)) {
        throw new IllegalArgumentException(
            "leaseDuration "
                + dev.ramp.engine.model.GoDuration.format(leaseDuration)
                + " must be longer than renewDeadline "
                + dev.ramp.engine.model.GoDuration.format(renewDeadline));
      }
      if (!(renewDeadline.compareTo(retryPeriod) > 0)) {
        throw new IllegalArgumentException(
            "renewDeadline "
                + dev.ramp.engine.model.GoDuration.format(renewDeadline)
                + " must be longer than retryPeriod "
                + dev.ramp.engine.model.GoDuration.format(retryPeriod));
      }
    }

    /** The usual Kubernetes controller timings: 15 s lease, 10 s renew deadline, 2 s retry. */
    public static Settings defaults(String namespace, String identity) {
      return new Settings(
          namespace,
          "ramp-controller",
          identity,
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2));
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final Runnable onStartLeading;
  private final Runnable onStopLeading;
  private final ExecutorService executor;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile LeaderElector elector;
  private volatile CompletableFuture<?> running;

  public LeaderElection(
      KubernetesClient client, Settings settings, Runnable onStartLeading, Runnable onStopLeading) {
    this.client = client;
    this.settings = settings;
    this.onStartLeading = onStartLeading;
    this.onStopLeading = onStopLeading;
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "ramp-leader-election");
              t.setDaemon(true);
              return t;
            });
  }

  /** Stands for election; returns at once. */
  public synchronized void start() {
    if (closed.get()) {
      throw new IllegalStateException("leader election " + settings.leaseName() + " is closed");
    }
    var config =
        new LeaderElectionConfigBuilder()
            .withName(settings.leaseName())
            .withLock(
                new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity()))
            .withLeaseDuration(settings.leaseDuration())
            .withRenewDeadline(settings.renewDeadline())
            .withRetryPeriod(settings.retryPeriod())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(
                new LeaderCallbacks(this::startedLeading, this::stoppedLeading, this::newLeader))
            .build();
    elector = new LeaderElector(client, config, executor);
    running = elector.start();
    // A lost lease ends the elector; stand again unless we are closing.
    running.whenComplete(
        (ignored, error) -> {
          if (!closed.get()) {
            LOG.info(
                "{} no longer leads {}; standing again", settings.identity(), settings.leaseName());
            executor.execute(this::start);
          }
        });
  }

  /** True while this replica holds the lease. */
  public boolean isLeader() {
    return leading.get();
  }

  private void startedLeading() {
    LOG.info("{} leads {}", settings.identity(), settings.leaseName());
    leading.set(true);
    onStartLeading.run();
  }

  private void stoppedLeading() {
    if (leading.compareAndSet(true, false)) {
      LOG.info("{} stopped leading {}", settings.identity(), settings.leaseName());
      onStopLeading.run();
    }
  }

  private void newLeader(String identity) {
    LOG.info("leader of {} is now {}", settings.leaseName(), identity);
  }

  /** Stops standing and releases the lease if held. */
  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    CompletableFuture<?> current = running;
    if (current != null) {
      current.cancel(true);
    }
    LeaderElector currentElector = elector;
    if (currentElector != null && leading.get()) {
      currentElector.release();
    }
    stoppedLeading();
    executor.shutdownNow();
  }
}
