package dev.ramp.plugins.gatewayapi;

/**
 * A route a call acts on.
 *
 * @param useHeaderRoutes whether header and mirror rules go into it (Argo's {@code
 *     useHeaderRoutes}: true for {@code httpRoute}/{@code grpcRoute}, as set for list entries and
 *     selectors, false by default)
 * @param field where the config names it, for messages
 */
record Target(RouteKind kind, String name, boolean useHeaderRoutes, String field) {}
