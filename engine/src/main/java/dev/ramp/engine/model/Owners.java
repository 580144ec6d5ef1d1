package dev.ramp.engine.model;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/** Who controls an object: the owner reference marked {@code controller}. */
public final class Owners {
  private Owners() {}

  /** Whether the object's controller is the object with this uid (a Rollout, an AnalysisRun). */
  public static boolean controlledBy(HasMetadata obj, String uid) {
    return obj.getMetadata().getOwnerReferences().stream()
        .anyMatch(o -> Boolean.TRUE.equals(o.getController()) && Objects.equals(o.getUid(), uid));
  }
}
