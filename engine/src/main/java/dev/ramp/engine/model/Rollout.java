package dev.ramp.engine.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A Rollout: Argo Rollouts' {@code argoproj.io/v1alpha1} Rollout under the group ramp.dev. */
@Group("ramp.dev")
@Version("v1alpha1")
@ShortNames("ro")
// Columns in the order kubectl shows them (CrdDriftTest keeps this order in config/crd/).
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
// Argo's 0-based currentStepIndex, named as an index: people's "step 2 of 4" is index 1.
@AdditionalPrinterColumn(
    name = "StepIndex",
    jsonPath = ".status.currentStepIndex",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Weight",
    jsonPath = ".status.canary.weights.canary.weight",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Rollout extends CustomResource<RolloutSpec, RolloutStatus> implements Namespaced {

  public static final String GROUP = "ramp.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  @Override
  protected RolloutSpec initSpec() {
    return new RolloutSpec();
  }
}
