package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Argo's AnalysisTemplate under ramp.dev: metrics and args that AnalysisRuns are made from. */
@Group(Rollout.GROUP)
@Version(Rollout.VERSION)
@ShortNames("at")
// A template has no status, as in Argo's CRD; this keeps status out of the generated schema.
@JsonIgnoreProperties("status")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class AnalysisTemplate extends CustomResource<AnalysisTemplateSpec, Void>
    implements Namespaced {

  @Override
  protected AnalysisTemplateSpec initSpec() {
    return new AnalysisTemplateSpec();
  }
}
