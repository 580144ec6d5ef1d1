package dev.ramp.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.plugin.api.StepResult;
import dev.ramp.plugin.v1.StepPluginGrpc;
import dev.ramp.plugin.v1.StepRequest;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The process lifecycle of {@link PluginServer} in this JVM, on a real Unix socket. */
class PluginServerIT {

  private Path dir;
  private EventLoopGroup group;

  @BeforeEach
  void createSocketDir() throws Exception {
    dir =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "rmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    group = new EpollEventLoopGroup(1);
  }

  @AfterEach
  void cleanUp() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    Files.deleteIfExists(dir.resolve("plugin.sock"));
    Files.deleteIfExists(dir);
  }

  @Test
  void printsTheHandshakeServesAndStopsWhenStdinCloses() throws Exception {
    // A socket file left by a crashed predecessor must not stop a new start.
    Files.writeString(dir.resolve("plugin.sock"), "stale");
    PluginServer server =
        PluginServer.builder("acme/echo", "0.0.1")
            .plugin((dev.ramp.plugin.api.StepPlugin) call -> StepResult.successful("echo"))
            .build();
    HostEnvironment env =
        HostEnvironment.check(PluginServer.handshakeEnvironment(dir.toString(), "acme/echo"));
    PipedOutputStream host = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(host);
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream handshake = new PrintStream(stdout, true, StandardCharsets.UTF_8);

    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> server.run(env, stdin, handshake, new CountDownLatch(1)));

    String socket = dir.toAbsolutePath().resolve("plugin.sock").toString();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> stdout.toString(StandardCharsets.UTF_8).endsWith("\n"));
    assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("1|1|unix|" + socket + "|grpc\n");

    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket))
            .eventLoopGroup(group)
            .channelType(EpollDomainSocketChannel.class)
            // As the host does (PluginLauncher): the socket path is no valid :authority.
            .overrideAuthority("localhost")
            .usePlaintext()
            .build();
    try {
      assertThat(
              HealthGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.newBuilder().setService("plugin").build())
                  .getStatus())
          .isEqualTo(ServingStatus.SERVING);
      assertThat(
              StepPluginGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .run(StepRequest.getDefaultInstance())
                  .getMessage())
          .isEqualTo("echo");
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    host.close();
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(Path.of(socket)).doesNotExist();
  }
}
