/**
 * The controller's HTTP endpoints for the platform ({@code /metrics}, {@code /healthz}, {@code
 * /readyz}): {@link dev.ramp.engine.ops.OperationsServer}. Uses the JDK's HTTP server and
 * Micrometer's Prometheus registry.
 */
package dev.ramp.engine.ops;
