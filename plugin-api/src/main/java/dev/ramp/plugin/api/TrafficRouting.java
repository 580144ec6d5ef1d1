package dev.ramp.plugin.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The value types of traffic-router calls. */
public final class TrafficRouting {

  private TrafficRouting() {}

  /** A further service that receives a share of traffic. */
  public record WeightDestination(String serviceName, String podTemplateHash, int weight) {}

  /**
   * The traffic split asked for: the canary's {@code weight} out of {@code maxWeight} ({@code
   * trafficRouting.maxTrafficWeight}, 100 by default), the additional destinations' weights out of
   * the same whole, and stable the rest.
   */
  public record DesiredWeight(int weight, int maxWeight, List<WeightDestination> additional) {
    public DesiredWeight {
      if (maxWeight <= 0) {
        maxWeight = 100;
      }
      additional = additional == null ? List.of() : List.copyOf(additional);
    }

    /** Out of 100, with no additional destinations. */
    public static DesiredWeight percent(int weight) {
      return new DesiredWeight(weight, 100, List.of());
    }

    /** What stable gets: the whole, less the canary's and the additional destinations' weights. */
    public int stableWeight() {
      int rest = maxWeight - weight;
      for (WeightDestination d : additional) {
        rest -= d.weight();
      }
      return rest;
    }
  }

  /** How a string is matched. */
  public enum MatchType {
    EXACT,
    PREFIX,
    REGEX
  }

  public record StringMatch(MatchType type, String value) {
    public StringMatch {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }
  }

  public record HeaderMatch(String headerName, StringMatch headerValue) {}

  /** A header route to the canary; no matches means: remove the route. */
  public record HeaderRoute(String name, List<HeaderMatch> match) {
    public HeaderRoute {
      match = match == null ? List.of() : List.copyOf(match);
    }
  }

  /** A request match; a null method or path matches any. */
  public record RouteMatch(StringMatch method, StringMatch path, Map<String, StringMatch> headers) {
    public RouteMatch {
      headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
  }

  /**
   * A mirror route to the canary; no matches means: remove the route. {@code percentage} is the
   * share of matching requests copied to the canary, 0..100 (100 when the step leaves it unset, as
   * in Argo Rollouts).
   */
  public record MirrorRoute(String name, int percentage, List<RouteMatch> match) {
    public MirrorRoute {
      match = match == null ? List.of() : List.copyOf(match);
    }
  }

  /** What {@link TrafficRouterPlugin#verifyWeight} found. */
  public enum Verification {
    VERIFIED,
    NOT_VERIFIED,
    NOT_IMPLEMENTED
  }

  /** A verification with the plugin's word on it (shown in the rollout's condition). */
  public record WeightCheck(Verification verification, String message) {
    public WeightCheck {
      Objects.requireNonNull(verification, "verification");
      message = message == null ? "" : message;
    }

    public static WeightCheck verified() {
      return new WeightCheck(Verification.VERIFIED, "");
    }

    public static WeightCheck notVerified(String why) {
      return new WeightCheck(Verification.NOT_VERIFIED, why);
    }

    public static WeightCheck notImplemented(String why) {
      return new WeightCheck(Verification.NOT_IMPLEMENTED, why);
    }
  }
}
