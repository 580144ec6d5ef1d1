package dev.ramp.engine.rollout;

import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.Phase;
import dev.ramp.engine.model.RolloutCondition;
import java.util.ArrayList;
import java.util.Objects;

/**
 * Validates the spec before anything is touched. A bad spec ends the reconcile here: phase
 * Degraded, an InvalidSpec condition naming the field, an Event when the message is new; nothing
 * else is written.
 */
final class ValidateSpec implements SubStep {

  @Override
  public void apply(Reconcile r) {
    try {
      r.valid = SpecCheck.check(r.rollout, r.observed.services());
    } catch (InvalidSpecException e) {
      invalid(r, e.getMessage());
      r.stopped = true;
      return;
    }
    r.st.conditions = new ArrayList<>(r.st.conditionsOrEmpty());
    Conditions.remove(r.st, ConditionType.InvalidSpec);
  }

  /** Records an invalid spec: the message names the field. */
  static void invalid(Reconcile r, String message) {
    r.st.phase = Phase.Degraded.name();
    r.st.message = "InvalidSpec: " + message;
    Conditions.set(
        r.st, ConditionType.InvalidSpec, Conditions.TRUE, Reason.InvalidSpec, message, r.now);
    RolloutCondition was = r.old.condition(ConditionType.InvalidSpec);
    if (was == null || !Objects.equals(was.message, message)) {
      r.event(Plan.Event.warning(Reason.InvalidSpec.name(), message));
    }
  }
}
