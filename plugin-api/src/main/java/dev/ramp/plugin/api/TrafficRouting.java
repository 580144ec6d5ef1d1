package dev.ramp.plugin.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The value types of traffic-router calls. */
public final class TrafficRouting {

  private TrafficRouting() {}

  /** A further service that receives a share of traffic. */
  public record WeightDestination(String serviceName, String podTemplateHash, int weight) {}

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

  /** A mirror route to the canary; no matches means: remove the route. */
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
}
