package dev.ramp.engine.model;

import java.util.Objects;

/**
 * Where a rollout stands, as a pipeline asks it: done and healthy, failed, or still going. The one
 * rule behind `ramp status` and the rehearsals of `ramp run` and `ramp demo`.
 */
public enum RolloutState {
  /** The controller has not seen the latest spec, or the new revision is not stable yet. */
  IN_PROGRESS,
  /** The current revision is the stable one, and the rollout is Healthy. */
  HEALTHY,
  /** Aborted or Degraded. */
  DEGRADED;

  public static RolloutState of(Rollout rollout) {
    RolloutStatus status = rollout.getStatus() == null ? new RolloutStatus() : rollout.getStatus();
    Long generation = rollout.getMetadata().getGeneration();
    if (generation != null && !Objects.equals(status.observedGeneration, generation)) {
      return IN_PROGRESS;
    }
    if (Phase.Degraded.is(status.phase) || Boolean.TRUE.equals(status.abort)) {
      return DEGRADED;
    }
    if (Phase.Healthy.is(status.phase)
        && status.currentPodHash != null
        && status.currentPodHash.equals(status.stableRS)) {
      return HEALTHY;
    }
    return IN_PROGRESS;
  }
}
