package dev.ramp.engine.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Argo's AnalysisRun under ramp.dev: one analysis, measured by the AnalysisRun controller. */
@Group(Rollout.GROUP)
@Version(Rollout.VERSION)
@ShortNames("ar")
// Columns in the order kubectl shows them (CrdDriftTest keeps this order in config/crd/).
@AdditionalPrinterColumn(
    name = "Status",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Message",
    jsonPath = ".status.message",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class AnalysisRun extends CustomResource<AnalysisRunSpec, AnalysisRunStatus>
    implements Namespaced {

  @Override
  protected AnalysisRunSpec initSpec() {
    return new AnalysisRunSpec();
  }
}
