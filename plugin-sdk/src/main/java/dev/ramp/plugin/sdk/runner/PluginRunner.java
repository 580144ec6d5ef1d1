package dev.ramp.plugin.sdk.runner;

import dev.ramp.plugin.api.MetricProviderPlugin;
import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.api.TrafficRouterPlugin;
import dev.ramp.plugin.sdk.PluginServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Hosts one thin PF4J plugin JAR as a Ramp plugin process:
 *
 * <pre>java [jvm options] -jar ramp-plugin-runner.jar /path/to/plugin.jar</pre>
 *
 * <p>It loads the JAR with PF4J (manifest {@code Plugin-Id}, {@code Plugin-Version}, {@code
 * Plugin-Requires}; extensions from {@code META-INF/extensions.idx}), and serves its {@link
 * StepPlugin}, {@link TrafficRouterPlugin} and {@link MetricProviderPlugin} extensions through
 * {@link PluginServer}, named by {@code Plugin-Id} and versioned by {@code Plugin-Version}. Exit
 * status 1: not started by a Ramp host; 2: the JAR cannot be served.
 */
public final class PluginRunner {

  static final int EXIT_BAD_PLUGIN = 2;

  private PluginRunner() {}

  public static void main(String[] args) {
    // Only the handshake line may reach stdout; PluginServer writes it to the real stdout.
    System.setOut(System.err);
    quietLogging();
    PluginServer.exitUnlessStartedByHost();
    PluginServer server;
    try {
      server = load(args);
    } catch (BadPluginException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_BAD_PLUGIN);
      return;
    }
    server.serve();
  }

  /** Why a plugin JAR cannot be served; the message is the one line printed on stderr. */
  static final class BadPluginException extends RuntimeException {
    BadPluginException(String message) {
      super(message);
    }

    BadPluginException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static PluginServer load(String[] args) {
    if (args.length < 1) {
      throw new BadPluginException(
          "usage: java -jar ramp-plugin-runner.jar /path/to/plugin.jar (a PF4J plugin JAR)");
    }
    Path jar = Path.of(args[0]).toAbsolutePath().normalize();
    String pluginId = readPluginId(jar);
    JarPluginManager manager = new ApiFirstPluginManager(jar.getParent());
    // The system version is the SDK's, so Plugin-Requires states which Ramp SDK it needs.
    manager.setSystemVersion(sdkVersion());
    String loadedId;
    try {
      loadedId = manager.loadPlugin(jar);
    } catch (RuntimeException e) {
      throw new BadPluginException("cannot load plugin JAR " + jar + ": " + e.getMessage(), e);
    }
    PluginWrapper plugin = manager.getPlugin(loadedId != null ? loadedId : pluginId);
    PluginState state = plugin == null ? null : manager.startPlugin(plugin.getPluginId());
    if (plugin == null || state != PluginState.STARTED) {
      String requires = plugin == null ? "?" : plugin.getDescriptor().getRequires();
      throw new BadPluginException(
          "plugin "
              + pluginId
              + " in "
              + jar
              + " did not start (state "
              + state
              + "); check that Plugin-Requires ("
              + requires
              + ") accepts the runner's version "
              + sdkVersion()
              + (plugin != null && plugin.getFailedException() != null
                  ? ": " + plugin.getFailedException().getMessage()
                  : ""));
    }
    String id = plugin.getPluginId();
    List<Object> extensions = new ArrayList<>();
    try {
      extensions.addAll(manager.getExtensions(StepPlugin.class, id));
      extensions.addAll(manager.getExtensions(TrafficRouterPlugin.class, id));
      extensions.addAll(manager.getExtensions(MetricProviderPlugin.class, id));
    } catch (RuntimeException | LinkageError e) {
      throw new BadPluginException(
          "cannot create the extensions of plugin " + id + " in " + jar + ": " + e, e);
    }
    if (extensions.isEmpty()) {
      throw new BadPluginException(
          "plugin "
              + id
              + " in "
              + jar
              + " has no StepPlugin, TrafficRouterPlugin or MetricProviderPlugin extension:"
              + " annotate the implementation with @org.pf4j.Extension and compile with pf4j's"
              + " annotation processor, which writes META-INF/extensions.idx");
    }
    PluginServer.Builder builder =
        PluginServer.builder(id, plugin.getDescriptor().getVersion())
            .contextClassLoader(plugin.getPluginClassLoader());
    // PF4J creates a new instance per lookup: one class implementing several kinds is served
    // by one instance, its first.
    Map<Class<?>, Object> byClass = new LinkedHashMap<>();
    extensions.forEach(extension -> byClass.putIfAbsent(extension.getClass(), extension));
    try {
      byClass.values().forEach(builder::plugin);
      return builder.build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new BadPluginException("cannot serve plugin " + id + ": " + e.getMessage(), e);
    }
  }

  // Read before PF4J so that a missing entry gets a message naming the fix.
  private static String readPluginId(Path jar) {
    if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
      throw new BadPluginException("cannot read plugin JAR " + jar + ": no such readable file");
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      String id = manifest == null ? null : manifest.getMainAttributes().getValue("Plugin-Id");
      if (id == null || id.isBlank()) {
        throw new BadPluginException(
            "plugin JAR "
                + jar
                + " has no Plugin-Id in META-INF/MANIFEST.MF: add Plugin-Id, Plugin-Version and"
                + " Plugin-Requires (maven-jar-plugin manifestEntries, see docs/plugins.md)");
      }
      Attributes attributes = manifest.getMainAttributes();
      if (attributes.getValue("Plugin-Version") == null) {
        throw new BadPluginException(
            "plugin JAR " + jar + " has no Plugin-Version in META-INF/MANIFEST.MF: add one");
      }
      return id.trim();
    } catch (ZipException e) {
      throw new BadPluginException(
          "cannot read plugin JAR " + jar + ": not a JAR (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new BadPluginException("cannot read plugin JAR " + jar + ": " + e.getMessage(), e);
    }
  }

  private static String sdkVersion() {
    // Without the pre-release tag: a "-SNAPSHOT" would fail a plain ">=0.1.0" requirement.
    return PluginServer.sdkVersion().replace("-SNAPSHOT", "");
  }

  // PF4J reports every step at INFO; a plugin's stderr goes to the controller's log, where only
  // warnings belong. An explicit -D setting wins.
  private static void quietLogging() {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    // Netty warns on every connection that a Unix socket has no SO_KEEPALIVE, which gRPC sets.
    String bootstrap = "org.slf4j.simpleLogger.log.io.grpc.netty.shaded.io.netty.bootstrap";
    if (System.getProperty(bootstrap) == null) {
      System.setProperty(bootstrap, "error");
    }
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %3$s: %5$s%6$s%n");
    }
  }

  /** A JAR plugin manager whose plugins take the plugin API from the runner. */
  private static final class ApiFirstPluginManager extends JarPluginManager {
    ApiFirstPluginManager(Path root) {
      super(root);
    }

    @Override
    protected PluginLoader createPluginLoader() {
      return new JarPluginLoader(this) {
        @Override
        protected PluginClassLoader createPluginClassLoader(
            Path pluginPath, PluginDescriptor descriptor) {
          return new ApiFirstClassLoader(pluginManager, descriptor, getClass().getClassLoader());
        }
      };
    }
  }
}
