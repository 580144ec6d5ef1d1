package dev.ramp.engine.rollout;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Argo's restart: once every ReplicaSet is in place, pods created before {@code spec.restartAt} are
 * deleted (their ReplicaSet makes new ones), at most {@code maxUnavailable} (at least one) at a
 * time and only while every pod is ready; done, {@code status.restartedAt} records it.
 */
final class RestartPods implements SubStep {
  static final Duration POLL = Duration.ofSeconds(10);

  /** True when {@code spec.restartAt} asks for pods not yet replaced: read the pods then. */
  static boolean pending(dev.ramp.engine.model.Rollout rollout) {
    String at = rollout.getSpec() == null ? null : rollout.getSpec().restartAt;
    String done = rollout.getStatus() == null ? null : rollout.getStatus().restartedAt;
    return at != null && !at.equals(done);
  }

  @Override
  public void apply(Reconcile r) {
    if (r.create != null || !r.scales.isEmpty() || !pending(r.rollout)) {
      return;
    }
    Instant at;
    try {
      at = Instant.parse(r.spec.restartAt);
    } catch (java.time.format.DateTimeParseException e) {
      r.hold = "spec.restartAt: \"" + r.spec.restartAt + "\" is not an RFC 3339 time";
      return;
    }
    if (r.now.isBefore(at)) {
      r.requeueWithin(Duration.between(r.now, at));
      return;
    }
    List<Observed.Pod> pods = r.observed.pods();
    List<Observed.Pod> old =
        pods.stream()
            .filter(p -> p.created().isBefore(at))
            .sorted(Comparator.comparing(Observed.Pod::created))
            .toList();
    if (old.isEmpty()) {
      r.st.restartedAt = r.spec.restartAt;
      r.event(
          Plan.Event.normal(
              Reason.RolloutRestarted.name(),
              "All pods created before " + r.spec.restartAt + " were replaced"));
      return;
    }
    // Pods are not watched: look again soon while old ones remain.
    r.requeueWithin(POLL);
    boolean allReady = pods.stream().allMatch(Observed.Pod::ready) && pods.size() >= r.replicas();
    if (allReady) {
      int batch = Math.max(1, r.valid.limits().maxUnavailable());
      old.stream().limit(batch).map(Observed.Pod::name).forEach(r.podDeletes::add);
    }
  }

  /** Whether {@code text} is an RFC 3339 time, as {@code spec.restartAt} must be. */
  static boolean isTime(String text) {
    try {
      Instant.parse(text);
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }
}
