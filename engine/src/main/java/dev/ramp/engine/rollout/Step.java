package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.RolloutAnalysis;
import dev.ramp.plugin.api.TrafficRouting;
import java.time.Duration;
import java.util.List;

/** The typed view of a canary step, derived from the wire form by {@link Steps#parse}. */
sealed interface Step {

  /** The step's kind as the manifest names it ({@code setWeight}, {@code pause}, …). */
  String kind();

  /** Calls the visitor's method for this kind: a new kind cannot be left unhandled. */
  <R> R accept(Visitor<R> visitor);

  /** One method per step kind. */
  interface Visitor<R> {
    R setWeight(SetWeight step);

    R pause(Pause step);

    R setCanaryScale(SetCanaryScale step);

    R analysis(Analysis step);

    R setHeaderRoute(SetHeaderRoute step);

    R setMirrorRoute(SetMirrorRoute step);

    R plugin(Plugin step);
  }

  record SetWeight(int weight) implements Step {
    public String kind() {
      return "setWeight";
    }

    public <R> R accept(Visitor<R> visitor) {
      return visitor.setWeight(this);
    }
  }

  /** A pause; a null duration pauses until promoted. */
  record Pause(Duration duration) implements Step {
    public String kind() {
      return "pause";
    }

    public <R> R accept(Visitor<R> visitor) {
      return visitor.pause(this);
    }
  }

  record SetCanaryScale(Integer weight, Integer replicas, boolean matchTrafficWeight)
      implements Step {
    public String kind() {
      return "setCanaryScale";
    }

    public <R> R accept(Visitor<R> visitor) {
      return visitor.setCanaryScale(this);
    }
  }

  record Analysis(RolloutAnalysis spec) implements Step {
    public String kind() {
      return "analysis";
    }

    public <R> R accept(Visitor<R> visitor) {
      return visitor.analysis(this);
    }
  }

  /** A header route to the canary; no matches removes the route. */
  record SetHeaderRoute(String name, List<TrafficRouting.HeaderMatch> match) implements Step {
    public String kind() {
      return "setHeaderRoute";
    }

    public <R> R accept(Visitor<R> visitor) {
      return visitor.setHeaderRoute(this);
    }
  }

  /**
   * A mirror route to the canary; no matches removes the route. A null percentage is sent unset
   * (100).
   */
  record SetMirrorRoute(String name, Integer percentage, List<TrafficRouting.RouteMatch> match)
      implements Step {
    public String kind() {
      return "setMirrorRoute";
    }

    public <R> R accept(Visitor<R> visitor) {
      return visitor.setMirrorRoute(this);
    }
  }

  record Plugin(String name, JsonNode config) implements Step {
    public String kind() {
      return "plugin";
    }

    public <R> R accept(Visitor<R> visitor) {
      return visitor.plugin(this);
    }
  }
}
