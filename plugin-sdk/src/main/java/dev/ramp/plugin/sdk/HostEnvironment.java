package dev.ramp.plugin.sdk;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * What the host hands a plugin process through its environment (the handshake terms of
 * docs/plugins.md), checked once at start.
 *
 * @param socketPath the absolute path of the Unix socket to listen on
 * @param pluginName the plugin's configured name, or empty when the host gave none
 */
record HostEnvironment(Path socketPath, String pluginName) {

  static final String COOKIE_KEY = "RAMP_PLUGIN_COOKIE";
  static final String COOKIE_VALUE = "ramp-plugin-5e7a1c";
  static final String SOCKET_DIR_KEY = "PLUGIN_UNIX_SOCKET_DIR";
  static final String PROTOCOL_VERSIONS_KEY = "PLUGIN_PROTOCOL_VERSIONS";
  static final String PLUGIN_NAME_KEY = "RAMP_PLUGIN_NAME";
  static final String SOCKET_NAME = "plugin.sock";
  static final int CONTRACT_VERSION = 1;

  /** Unix sockets allow about 108 bytes; the contract keeps paths to 100. */
  static final int MAX_SOCKET_PATH_BYTES = 100;

  /** Why a plugin process cannot start; the message is the one line printed on stderr. */
  static final class StartupException extends RuntimeException {
    StartupException(String message) {
      super(message);
    }
  }

  /** Checks only the cookie: the cheap test that the process was started by a Ramp host. */
  static void checkCookie(Map<String, String> env) {
    if (!COOKIE_VALUE.equals(env.get(COOKIE_KEY))) {
      throw new StartupException(
          "This is a Ramp plugin: it is meant to be started by the Ramp controller (or `ramp"
              + " plugin verify`), which sets "
              + COOKIE_KEY
              + "; it does nothing when run by hand.");
    }
  }

  static HostEnvironment check(Map<String, String> env) {
    checkCookie(env);
    String versions = env.get(PROTOCOL_VERSIONS_KEY);
    if (versions == null || versions.isBlank()) {
      throw new StartupException(
          PROTOCOL_VERSIONS_KEY
              + " is not set: the host must offer the contract versions it speaks (this"
              + " plugin speaks version "
              + CONTRACT_VERSION
              + ")");
    }
    boolean offered = Arrays.stream(versions.split(",")).map(String::trim).anyMatch("1"::equals);
    if (!offered) {
      throw new StartupException(
          PROTOCOL_VERSIONS_KEY
              + "="
              + versions
              + " does not offer contract version "
              + CONTRACT_VERSION
              + ", the only one this plugin speaks; use a host that speaks ramp.plugin.v1");
    }
    String dir = env.get(SOCKET_DIR_KEY);
    if (dir == null || dir.isBlank()) {
      throw new StartupException(
          SOCKET_DIR_KEY
              + " is not set: the host must name a private (0700) directory for the plugin's"
              + " Unix socket");
    }
    Path directory = Path.of(dir).toAbsolutePath().normalize();
    if (!Files.isDirectory(directory)) {
      throw new StartupException(
          SOCKET_DIR_KEY + "=" + dir + " is not a directory: the host must create it first");
    }
    Path socket = directory.resolve(SOCKET_NAME);
    int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_SOCKET_PATH_BYTES) {
      throw new StartupException(
          "the socket path "
              + socket
              + " is "
              + length
              + " bytes, over the limit of "
              + MAX_SOCKET_PATH_BYTES
              + "; set "
              + SOCKET_DIR_KEY
              + " to a shorter directory");
    }
    String name = env.getOrDefault(PLUGIN_NAME_KEY, "");
    return new HostEnvironment(socket, name);
  }
}
