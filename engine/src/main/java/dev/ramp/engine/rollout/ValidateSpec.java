package dev.ramp.engine.rollout;

import dev.ramp.engine.analysis.AnalysisTemplates;
import dev.ramp.engine.model.ConditionType;
import dev.ramp.engine.model.Phase;
import dev.ramp.engine.model.RolloutAnalysis;
import dev.ramp.engine.model.RolloutCondition;
import java.util.ArrayList;
import java.util.List;
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
    List<String> templates = templateProblems(r);
    if (!templates.isEmpty()) {
      invalid(r, String.join("; ", templates));
      r.stopped = true;
      return;
    }
    r.st.conditions = new ArrayList<>(r.st.conditionsOrEmpty());
    Conditions.remove(r.st, ConditionType.InvalidSpec);
  }

  /**
   * The templates every analysis names, looked up as Argo's validation does before anything moves:
   * a missing template (or templates that cannot be combined, or an arg no one gives a value) is an
   * InvalidSpec naming it, never a rollout that holds at its analysis step without saying why.
   */
  private static List<String> templateProblems(Reconcile r) {
    List<String> out = new ArrayList<>();
    List<Step> steps = r.valid.steps();
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) instanceof Step.Analysis a) {
        resolve(r, a.spec(), "spec.strategy.canary.steps[" + i + "].analysis", out);
      }
    }
    if (r.spec.strategy.canary != null && r.spec.strategy.canary.analysis != null) {
      resolve(r, r.spec.strategy.canary.analysis, "spec.strategy.canary.analysis", out);
    }
    var blueGreen = r.spec.strategy.blueGreen;
    if (blueGreen != null && blueGreen.prePromotionAnalysis != null) {
      resolve(
          r,
          blueGreen.prePromotionAnalysis,
          BlueGreenCheck.BLUE_GREEN + ".prePromotionAnalysis",
          out);
    }
    if (blueGreen != null && blueGreen.postPromotionAnalysis != null) {
      resolve(
          r,
          blueGreen.postPromotionAnalysis,
          BlueGreenCheck.BLUE_GREEN + ".postPromotionAnalysis",
          out);
    }
    return out;
  }

  private static void resolve(Reconcile r, RolloutAnalysis a, String field, List<String> out) {
    try {
      AnalysisTemplates.runSpec(
          AnalysisRuns.flatten(a, r.observed.analysis().templates()),
          a.args,
          a.dryRun,
          a.measurementRetention);
    } catch (AnalysisTemplates.Unresolvable e) {
      e.problems().forEach(p -> out.add(field + "." + p.field() + ": " + p.message()));
    }
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
