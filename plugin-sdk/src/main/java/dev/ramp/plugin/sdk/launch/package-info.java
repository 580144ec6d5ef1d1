/**
 * Starts a plugin process exactly as the controller does: checksum, clean environment, private
 * socket directory, handshake on stdout, gRPC channel over the Unix socket, health check, and a
 * stop that leaves no process behind. {@link dev.ramp.plugin.sdk.launch.PluginLauncher} is the
 * entry point; the engine's plugin host and the conformance test kit both use it.
 */
package dev.ramp.plugin.sdk.launch;
