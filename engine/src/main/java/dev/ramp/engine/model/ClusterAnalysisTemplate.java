package dev.ramp.engine.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Argo's ClusterAnalysisTemplate: an {@link AnalysisTemplate} for every namespace. */
@Group(Rollout.GROUP)
@Version(Rollout.VERSION)
@ShortNames("cat")
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
