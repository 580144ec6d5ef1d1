package dev.ramp.engine.canary;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** The typed view of a canary step, derived from the wire form by {@link Steps#parse}. */
sealed interface Step {

  /** The step's kind as the manifest names it ({@code setWeight}, {@code pause}, …). */
  String kind();

  record SetWeight(int weight) implements Step {
    public String kind() {
      return "setWeight";
    }
  }

  /** A pause; a null duration pauses until promoted. */
  record Pause(Duration duration) implements Step {
    public String kind() {
      return "pause";
    }
  }

  record SetCanaryScale(Integer weight, Integer replicas, boolean matchTrafficWeight)
      implements Step {
    public String kind() {
      return "setCanaryScale";
    }
  }

  record Analysis(JsonNode spec) implements Step {
    public String kind() {
      return "analysis";
    }
  }

  record SetHeaderRoute(JsonNode spec) implements Step {
    public String kind() {
      return "setHeaderRoute";
    }
  }

  record SetMirrorRoute(JsonNode spec) implements Step {
    public String kind() {
      return "setMirrorRoute";
    }
  }

  record Plugin(String name, JsonNode config) implements Step {
    public String kind() {
      return "plugin";
    }
  }
}
