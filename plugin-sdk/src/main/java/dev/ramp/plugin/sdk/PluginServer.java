package dev.ramp.plugin.sdk;

import dev.ramp.plugin.api.MetricProviderPlugin;
import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.api.TrafficRouterPlugin;
import dev.ramp.plugin.v1.PluginInfo;
import dev.ramp.plugin.v1.PluginKind;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves Java plugin implementations as a Ramp plugin process: checks the host's handshake terms,
 * listens on a Unix socket, prints the handshake line and serves until its stdin closes or it
 * receives SIGTERM.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   PluginServer.builder("acme/hello", "1.0.0").plugin(new HelloStep()).build().serve();
 * }
 * }</pre>
 *
 * <p>Plugin JARs need no main method: the SDK's runner JAR loads them with PF4J and serves their
 * extensions through this class.
 */
public final class PluginServer {

  private static final System.Logger LOG = System.getLogger(PluginServer.class.getName());

  /** The health-check service name whose SERVING means the plugin is ready. */
  public static final String HEALTH_SERVICE = "plugin";

  private final PluginInfo info;
  private final List<BindableService> kindServices;
  private final ClassLoader callClassLoader;
  private final HealthStatusManager health = new HealthStatusManager();

  private PluginServer(Builder builder) {
    List<BindableService> services = new ArrayList<>();
    PluginInfo.Builder info =
        PluginInfo.newBuilder()
            .setName(builder.name)
            .setVersion(builder.version)
            .setContractVersion(HostEnvironment.CONTRACT_VERSION)
            .setRuntime("ramp-plugin-sdk-java/" + sdkVersion());
    if (builder.step != null) {
      services.add(new StepService(builder.step));
      info.addKinds(PluginKind.PLUGIN_KIND_STEP);
    }
    if (builder.router != null) {
      services.add(new TrafficRouterService(builder.router));
      info.addKinds(PluginKind.PLUGIN_KIND_TRAFFIC_ROUTER);
    }
    if (builder.metric != null) {
      services.add(new MetricProviderService(builder.metric));
      info.addKinds(PluginKind.PLUGIN_KIND_METRIC_PROVIDER);
    }
    services.add(new InfoService(info.build()));
    this.info = info.build();
    this.kindServices = List.copyOf(services);
    this.callClassLoader = builder.contextClassLoader;
  }

  /** Starts describing a plugin by its own name ("org/name") and version. */
  public static Builder builder(String name, String version) {
    return new Builder(name, version);
  }

  /**
   * Exits the JVM with status 1 and one line on stderr unless the host's handshake terms are met
   * (the magic cookie, a socket directory, contract version 1 offered). {@link #serve()} checks the
   * same; a runner calls this first to fail before any costly work.
   */
  public static void exitUnlessStartedByHost() {
    try {
      HostEnvironment.check(System.getenv());
    } catch (HostEnvironment.StartupException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }

  /** What {@code ramp.plugin.v1.Info/GetInfo} answers. */
  public PluginInfo info() {
    return info;
  }

  /**
   * The gRPC services of this plugin: one per kind, Info and Health. For embedding them in a server
   * of one's own (e.g. an in-process test); {@link #markServing()} once it started.
   */
  public List<BindableService> services() {
    List<BindableService> all = new ArrayList<>(kindServices);
    all.add(health.getHealthService());
    return all;
  }

  /** Reports SERVING on the health service, for the service "plugin" and the server "". */
  public void markServing() {
    health.setStatus(HEALTH_SERVICE, ServingStatus.SERVING);
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
  }

  /**
   * Runs the plugin process until the host lets it go, then exits the JVM: status 0 after a clean
   * shutdown (stdin closed or SIGTERM), 1 when the handshake terms are not met or the socket cannot
   * be served. Only the handshake line is written to stdout; {@code System.out} is redirected to
   * stderr so that stray prints cannot corrupt the protocol.
   */
  public void serve() {
    PrintStream handshake =
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    int status;
    try {
      HostEnvironment env = HostEnvironment.check(System.getenv());
      CountDownLatch stop = new CountDownLatch(1);
      stopOnSigterm(stop);
      status = run(env, System.in, handshake, stop);
    } catch (HostEnvironment.StartupException e) {
      System.err.println(e.getMessage());
      status = 1;
    }
    System.exit(status);
  }

  /** The process lifecycle without the JVM exit; returns the exit status. */
  int run(HostEnvironment env, InputStream stdin, PrintStream handshake, CountDownLatch stop) {
    try {
      Files.deleteIfExists(env.socketPath());
    } catch (IOException e) {
      throw new HostEnvironment.StartupException(
          "cannot remove the stale socket " + env.socketPath() + ": " + e.getMessage());
    }
    EventLoopGroup boss = new EpollEventLoopGroup(1, daemonThreads("ramp-plugin-accept", null));
    EventLoopGroup worker = new EpollEventLoopGroup(1, daemonThreads("ramp-plugin-io", null));
    ExecutorService calls =
        Executors.newCachedThreadPool(daemonThreads("ramp-plugin-call", callClassLoader));
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new DomainSocketAddress(env.socketPath().toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(worker)
            .executor(calls);
    services().forEach(builder::addService);
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      shutdown(server, boss, worker, calls);
      throw new HostEnvironment.StartupException(
          "cannot listen on " + env.socketPath() + ": " + e.getMessage());
    }
    markServing();
    handshake.print(
        "1|" + HostEnvironment.CONTRACT_VERSION + "|unix|" + env.socketPath() + "|grpc\n");
    handshake.flush();
    LOG.log(
        Level.INFO,
        "serving "
            + info.getName()
            + " "
            + info.getVersion()
            + (env.pluginName().isEmpty() ? "" : " as " + env.pluginName())
            + " on "
            + env.socketPath());
    watchStdin(stdin, stop);
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    health.enterTerminalState();
    shutdown(server, boss, worker, calls);
    try {
      Files.deleteIfExists(env.socketPath());
    } catch (IOException e) {
      LOG.log(Level.WARNING, "could not remove " + env.socketPath() + ": " + e.getMessage());
    }
    return 0;
  }

  private static void shutdown(
      Server server, EventLoopGroup boss, EventLoopGroup worker, ExecutorService calls) {
    server.shutdown();
    try {
      // Calls in flight get a moment to answer; the host's own deadline bounds them anyway.
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    calls.shutdownNow();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    worker.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  // The host closes stdin to say "go away"; anything it writes there is ignored.
  private static void watchStdin(InputStream stdin, CountDownLatch stop) {
    Thread watcher =
        new Thread(
            () -> {
              byte[] buffer = new byte[256];
              try {
                while (stdin.read(buffer) >= 0) {
                  // drain
                }
              } catch (IOException e) {
                LOG.log(Level.DEBUG, "stdin: " + e.getMessage());
              }
              LOG.log(Level.INFO, "stdin closed, shutting down");
              stop.countDown();
            },
            "ramp-plugin-stdin");
    watcher.setDaemon(true);
    watcher.start();
  }

  // SIGTERM is the host's second request to stop: shut down cleanly and exit 0, not 143.
  private static void stopOnSigterm(CountDownLatch stop) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("TERM"),
          signal -> {
            LOG.log(Level.INFO, "SIGTERM, shutting down");
            stop.countDown();
          });
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.log(Level.WARNING, "cannot handle SIGTERM (" + e.getMessage() + "); it kills at once");
    }
  }

