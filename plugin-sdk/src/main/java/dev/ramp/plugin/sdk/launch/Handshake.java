package dev.ramp.plugin.sdk.launch;

import dev.ramp.plugin.sdk.launch.PluginLaunchException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The plugin's handshake line, {@code CORE|CONTRACT|NETWORK|ADDRESS|PROTOCOL}, as go-plugin prints
 * it in gRPC mode (go-plugin adds a sixth field, a server certificate, which Ramp ignores).
 */
record Handshake(int core, int contract, String network, String address, String protocol) {

  static final int CORE_VERSION = 1;
  static final int CONTRACT_VERSION = 1;

  /** Unix sockets allow ~108 bytes; the contract promises plugins 100. */
  static final int MAX_SOCKET_PATH_BYTES = 100;

  /** The line as a handshake, or empty when it is not one (then it is just logged). */
  static Optional<Handshake> parse(String line) {
    String[] fields = line.strip().split("\\|", -1);
    if (fields.length != 5 && fields.length != 6) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Handshake(
              Integer.parseInt(fields[0].strip()),
              Integer.parseInt(fields[1].strip()),
              fields[2].strip(),
              fields[3].strip(),
              fields[4].strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The socket to connect to, after checking every term of the contract. */
  Path validate(String plugin, Path socketDir) {
    if ("netrpc".equals(protocol)) {
      throw new PluginLaunchException(
          Reason.UNSUPPORTED_PROTOCOL,
          "plugin "
              + plugin
              + ": its handshake names protocol 'netrpc', the Go-only net/rpc"
              + " protocol of Argo Rollouts plugins. Ramp speaks gRPC only: rebuild the plugin"
              + " as a gRPC plugin of the ramp.plugin.v1 contract (see proto/).");
    }
    if (!"grpc".equals(protocol)) {
      throw new PluginLaunchException(
          Reason.UNSUPPORTED_PROTOCOL,
          "plugin "
              + plugin
              + ": its handshake names protocol '"
              + protocol
              + "'; Ramp speaks 'grpc' only (handshake 1|1|unix|<socket>|grpc).");
    }
    if (core != CORE_VERSION) {
      throw new PluginLaunchException(
          Reason.BAD_HANDSHAKE,
          "plugin "
              + plugin
              + ": its handshake has core protocol version "
              + core
              + ", Ramp speaks "
              + CORE_VERSION
              + "; the handshake line must start with 1|1|.");
    }
    if (contract != CONTRACT_VERSION) {
      throw new PluginLaunchException(
          Reason.BAD_HANDSHAKE,
          "plugin "
              + plugin
              + ": it speaks contract version "
              + contract
              + ", this Ramp speaks "
              + CONTRACT_VERSION
              + " (ramp.plugin.v1, offered in PLUGIN_PROTOCOL_VERSIONS);"
              + " use a plugin build for contract "
              + CONTRACT_VERSION
              + ".");
    }
    if (!"unix".equals(network)) {
      throw new PluginLaunchException(
          Reason.BAD_HANDSHAKE,
          "plugin "
              + plugin
              + ": its handshake offers network '"
              + network
              + "' at '"
              + address
              + "'; Ramp only speaks Unix sockets: listen on a socket in $PLUGIN_UNIX_SOCKET_DIR"
              + " and print 1|1|unix|<socket path>|grpc.");
    }
    Path socket;
    try {
      socket = Path.of(address);
    } catch (RuntimeException e) {
      socket = null;
    }
    if (socket == null
        || !socket.isAbsolute()
        || !socket.normalize().startsWith(socketDir)
        || socket.normalize().equals(socketDir)) {
      throw new PluginLaunchException(
          Reason.BAD_HANDSHAKE,
          "plugin "
              + plugin
              + ": its socket address '"
              + address
              + "' is not an absolute path"
              + " inside its socket directory "
              + socketDir
              + " ($PLUGIN_UNIX_SOCKET_DIR).");
    }
    if (address.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
      throw new PluginLaunchException(
          Reason.BAD_HANDSHAKE,
          "plugin "
              + plugin
              + ": its socket path '"
              + address
              + "' is longer than "
              + MAX_SOCKET_PATH_BYTES
              + " bytes; use a short file name in $PLUGIN_UNIX_SOCKET_DIR.");
    }
    return socket.normalize();
  }
}
