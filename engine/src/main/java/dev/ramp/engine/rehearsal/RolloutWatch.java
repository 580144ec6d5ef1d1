package dev.ramp.engine.rehearsal;

import dev.ramp.engine.model.Rollout;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Every version of one Rollout, in order, as a watch delivers them: a follower that looked now and
 * then would miss the steps passed between two looks.
 */
final class RolloutWatch implements AutoCloseable {
  private final BlockingQueue<Rollout> versions = new LinkedBlockingQueue<>();
  private final SharedIndexInformer<Rollout> informer;
  private volatile boolean deleted;

  RolloutWatch(KubernetesClient client, String namespace, String name) {
    informer =
        client
            .resources(Rollout.class)
            .inNamespace(namespace)
            .withName(name)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Rollout r) {
                    versions.add(r);
                  }

                  @Override
                  public void onUpdate(Rollout old, Rollout r) {
                    versions.add(r);
                  }

                  @Override
                  public void onDelete(Rollout r, boolean unknown) {
                    deleted = true;
                  }
                },
                0);
  }

  /** The next version, waiting at most {@code wait} for one; null when none came. */
  Rollout next(Duration wait) {
    try {
      return versions.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RehearsalException("interrupted");
    }
  }

  /** The Rollout was deleted while watched. */
  boolean deleted() {
    return deleted;
  }

  @Override
  public void close() {
    informer.stop();
  }
}
