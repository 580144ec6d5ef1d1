package dev.ramp.plugins.nginx;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.plugin.api.InvalidConfigException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * This router's entry of a Rollout's {@code trafficRouting.plugins}, checked. What a service team
 * decides: which file, which server, which addresses. What runs on the host (the reload command,
 * where include files may be written) is the platform team's, in {@link Platform}.
 *
 * @param includeFile the include this router owns, absolute (resolved against {@link
 *     Platform#includeDir()} when given relative)
 * @param listen the {@code listen} of the server the include declares: {@code port} or {@code
 *     host:port}
 * @param serverName the server's {@code server_name}, or null for none
 * @param stable stable's upstream servers, {@code host:port} each
 * @param canary the canary's upstream servers
 * @param generationPath the location that serves the include's generation number
 * @param generationUrl where the router asks for it
 */
record NginxConfig(
    Path includeFile,
    String listen,
    String serverName,
    List<String> stable,
    List<String> canary,
    String generationPath,
    URI generationUrl) {

  static final List<String> FIELDS =
      List.of(
          "includeFile",
          "listen",
          "serverName",
          "stable",
          "canary",
          "generationPath",
          "generationUrl");

  static final String DEFAULT_GENERATION_PATH = "/ramp-generation";

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+\\]");
  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._~/-]*");
  private static final Pattern SERVER_NAME =
      Pattern.compile("[A-Za-z0-9*.~^$_-]+( [A-Za-z0-9*.~^$_-]+)*");

  static NginxConfig parse(JsonNode config, Platform platform) {
    if (config == null || config.isMissingNode() || config.isNull() || !config.isObject()) {
      throw new InvalidConfigException(
          "config",
          "must be an object such as {\"includeFile\": \"shop.conf\", \"listen\":"
              + " \"127.0.0.1:8080\", \"stable\": [\"10.0.0.1:8080\"], \"canary\":"
              + " [\"10.0.0.2:8080\"]}");
    }
    String include = null;
    String listen = null;
    String serverName = null;
    List<String> stable = null;
    List<String> canary = null;
    String generationPath = DEFAULT_GENERATION_PATH;
    String generationUrl = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String key = f.getKey();
      JsonNode value = f.getValue();
      switch (key) {
        case "includeFile" -> include = text(key, value);
        case "listen" -> listen = listen(text(key, value));
        case "serverName" -> {
          serverName = text(key, value);
          if (!SERVER_NAME.matcher(serverName).matches()) {
            throw new InvalidConfigException(
                key, "'" + serverName + "' is not a server_name (names separated by one space)");
          }
        }
        case "stable" -> stable = addresses(key, value);
        case "canary" -> canary = addresses(key, value);
        case "generationPath" -> {
          generationPath = text(key, value);
          if (!PATH.matcher(generationPath).matches() || generationPath.equals("/")) {
            throw new InvalidConfigException(
                key,
                "'"
                    + generationPath
                    + "' must be an absolute path other than / (letters, digits,"
                    + " '.', '_', '~', '-', '/'), such as /ramp-generation");
          }
        }
        case "generationUrl" -> generationUrl = text(key, value);
        default ->
            throw new InvalidConfigException(
                key, "unknown field; the fields are " + String.join(", ", FIELDS));
      }
    }
    require("includeFile", include, "the include file NGINX's http block includes, e.g. shop.conf");
    require("listen", listen, "the server's listen address, e.g. 127.0.0.1:8080");
    require("stable", stable, "stable's upstream addresses, e.g. [\"10.0.0.1:8080\"]");
    require("canary", canary, "the canary's upstream addresses, e.g. [\"10.0.0.2:8080\"]");
    URI url = generationUrl == null ? defaultUrl(listen, generationPath) : url(generationUrl);
    return new NginxConfig(
        platform.resolveInclude(include), listen, serverName, stable, canary, generationPath, url);
  }

  private static void require(String field, Object value, String what) {
    if (value == null) {
      throw new InvalidConfigException(field, "is required: " + what);
    }
  }

  private static String text(String field, JsonNode value) {
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new InvalidConfigException(field, "must be a non-empty string, was " + value);
    }
    return value.asText().trim();
  }

  /** {@code port}, {@code host:port} or {@code [v6]:port}; NGINX's other listen options are not. */
  static String listen(String listen) {
    int colon = listen.lastIndexOf(':');
    String host = colon < 0 ? null : listen.substring(0, colon);
    String port = colon < 0 ? listen : listen.substring(colon + 1);
    if (host != null
        && !host.equals("*")
        && !HOST.matcher(host).matches()
        && !IPV6.matcher(host).matches()) {
      throw new InvalidConfigException(
          "listen", "'" + listen + "' must be port, host:port or [ipv6]:port");
    }
    port(listen, "listen", port);
    return listen;
  }

  private static List<String> addresses(String field, JsonNode value) {
    List<String> list = new ArrayList<>();
    if (value.isTextual()) {
      list.add(address(field, value.asText().trim()));
    } else if (value.isArray() && !value.isEmpty()) {
      for (int i = 0; i < value.size(); i++) {
        JsonNode one = value.get(i);
        if (!one.isTextual()) {
          throw new InvalidConfigException(
              field + "[" + i + "]", "must be a string host:port, was " + one);
        }
        list.add(address(field + "[" + i + "]", one.asText().trim()));
      }
    } else {
      throw new InvalidConfigException(
          field, "must be host:port or a non-empty list of them, was " + value);
    }
    return List.copyOf(list);
  }

  static String address(String field, String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      throw new InvalidConfigException(
          field, "'" + address + "' must be host:port (a port is required)");
    }
    String host = address.substring(0, colon);
    if (!HOST.matcher(host).matches() && !IPV6.matcher(host).matches()) {
      throw new InvalidConfigException(
          field, "'" + address + "': '" + host + "' is not a host name or IP address");
    }
    port(address, field, address.substring(colon + 1));
    return address;
  }

  private static void port(String whole, String field, String port) {
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 1 || p > 65535) {
      throw new InvalidConfigException(
          field, "'" + whole + "': the port must be a number from 1 to 65535");
    }
  }

  private static URI url(String text) {
    try {
      URI uri = new URI(text);
      if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new InvalidConfigException(
            "generationUrl", "'" + text + "' must be an http:// URL with a host");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw new InvalidConfigException(
          "generationUrl", "'" + text + "' is not a URL: " + e.getReason());
    }
  }

  /** The listen address as a client reaches it: a wildcard or a bare port is 127.0.0.1. */
  static URI defaultUrl(String listen, String path) {
    int colon = listen.lastIndexOf(':');
    String host = colon < 0 ? "127.0.0.1" : listen.substring(0, colon);
    if (host.equals("*") || host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("[::]")) {
      host = "[::1]";
    }
    String port = colon < 0 ? listen : listen.substring(colon + 1);
    return URI.create("http://" + host + ":" + port + path);
  }

  /** A name for NGINX variables and upstreams, unique per Rollout. */
  static String prefix(String namespace, String name) {
    return "ramp_"
        + (namespace + "_" + name)
            .replaceAll("[^A-Za-z0-9]", "_")
            .toLowerCase(java.util.Locale.ROOT);
  }
}
