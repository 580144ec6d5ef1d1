package dev.ramp.plugin.sdk.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.sdk.launch.PluginLaunchException.Reason;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HandshakeTest {

  private static final Path DIR = Path.of("/tmp/rmp123");

  @Test
  void parsesFiveFields() {
    assertThat(Handshake.parse("1|1|unix|/tmp/rmp123/plugin.sock|grpc"))
        .contains(new Handshake(1, 1, "unix", "/tmp/rmp123/plugin.sock", "grpc"));
  }

  @Test
  void acceptsGoPluginsSixthFieldAndTrailingWhitespace() {
    assertThat(Handshake.parse("1|1|unix|/tmp/rmp123/plugin.sock|grpc|\r\n"))
        .contains(new Handshake(1, 1, "unix", "/tmp/rmp123/plugin.sock", "grpc"));
  }

  @Test
  void otherLinesAreNotHandshakes() {
    assertThat(Handshake.parse("starting plugin...")).isEmpty();
    assertThat(Handshake.parse("a|b|c|d|e")).isEmpty();
    assertThat(Handshake.parse("1|1|unix|/x")).isEmpty();
    assertThat(Handshake.parse("1|1|unix|/x|grpc|cert|more")).isEmpty();
  }

  @Test
  void validReturnsTheSocket() {
    assertThat(new Handshake(1, 1, "unix", "/tmp/rmp123/p.sock", "grpc").validate("a/b", DIR))
        .isEqualTo(Path.of("/tmp/rmp123/p.sock"));
  }

  @Test
  void refusesNetRpcWithAnExplanation() {
    assertThatThrownBy(
            () -> new Handshake(1, 1, "unix", "/tmp/rmp123/p.sock", "netrpc").validate("a/b", DIR))
        .isInstanceOfSatisfying(
            PluginLaunchException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_PROTOCOL))
        .hasMessageContaining("plugin a/b")
        .hasMessageContaining("net/rpc")
        .hasMessageContaining("rebuild");
  }

  @Test
  void refusesWrongVersions() {
    assertThatThrownBy(
            () -> new Handshake(2, 1, "unix", "/tmp/rmp123/p.sock", "grpc").validate("a/b", DIR))
        .hasMessageContaining("core protocol version 2");
    assertThatThrownBy(
            () -> new Handshake(1, 3, "unix", "/tmp/rmp123/p.sock", "grpc").validate("a/b", DIR))
        .isInstanceOfSatisfying(
            PluginLaunchException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_HANDSHAKE))
        .hasMessageContaining("contract version 3");
  }

  @Test
  void refusesTcpAndSocketsOutsideTheDirectory() {
    assertThatThrownBy(
            () -> new Handshake(1, 1, "tcp", "127.0.0.1:1234", "grpc").validate("a/b", DIR))
        .hasMessageContaining("Unix sockets");
    assertThatThrownBy(
            () -> new Handshake(1, 1, "unix", "/tmp/other/p.sock", "grpc").validate("a/b", DIR))
        .hasMessageContaining("inside its socket directory");
    assertThatThrownBy(
            () ->
                new Handshake(1, 1, "unix", "/tmp/rmp123/../x/p.sock", "grpc").validate("a/b", DIR))
        .hasMessageContaining("inside its socket directory");
    assertThatThrownBy(() -> new Handshake(1, 1, "unix", "p.sock", "grpc").validate("a/b", DIR))
        .hasMessageContaining("absolute path");
    String longName = "/tmp/rmp123/" + "s".repeat(100);
    assertThatThrownBy(() -> new Handshake(1, 1, "unix", longName, "grpc").validate("a/b", DIR))
        .hasMessageContaining("longer than 100 bytes");
  }
}
