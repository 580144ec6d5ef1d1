package dev.ramp.plugin.sdk.archfixture;

/** Deliberately bad, for ArchitectureTest: SDK code that depends on the engine. */
public final class UsesTheEngine {
  public Object rollout() {
    return new dev.ramp.engine.model.Rollout();
  }
}
