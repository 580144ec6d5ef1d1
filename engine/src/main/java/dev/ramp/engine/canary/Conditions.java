package dev.ramp.engine.canary;

import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.model.RolloutStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Objects;

/** Sets a condition, keeping its timestamps when nothing about it changed. */
final class Conditions {
  private Conditions() {}

  static void set(
      RolloutStatus st, String type, String status, String reason, String message, Instant now) {
    if (st.conditions == null) {
      st.conditions = new ArrayList<>();
    }
    RolloutCondition c = st.condition(type);
    if (c == null) {
      c = new RolloutCondition(type, status, reason, message);
      c.lastUpdateTime = CanaryReconciler.time(now);
      c.lastTransitionTime = CanaryReconciler.time(now);
      st.conditions.add(c);
      return;
    }
    if (Objects.equals(c.status, status)
        && Objects.equals(c.reason, reason)
        && Objects.equals(c.message, message)) {
      return;
    }
    if (!Objects.equals(c.status, status)) {
      c.lastTransitionTime = CanaryReconciler.time(now);
    }
    c.status = status;
    c.reason = reason;
    c.message = message;
    c.lastUpdateTime = CanaryReconciler.time(now);
  }
}
