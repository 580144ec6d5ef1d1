package dev.ramp.engine.host;

import dev.ramp.engine.host.PluginStarter.StartedPlugin;
import java.util.concurrent.CompletableFuture;

/**
 * One plugin process as calls see it: counts the calls in flight so that a replaced or removed
 * plugin is closed only after they finish.
 */
final class Connection {

  private final StartedPlugin process;
  private final CompletableFuture<Void> idle = new CompletableFuture<>();
  private int inFlight;
  private boolean closing;

  Connection(StartedPlugin process) {
    this.process = process;
  }

  StartedPlugin process() {
    return process;
  }

  /** Takes a slot for one call; false once the connection is closing. */
  synchronized boolean acquire() {
    if (closing) {
      return false;
    }
    inFlight++;
    return true;
  }

  synchronized void release() {
    inFlight--;
    if (closing && inFlight == 0) {
      idle.complete(null);
    }
  }

  synchronized int inFlight() {
    return inFlight;
  }

  /** Takes no more calls; completes when the calls in flight have finished. */
  synchronized CompletableFuture<Void> drain() {
    closing = true;
    if (inFlight == 0) {
      idle.complete(null);
    }
    return idle;
  }
}
