package dev.ramp.plugin.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostEnvironmentTest {

  @TempDir Path dir;

  private Map<String, String> env() {
    return new HashMap<>(PluginServer.handshakeEnvironment(dir.toString(), "acme/hello"));
  }

  @Test
  void theHostsTermsGiveTheSocketPathAndName() {
    HostEnvironment env = HostEnvironment.check(env());

    assertThat(env.socketPath()).isEqualTo(dir.toAbsolutePath().resolve("plugin.sock"));
    assertThat(env.pluginName()).isEqualTo("acme/hello");
  }

  @Test
  void withoutTheCookieItExplainsWhatItIsOnOneLine() {
    Map<String, String> env = env();
    env.remove("RAMP_PLUGIN_COOKIE");

    assertThatThrownBy(() -> HostEnvironment.check(env))
        .isInstanceOf(HostEnvironment.StartupException.class)
        .hasMessageContaining("This is a Ramp plugin")
        .hasMessageContaining("Ramp controller")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aWrongCookieIsRefusedToo() {
    Map<String, String> env = env();
    env.put("RAMP_PLUGIN_COOKIE", "something-else");

    assertThatThrownBy(() -> HostEnvironment.checkCookie(env))
        .hasMessageContaining("RAMP_PLUGIN_COOKIE");
  }

  @Test
  void theSocketDirectoryIsRequired() {
    Map<String, String> env = env();
    env.remove("PLUGIN_UNIX_SOCKET_DIR");

    assertThatThrownBy(() -> HostEnvironment.check(env))
        .hasMessageStartingWith("PLUGIN_UNIX_SOCKET_DIR is not set");
  }

  @Test
  void theSocketDirectoryMustExist() {
    Map<String, String> env = env();
    env.put("PLUGIN_UNIX_SOCKET_DIR", dir.resolve("gone").toString());

    assertThatThrownBy(() -> HostEnvironment.check(env))
        .hasMessageContaining(dir.resolve("gone").toString())
        .hasMessageContaining("is not a directory");
  }

  @Test
  void contractVersionOneMustBeOffered() {
    Map<String, String> env = env();
    env.put("PLUGIN_PROTOCOL_VERSIONS", "2,3");

    assertThatThrownBy(() -> HostEnvironment.check(env))
        .hasMessageContaining("PLUGIN_PROTOCOL_VERSIONS=2,3")
        .hasMessageContaining("contract version 1");

    env.put("PLUGIN_PROTOCOL_VERSIONS", "2, 1");
    assertThat(HostEnvironment.check(env).socketPath()).isNotNull();

    env.remove("PLUGIN_PROTOCOL_VERSIONS");
    assertThatThrownBy(() -> HostEnvironment.check(env))
        .hasMessageStartingWith("PLUGIN_PROTOCOL_VERSIONS is not set");
  }

  @Test
  void aSocketPathOverOneHundredBytesIsRefused() throws Exception {
    Path deep = Files.createDirectories(dir.resolve("d".repeat(100)));
    Map<String, String> env = env();
    env.put("PLUGIN_UNIX_SOCKET_DIR", deep.toString());

    assertThatThrownBy(() -> HostEnvironment.check(env))
        .hasMessageContaining("over the limit of 100")
        .hasMessageContaining("shorter directory");
  }
}
