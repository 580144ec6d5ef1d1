package dev.ramp.engine.runtime;

import dev.ramp.engine.host.PluginHost;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.kube.PluginEventRecorder;
import dev.ramp.engine.plugin.PluginAvailability;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the configured plugins' states and records each change as an Event on {@code ramp-config}
 * (READY, BACKING_OFF, REFUSED, DISABLED; not the passing STARTING). The host keeps states, not
 * histories; a look every two seconds turns them into the changes people read.
 */
final class PluginStateEvents implements AutoCloseable {

  private record Key(PluginKind kind, String name) {}

  private final PluginHost host;
  private final PluginEventRecorder recorder;
  private final ScheduledExecutorService scheduler;
  private final Map<Key, PluginAvailability> seen = new HashMap<>();
  private volatile PluginConfigSnapshot snapshot = PluginConfigSnapshot.empty();

  PluginStateEvents(PluginHost host, PluginEventRecorder recorder) {
    this.host = host;
    this.recorder = recorder;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ramp-plugin-events");
              t.setDaemon(true);
              return t;
            });
  }

  void start() {
    scheduler.scheduleWithFixedDelay(this::look, 0, 2, TimeUnit.SECONDS);
  }

  /** The configuration the host now applies. */
  void configured(PluginConfigSnapshot next) {
    snapshot = next;
    scheduler.execute(this::look);
  }

  private synchronized void look() {
    Map<Key, PluginAvailability> now = new HashMap<>();
    PluginConfigSnapshot current = snapshot;
    for (PluginEntry entry : current.entries()) {
      Key key = new Key(entry.kind(), entry.name());
      now.put(key, host.availability(entry.kind(), entry.name()));
    }
    for (PluginConfigSnapshot.Refused refused : current.refused()) {
      now.put(
          new Key(refused.kind(), refused.name()),
          PluginAvailability.of(PluginAvailability.State.REFUSED, refused.reason()));
    }
    for (Map.Entry<Key, PluginAvailability> e : now.entrySet()) {
      PluginAvailability state = e.getValue();
      PluginAvailability before = seen.get(e.getKey());
      // A refusal's reason matters (another file, another checksum); a backoff's changes with
      // every attempt and would repeat the Event.
      boolean same =
          before != null
              && before.state() == state.state()
              && (state.state() != PluginAvailability.State.REFUSED
                  || Objects.equals(before.reason(), state.reason()));
      if (state.state() == PluginAvailability.State.STARTING || same) {
        continue;
      }
      seen.put(e.getKey(), state);
      recorder.record(
          e.getKey().kind().label(), e.getKey().name(), state.state().name(), state.reason());
    }
    seen.keySet().retainAll(now.keySet());
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
