package dev.ramp.plugin.sdk.examples;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.api.StepResult;
import java.time.Duration;
import java.util.Map;
import org.pf4j.Extension;

/** A step that greets, is called back once with its state, then succeeds. */
@Extension
public class HelloStep implements StepPlugin {

  public record Config(String name) {}

  @Override
  public StepResult run(StepCall call) {
    String name = call.config(Config.class).name();
    if (name == null || name.isBlank()) {
      throw new InvalidConfigException("name", "is required, e.g. {\"name\": \"world\"}");
    }
    if (call.firstCall()) {
      return StepResult.running(
          "hello " + name, Duration.ofSeconds(5), Json.tree(Map.of("greeted", name)));
    }
    return StepResult.successful("said hello to " + call.state().path("greeted").asText());
  }
}
