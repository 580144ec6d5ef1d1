package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/** {@code status.canary}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class CanaryStatus {
  public TrafficWeights weights;

  /** The AnalysisRun of the current analysis step. */
  public RolloutAnalysisRunStatus currentStepAnalysisRunStatus;

  /** The background AnalysisRun. */
  public RolloutAnalysisRunStatus currentBackgroundAnalysisRunStatus;

  public List<StepPluginStatus> stepPluginStatuses;

  /**
   * When the current step began, on the controller's clock (RFC 3339, milliseconds); at the end of
   * the steps, when the last one ended. Ramp-specific: views and a rehearsal's history take step
   * times from here, not from when they happened to look.
   */
  public String currentStepStartedAt;

  /**
   * What each traffic router was last told and answered, in the order the Rollout lists them: the
   * record that makes router calls happen once per change (Ramp-specific; Argo re-sends every
   * reconcile).
   */
  public List<TrafficRouterStatus> trafficRouters;

  /** An AnalysisRun the Rollout waits on, as Argo's {@code RolloutAnalysisRunStatus}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class RolloutAnalysisRunStatus {
    public String name;
    public String status;
    public String message;

    public RolloutAnalysisRunStatus() {}

    public RolloutAnalysisRunStatus(String name, String status, String message) {
      this.name = name;
      this.status = status;
      this.message = message;
    }
  }

  /** Where traffic goes: canary and stable, by pod-template hash. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class TrafficWeights {
    public WeightDestination canary;
    public WeightDestination stable;

    /**
     * Whether every router verified the weight: null while no router can tell (or no router runs).
     */
    public Boolean verified;
  }

  /** One destination's weight. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class WeightDestination {
    public Integer weight;
    public String serviceName;
    public String podTemplateHash;

    public WeightDestination() {}

    public WeightDestination(Integer weight, String serviceName, String podTemplateHash) {
      this.weight = weight;
      this.serviceName = serviceName;
      this.podTemplateHash = podTemplateHash;
    }
  }

  /** The record of one step plugin's calls, as Argo names its fields. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class StepPluginStatus {
    public Integer index;
    public String name;
    public String operation;
    public String phase;
    public String message;
    public String startedAt;
    public String updatedAt;
    public String finishedAt;
    public String backoff;
    public Integer executions;
    public Boolean disabled;

    /** The plugin's opaque state, handed back on its next call. */
    @PreserveUnknownFields public JsonNode status;
  }

  /** One traffic router's applied state, and its last error. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class TrafficRouterStatus {
    /** The router plugin ({@code org/name}). */
    public String name;

    /** The hashes its last UpdateHash pointed at. */
    public String canaryHash;

    public String stableHash;

    /** The canary weight its last SetWeight set (for those hashes), out of the max weight. */
    public Integer weight;

    /** VerifyWeight's last answer for that weight: Verified, NotVerified or NotImplemented. */
    public String verification;

    /**
     * The last weight it verified (or could not tell about): until {@code weight} is verified, the
     * data plane may still route this one, and the replicas keep the pods for both.
     */
    public Integer verifiedWeight;

    /** NOT_VERIFIED answers in a row for this weight: the next check waits 1 s, 2 s, … 10 s. */
    public Integer verifyChecks;

    /** Calls it answered; part of each call's idempotency key, so a new call has a new key. */
    public Integer calls;

    /** The managed routes set on it, each as {@code name} (set by step {@code step}). */
    public List<AppliedRoute> routes;

    /** Its last call failed: Error; null when the last call succeeded. */
    public String phase;

    /** The call that failed. */
    public String operation;

    /** Why it failed; or, while the weight is not verified, what the router said about it. */
    public String message;

    public String updatedAt;

    /** How long after {@code updatedAt} the failed call is tried again. */
    public String backoff;

    /** Failed calls in a row. */
    public Integer failures;
  }

  /** A managed route a router was told to set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public static class AppliedRoute {
    public String name;

    /** The step that set it. */
    public Integer step;

    /** A digest of that step's route (its matches and percentage): an edited step is sent again. */
    public String digest;

    /**
     * The call was made but not answered yet (it failed or timed out, so the router may hold the
     * route anyway): RemoveManagedRoutes still removes it.
     */
    public Boolean pending;

    public AppliedRoute() {}

    public AppliedRoute(String name, Integer step, String digest, Boolean pending) {
      this.name = name;
      this.step = step;
      this.digest = digest;
      this.pending = pending;
    }
  }
}
