package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code spec.strategy}: canary or blue-green, exactly one of them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RolloutStrategy {
  public CanaryStrategy canary;

  /**
   * A closed schema, as every modelled field: an API server refuses a canary field or a typo here
   * at apply time, and validation names it with the nearest known field.
   */
  public BlueGreenStrategy blueGreen;
}
