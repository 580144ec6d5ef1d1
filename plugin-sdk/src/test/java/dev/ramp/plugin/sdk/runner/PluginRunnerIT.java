package dev.ramp.plugin.sdk.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.v1.CallContext;
import dev.ramp.plugin.v1.GetInfoRequest;
import dev.ramp.plugin.v1.InfoGrpc;
import dev.ramp.plugin.v1.PluginInfo;
import dev.ramp.plugin.v1.PluginKind;
import dev.ramp.plugin.v1.StepPhase;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import dev.ramp.plugin.v1.StepResult;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded runner JAR as a real child process, hosting a PF4J plugin JAR built in the test,
 * reached over a real Unix socket as the controller reaches it.
 */
class PluginRunnerIT {

  private static final List<String> LEAN_JVM =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xss256k",
          "-Xmx64m",
          "-Xshare:auto",
          "-Xlog:disable",
          "-Xlog:all=warning:stderr");

  private static final String COUNTING_STEP =
"""
package com.acme;

import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.api.StepResult;
import java.time.Duration;
import java.util.Map;

@org.pf4j.Extension
public class CountingStep implements StepPlugin {
  @Override
  public StepResult run(StepCall call) {
    System.out.println("a stray print from the plugin");
    int n = call.state().path("n").asInt() + 1;
    if (n < 2) {
      return StepResult.running("count " + n, Duration.ofSeconds(1), Json.tree(Map.of("n", n)));
    }
    return StepResult.successful("counted " + n + " for " + call.context().idempotencyKey());
  }
}
""";

  @TempDir Path work;

  private final List<Process> processes = new ArrayList<>();
  private final List<Path> socketDirs = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<EventLoopGroup> groups = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (EventLoopGroup group : groups) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
    for (Process process : processes) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (Path dir : socketDirs) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void servesAPluginJarOverAUnixSocketAndExitsWhenStdinCloses() throws Exception {
    Path jar = pluginJar("acme-counting", "1.4.0", true, false);
    long started = System.nanoTime();
    Child child = start(jar, hostEnvironment());

    String handshake = child.handshake();
    long handshakeMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(handshake).matches("1\\|1\\|unix\\|/.+/plugin\\.sock\\|grpc");
    String socket = handshake.split("\\|")[3];
    assertThat(Path.of(socket)).startsWith(child.socketDir);
    ManagedChannel channel = connect(socket);

    assertThat(
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("plugin").build())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
    long firstCallMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        "runner child: handshake after %d ms, first call answered after %d ms%n",
        handshakeMillis, firstCallMillis);

    PluginInfo info =
        InfoGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getInfo(GetInfoRequest.getDefaultInstance());
    assertThat(info.getName()).isEqualTo("acme-counting");
    assertThat(info.getVersion()).isEqualTo("1.4.0");
    assertThat(info.getKindsList()).containsExactly(PluginKind.PLUGIN_KIND_STEP);
    assertThat(info.getContractVersion()).isEqualTo(1);
    assertThat(info.getRuntime()).startsWith("ramp-plugin-sdk-java/");

    assertRunRoundTripKeepsState(channel);

    child.process.getOutputStream().close();
    assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.process.exitValue()).as(child.stderr()).isZero();
    assertThat(child.restOfStdout()).as("nothing but the handshake on stdout").isEmpty();
    assertThat(child.stderr())
        .contains("a stray print from the plugin")
        .doesNotContain("Unknown channel option");
    assertThat(Path.of(socket)).doesNotExist();
  }

  @Test
  void aPluginJarThatBundlesTheApiStillWorksAndSigtermExitsCleanly() throws Exception {
    Path jar = pluginJar("acme-bundled", "2.0.0", true, true);
    Child child = start(jar, hostEnvironment());
    ManagedChannel channel = connect(child.handshake().split("\\|")[3]);

    assertRunRoundTripKeepsState(channel);

    child.process.destroy(); // SIGTERM
    assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.process.exitValue()).as(child.stderr()).isZero();
  }

  @Test
  void withoutTheCookieItExplainsItselfAndExitsOne() throws Exception {
    Path jar = pluginJar("acme-counting", "1.4.0", true, false);
    Map<String, String> env = hostEnvironment();
    env.remove("RAMP_PLUGIN_COOKIE");
    Child child = start(jar, env);

    assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.process.exitValue()).isEqualTo(1);
    assertThat(child.stderr().strip())
        .startsWith("This is a Ramp plugin")
        .contains("Ramp controller")
        .doesNotContain("\n");
    assertThat(child.restOfStdout()).isEmpty();
  }

  @Test
  void aJarWithoutPluginIdOrWithoutExtensionsExitsTwoWithOneClearLine() throws Exception {
    Child noId = start(pluginJar(null, "1.0.0", true, false), hostEnvironment());
    Child noExtensions = start(pluginJar("acme-empty", "1.0.0", false, false), hostEnvironment());

    assertThat(noId.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(noId.process.exitValue()).isEqualTo(2);
    assertThat(noId.stderr()).contains("has no Plugin-Id in META-INF/MANIFEST.MF");

    assertThat(noExtensions.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(noExtensions.process.exitValue()).isEqualTo(2);
    assertThat(noExtensions.stderr())
        .contains("acme-empty")
        .contains("has no StepPlugin, TrafficRouterPlugin or MetricProviderPlugin extension");
  }

  private static void assertRunRoundTripKeepsState(ManagedChannel channel) {
    StepPluginGrpc.StepPluginBlockingStub step =
        StepPluginGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    StepRequest.Builder request =
        StepRequest.newBuilder()
            .setContext(CallContext.newBuilder().setIdempotencyKey("uid-1/h1/0/Run"))
            .setRolloutJson("{}")
            .setConfigJson("{}");

    StepResult first = step.run(request.build());
    assertThat(first.getPhase()).isEqualTo(StepPhase.STEP_PHASE_RUNNING);
    assertThat(first.getStateJson()).isEqualTo("{\"n\":1}");

    StepResult second = step.run(request.setStateJson(first.getStateJson()).build());
    assertThat(second.getPhase()).isEqualTo(StepPhase.STEP_PHASE_SUCCESSFUL);
    assertThat(second.getMessage()).isEqualTo("counted 2 for uid-1/h1/0/Run");
  }

  // ---- the child process

  private record Child(Process process, Path socketDir, BufferedReader stdout, Path stderrFile) {

    String handshake() throws Exception {
      String line =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return stdout.readLine();
                    } catch (IOException e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .get(60, TimeUnit.SECONDS);
      assertThat(line).as("handshake; stderr: %s", stderr()).isNotNull();
      return line;
    }

    String restOfStdout() throws IOException {
      StringBuilder rest = new StringBuilder();
      for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
        rest.append(line).append('\n');
      }
      return rest.toString();
    }

    String stderr() {
      try {
        return Files.readString(stderrFile);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }
  }

  private Map<String, String> hostEnvironment() throws IOException {
    // Short and private, as the host makes them: socket paths must stay under 100 bytes.
    Path dir =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "rmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    socketDirs.add(dir);
    Map<String, String> env = new java.util.HashMap<>();
    env.put("RAMP_PLUGIN_COOKIE", "ramp-plugin-5e7a1c");
    env.put("PLUGIN_UNIX_SOCKET_DIR", dir.toString());
    env.put("PLUGIN_PROTOCOL_VERSIONS", "1");
    env.put("RAMP_PLUGIN_NAME", "acme/counting");
    return env;
  }

  private Child start(Path pluginJar, Map<String, String> env) throws IOException {
    String runnerJar = System.getProperty("ramp.runner.jar");
    assertThat(runnerJar).as("system property ramp.runner.jar (set by failsafe)").isNotNull();
    assertThat(Path.of(runnerJar)).exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(LEAN_JVM);
    command.addAll(List.of("-jar", runnerJar, pluginJar.toString()));
    Path stderr = Files.createTempFile(work, "stderr", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(stderr.toFile()));
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    BufferedReader stdout =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Path socketDir = Path.of(env.getOrDefault("PLUGIN_UNIX_SOCKET_DIR", "/nonexistent"));
    return new Child(process, socketDir, stdout, stderr);
  }

  private ManagedChannel connect(String socket) {
    EventLoopGroup group = new EpollEventLoopGroup(1);
    groups.add(group);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket))
            .eventLoopGroup(group)
            .channelType(EpollDomainSocketChannel.class)
            // As the host does (PluginLauncher): the socket path is no valid :authority.
            .overrideAuthority("localhost")
            .usePlaintext()
            .build();
    channels.add(channel);
    return channel;
  }

  // ---- building a thin PF4J plugin JAR, as a plugin author's build would

  private Path pluginJar(String pluginId, String version, boolean withExtension, boolean bundleApi)
      throws Exception {
    Path classes = Files.createTempDirectory(work, "classes");
    Path source = classes.resolve("src/com/acme/CountingStep.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, COUNTING_STEP);
    Path compiled = classes.resolve("out");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    // The index is written below by hand, so that a test can leave it out.
    int status =
        javac.run(
            null,
            null,
            null,
            "-proc:none",
            "--release",
            "17",
            "-classpath",
            System.getProperty("java.class.path"),
            "-d",
            compiled.toString(),
            source.toString());
    assertThat(status).as("javac exit status").isZero();
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (pluginId != null) {
      main.putValue("Plugin-Id", pluginId);
    }
    main.putValue("Plugin-Version", version);
    main.putValue("Plugin-Requires", ">=0.1.0");
    main.putValue("Plugin-Provider", "Acme");
    Path jar = work.resolve((pluginId == null ? "no-id" : pluginId) + "-" + version + ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      if (withExtension) {
        byte[] index = "com.acme.CountingStep\n".getBytes(StandardCharsets.UTF_8);
        put(out, "META-INF/extensions.idx", index);
      }
      addTree(out, compiled, compiled);
      if (bundleApi) {
        bundleApiClasses(out);
      }
    }
    return jar;
  }

  /** Copies the plugin API's class files into the plugin JAR, as a careless build would. */
  private static void bundleApiClasses(JarOutputStream out) throws IOException, URISyntaxException {
    Path location =
        Path.of(StepPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String prefix = "dev/ramp/plugin/api/";
    if (Files.isDirectory(location)) {
      addTree(out, location, location.resolve(prefix));
      return;
    }
    try (JarFile api = new JarFile(location.toFile())) {
      for (JarEntry entry : api.stream().toList()) {
        if (entry.getName().startsWith(prefix) && !entry.isDirectory()) {
          try (var in = api.getInputStream(entry)) {
            put(out, entry.getName(), in.readAllBytes());
          }
        }
      }
    }
  }

  private static void addTree(JarOutputStream out, Path root, Path start) throws IOException {
    try (Stream<Path> files = Files.walk(start)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        put(out, root.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
      }
    }
  }

  private static void put(JarOutputStream out, String name, byte[] content) throws IOException {
    out.putNextEntry(new JarEntry(name));
    out.write(content);
    out.closeEntry();
  }
}
