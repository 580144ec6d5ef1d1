package dev.ramp.engine.sandbox.archfixture;

/** Deliberately bad, for ArchitectureTest: fabric8's Gateway API model in the engine. */
public final class UsesTheGatewayApiModel {
  public Object route() {
    return new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute();
  }
}
