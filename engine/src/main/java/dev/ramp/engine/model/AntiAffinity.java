package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code strategy.*.antiAffinity} (Argo's names): a new ReplicaSet's pods avoid the nodes that run
 * the stable ReplicaSet's pods, preferably (with a weight) or strictly. Exactly one of the two.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AntiAffinity {
  public Preferred preferredDuringSchedulingIgnoredDuringExecution;
  public Required requiredDuringSchedulingIgnoredDuringExecution;

  /** A scheduling preference of this weight (1 to 100). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Preferred {
    public Integer weight;
  }

  /** A scheduling requirement; it has no fields (written as {@code {}}). */
  public static class Required {
    // Jackson refuses to write a bean without properties; an empty any-getter makes it "{}".
    @com.fasterxml.jackson.annotation.JsonAnyGetter
    java.util.Map<String, Object> none() {
      return java.util.Map.of();
    }
  }
}
