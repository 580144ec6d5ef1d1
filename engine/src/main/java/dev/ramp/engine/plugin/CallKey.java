package dev.ramp.engine.plugin;

/**
 * One delivery of a plugin operation, as the controller counts them: the plugin, the operation, the
 * idempotency key (stable across repeats of the same operation) and the attempt (counted up each
 * time the controller records an answer). The host keeps the answer it obtained for a key until the
 * controller says a status write recorded it, so a reconcile that repeats itself — a status write
 * that met a conflict, a re-queue — reuses the answer instead of calling the plugin again.
 */
public record CallKey(String pluginName, String operation, String idempotencyKey, int attempt) {}
