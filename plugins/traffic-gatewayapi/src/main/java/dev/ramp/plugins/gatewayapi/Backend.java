package dev.ramp.plugins.gatewayapi;

/**
 * What a rule's backendRef points at, whichever route kind holds it. A backendRef is a Service's
 * when its kind is unset or {@code Service} and its group unset or empty (the core group), as
 * Gateway API defaults them; its namespace, when set, must be the route's.
 */
record Backend(String group, String kind, String name, String namespace, Integer port) {

  boolean isService(String service, String routeNamespace) {
    return service.equals(name)
        && (kind == null || kind.equals("Service"))
        && (group == null || group.isEmpty())
        && (namespace == null || namespace.equals(routeNamespace));
  }
}
