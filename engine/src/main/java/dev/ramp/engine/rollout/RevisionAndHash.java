package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.RolloutStatus;
import dev.ramp.engine.plugin.StepOperation;

/**
 * The pod-template hash and the step hash. A new template starts a new canary, an edited step list
 * restarts the steps (both end a plugin step left running, then forget the plugin records); a retry
 * after an abort starts the plugin records afresh. The first template is stable at once.
 */
final class RevisionAndHash implements SubStep {

  @Override
  public void apply(Reconcile r) {
    RolloutStatus st = r.st;
    String hash = PodTemplateHash.of(r.spec.template, st.collisionCount);
    // Blue-green has no steps, so no step hash or index (as in Argo).
    boolean canary = !r.blueGreen();
    String stepHash = canary ? PodTemplateHash.ofSteps(stepsJson(r)) : null;
    boolean newTemplate = st.currentPodHash != null && !hash.equals(st.currentPodHash);
    boolean newSteps = canary && st.currentStepHash != null && !stepHash.equals(st.currentStepHash);
    PluginSteps plugins = new PluginSteps(r);
    if (newTemplate || newSteps) {
      // The runs belong to the old canary: stop the one still running, then forget them.
      plugins.terminateRunning(true);
      plugins.forget();
    } else if (!r.aborted() && plugins.has(StepOperation.ABORT)) {
      // Aborted plugins and no abort any more: a retry, whose steps start afresh.
      plugins.forget();
    }
    if (newTemplate) {
      r.clearSteering();
      st.currentStepIndex = canary ? 0 : null;
      if (st.blueGreen != null) {
        // A new preview: promoted again from the start.
        st.blueGreen.scaleUpPreviewCheckPoint = null;
      }
      r.event(
          Plan.Event.normal(
              Reason.RolloutUpdated.name(), "Rollout updated to pod template " + hash));
    } else if (newSteps) {
      st.pauseConditions = null;
      st.controllerPause = null;
      st.currentStepIndex = 0;
      r.event(
          Plan.Event.normal(
              Reason.RolloutStepsChanged.name(), "Steps changed; starting again from step 1"));
    }
    st.currentPodHash = hash;
    st.currentStepHash = stepHash;
    if (canary && st.currentStepIndex == null) {
      st.currentStepIndex = 0;
    }
    if (st.stableRS == null) {
      // First deployment: nothing to canary against; the first template is stable at once.
      st.stableRS = hash;
    }
    r.hash = hash;
    r.current = r.find(hash);
    r.atStable = hash.equals(st.stableRS);
  }

  private static JsonNode stepsJson(Reconcile r) {
    var steps = r.spec.strategy.canary.steps;
    return steps == null ? JsonNodeFactory.instance.arrayNode() : Json.tree(steps);
  }
}
