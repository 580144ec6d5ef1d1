package dev.ramp.plugins.gatewayapi;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;

/** The Gateway API route kinds this plugin edits. */
enum RouteKind {
  HTTP("HTTPRoute", HTTPRoute.class),
  GRPC("GRPCRoute", GRPCRoute.class);

  private final String kind;
  private final Class<? extends HasMetadata> type;

  RouteKind(String kind, Class<? extends HasMetadata> type) {
    this.kind = kind;
    this.type = type;
  }

  /** The Kubernetes kind, e.g. {@code HTTPRoute}. */
  String kind() {
    return kind;
  }

  Class<? extends HasMetadata> type() {
    return type;
  }
}
