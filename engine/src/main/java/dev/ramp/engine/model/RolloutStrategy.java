package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/** {@code spec.strategy}: canary or blue-green, exactly one of them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RolloutStrategy {
  public CanaryStrategy canary;

  /** Unknown fields are preserved so that validation can name them (a canary field, a typo). */
  @PreserveUnknownFields public BlueGreenStrategy blueGreen;
}
