package dev.ramp.engine.rollout;

import dev.ramp.engine.model.CanaryStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * What this controller version executes, in one place: {@link ValidateSpec} refuses everything else
 * at once (InvalidSpec naming the field), so a Rollout is never accepted and then held at a step it
 * cannot run. A step kind is executed when {@link WalkSteps} has its behaviour; adding one there
 * means saying so here, or validation keeps refusing it.
 */
final class Executed implements Step.Visitor<Boolean> {
  static final Executed STEPS = new Executed();

  private Executed() {}

  /** The strategy fields this version models and validates but does not drive yet. */
  static List<String> notExecutedFields(CanaryStrategy c) {
    return new ArrayList<>();
  }

  @Override
  public Boolean setWeight(Step.SetWeight step) {
    return true;
  }

  @Override
  public Boolean pause(Step.Pause step) {
    return true;
  }

  @Override
  public Boolean plugin(Step.Plugin step) {
    return true;
  }

  @Override
  public Boolean setCanaryScale(Step.SetCanaryScale step) {
    return true;
  }

  @Override
  public Boolean analysis(Step.Analysis step) {
    return true;
  }

  @Override
  public Boolean setHeaderRoute(Step.SetHeaderRoute step) {
    return true;
  }

  @Override
  public Boolean setMirrorRoute(Step.SetMirrorRoute step) {
    return true;
  }
}
