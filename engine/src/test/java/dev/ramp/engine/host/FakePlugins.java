package dev.ramp.engine.host;

import dev.ramp.engine.host.config.PluginEntry;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A starter and probe without processes: each start returns a fake process whose channel goes to
 * the in-process server named after the plugin; tests script launch failures and health.
 */
final class FakePlugins implements PluginStarter, PluginProbe {

  final class FakeProcess implements StartedPlugin {
    final PluginEntry entry;
    final long pid = pids.incrementAndGet();
    final ManagedChannel channel;
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    volatile boolean killed;
    volatile boolean closed;

    FakeProcess(PluginEntry entry) {
      this.entry = entry;
      this.channel = InProcessChannelBuilder.forName(entry.name()).directExecutor().build();
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public ManagedChannel channel() {
      return channel;
    }

    @Override
    public CompletableFuture<Integer> onExit() {
      return exit;
    }

    @Override
    public void kill() {
      killed = true;
      channel.shutdownNow();
      exit.complete(137);
    }

    @Override
    public void close() {
      closed = true;
      channel.shutdownNow();
      exit.complete(0);
    }

    /** The process dies on its own; runs what the exit triggers at once (not the backoff). */
    void crash(int code, ManualScheduler scheduler) {
      channel.shutdownNow();
      exit.complete(code);
      scheduler.runDue();
    }
  }

  private final AtomicLong pids = new AtomicLong(1000);
  private final Deque<LaunchFailure> failures = new ArrayDeque<>();
  final List<FakeProcess> started = new ArrayList<>();
  final List<String> inits = new ArrayList<>();
  volatile boolean serving = true;
  volatile RuntimeException initFailure;

  /** The next launch fails like this. */
  synchronized void failNext(String message, boolean permanent) {
    failures.add(new LaunchFailure(message, permanent));
  }

  @Override
  public StartedPlugin start(PluginEntry entry) {
    synchronized (this) {
      LaunchFailure failure = failures.poll();
      if (failure != null) {
        throw failure;
      }
      FakeProcess process = new FakeProcess(entry);
      started.add(process);
      return process;
    }
  }

  synchronized FakeProcess last() {
    return started.get(started.size() - 1);
  }

  synchronized List<FakeProcess> startedOf(String name) {
    return started.stream().filter(p -> p.entry.name().equals(name)).toList();
  }

  @Override
  public boolean serving(ManagedChannel channel, Duration timeout) {
    return serving;
  }

  @Override
  public void init(PluginEntry entry, ManagedChannel channel) {
    if (entry.kind() == dev.ramp.engine.host.config.PluginKind.STEP) {
      return;
    }
    if (initFailure != null) {
      throw initFailure;
    }
    synchronized (this) {
      inits.add(entry.name());
    }
  }
}