  private static ThreadFactory daemonThreads(String prefix, ClassLoader contextClassLoader) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      if (contextClassLoader != null) {
        thread.setContextClassLoader(contextClassLoader);
      }
      return thread;
    };
  }

  /** The SDK's own version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String sdkVersion() {
    Properties properties = new Properties();
    try (InputStream in = PluginServer.class.getResourceAsStream("sdk.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version", "unknown");
  }

  /** Collects the implementations to serve: at most one per kind. */
  public static final class Builder {
    private final String name;
    private final String version;
    private StepPlugin step;
    private TrafficRouterPlugin router;
    private MetricProviderPlugin metric;
    private ClassLoader contextClassLoader;

    private Builder(String name, String version) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("plugin name is blank; give it as \"org/name\"");
      }
      if (version == null || version.isBlank()) {
        throw new IllegalArgumentException("plugin version of " + name + " is blank");
      }
      this.name = name;
      this.version = version;
    }

    /**
     * Adds an implementation of {@link StepPlugin}, {@link TrafficRouterPlugin} and/or {@link
     * MetricProviderPlugin}; one object may implement several kinds.
     */
    public Builder plugin(Object implementation) {
      Objects.requireNonNull(implementation, "implementation");
      boolean any = false;
      if (implementation instanceof StepPlugin s) {
        step = once(step, s, "StepPlugin");
        any = true;
      }
      if (implementation instanceof TrafficRouterPlugin r) {
        router = once(router, r, "TrafficRouterPlugin");
        any = true;
      }
      if (implementation instanceof MetricProviderPlugin m) {
        metric = once(metric, m, "MetricProviderPlugin");
        any = true;
      }
      if (!any) {
        throw new IllegalArgumentException(
            implementation.getClass().getName()
                + " implements none of StepPlugin, TrafficRouterPlugin, MetricProviderPlugin");
      }
      return this;
    }

    /** The context class loader of the threads that run plugin calls (the runner's plugin's). */
    public Builder contextClassLoader(ClassLoader loader) {
      this.contextClassLoader = loader;
      return this;
    }

    public PluginServer build() {
      if (step == null && router == null && metric == null) {
        throw new IllegalStateException(
            "plugin " + name + " has no implementation: add one with plugin(...)");
      }
      return new PluginServer(this);
    }

    private <T> T once(T current, T next, String kind) {
      if (current != null && current != next) {
        throw new IllegalStateException(
            "plugin "
                + name
                + " has two "
                + kind
                + " implementations ("
                + current.getClass().getName()
                + ", "
                + next.getClass().getName()
                + "); a process serves one per kind");
      }
      return next;
    }
  }

  /** The environment variable names of the handshake, for hosts and tests. */
  public static Map<String, String> handshakeEnvironment(String socketDir, String pluginName) {
    return Map.of(
        HostEnvironment.COOKIE_KEY,
        HostEnvironment.COOKIE_VALUE,
        HostEnvironment.SOCKET_DIR_KEY,
        socketDir,
        HostEnvironment.PROTOCOL_VERSIONS_KEY,
        String.valueOf(HostEnvironment.CONTRACT_VERSION),
        HostEnvironment.PLUGIN_NAME_KEY,
        pluginName);
  }
}
