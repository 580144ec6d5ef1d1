package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Argo's ClusterAnalysisTemplate: an {@link AnalysisTemplate} for every namespace. */
@Group(Rollout.GROUP)
@Version(Rollout.VERSION)
@ShortNames("cat")
// A template has no status, as in Argo's CRD; this keeps status out of the generated schema.
@JsonIgnoreProperties("status")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ClusterAnalysisTemplate extends CustomResource<AnalysisTemplateSpec, Void> {

  @Override
  protected AnalysisTemplateSpec initSpec() {
    return new AnalysisTemplateSpec();
  }
}
