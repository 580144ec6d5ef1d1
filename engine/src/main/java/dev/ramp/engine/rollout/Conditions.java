package dev.ramp.engine.rollout;

import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.model.RolloutStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Objects;

/** Sets a condition, keeping its timestamps when nothing about it changed. */
final class Conditions {
  static final String TRUE = "True";
  static final String FALSE = "False";
  static final String UNKNOWN = "Unknown";

  private Conditions() {}

  static void set(
      RolloutStatus st,
      ConditionType type,
      String status,
      Reason reason,
      String message,
      Instant now) {
    if (st.conditions == null) {
      st.conditions = new ArrayList<>();
    }
    RolloutCondition c = st.condition(type);
    if (c == null) {
      c = new RolloutCondition(type.name(), status, reason.name(), message);
      c.lastUpdateTime = Reconcile.time(now);
      c.lastTransitionTime = Reconcile.time(now);
      st.conditions.add(c);
      return;
    }
    if (Objects.equals(c.status, status)
        && Objects.equals(c.reason, reason.name())
        && Objects.equals(c.message, message)) {
      return;
    }
    if (!Objects.equals(c.status, status)) {
      c.lastTransitionTime = Reconcile.time(now);
    }
    c.status = status;
    c.reason = reason.name();
    c.message = message;
    c.lastUpdateTime = Reconcile.time(now);
  }

  /** Sets a condition that is either true or false, with a reason and message for each. */
  static void set(
      RolloutStatus st,
      ConditionType type,
      boolean holds,
      Reason ifTrue,
      String messageIfTrue,
      Reason ifFalse,
      String messageIfFalse,
      Instant now) {
    set(
        st,
        type,
        holds ? TRUE : FALSE,
        holds ? ifTrue : ifFalse,
        holds ? messageIfTrue : messageIfFalse,
        now);
  }

  static void remove(RolloutStatus st, ConditionType type) {
    if (st.conditions != null) {
      st.conditions.removeIf(c -> type.name().equals(c.type));
    }
  }
}
