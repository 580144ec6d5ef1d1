package dev.ramp.plugins.nginx;

import dev.ramp.plugin.api.InvalidConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the platform team sets in the plugin's {@code env} in {@code ramp-config}: how NGINX is
 * reloaded and where include files may be written. A Rollout cannot choose a command to run.
 *
 * @param reloadCommand the command that reloads NGINX gracefully, as separate words
 * @param includeDir where include files live (relative {@code includeFile}s resolve against it and
 *     absolute ones must be inside it), or null for anywhere
 */
record Platform(List<String> reloadCommand, Path includeDir) {

  static final String BINARY = "RAMP_NGINX_BINARY";
  static final String PREFIX = "RAMP_NGINX_PREFIX";
  static final String CONF = "RAMP_NGINX_CONF";
  static final String RELOAD = "RAMP_NGINX_RELOAD_COMMAND";
  static final String INCLUDE_DIR = "RAMP_NGINX_INCLUDE_DIR";

  /**
   * Debian's and most distributions' path; the plugin starts with a clean environment (no PATH).
   */
  static final String DEFAULT_BINARY = "/usr/sbin/nginx";

  static Platform fromEnvironment(Map<String, String> env) {
    List<String> command;
    String reload = blankToNull(env.get(RELOAD));
    if (reload != null) {
      command = List.of(reload.trim().split("\\s+"));
    } else {
      command = new ArrayList<>();
      command.add(blankToNull(env.get(BINARY)) != null ? env.get(BINARY).trim() : DEFAULT_BINARY);
      if (blankToNull(env.get(PREFIX)) != null) {
        command.addAll(Arrays.asList("-p", env.get(PREFIX).trim()));
      }
      if (blankToNull(env.get(CONF)) != null) {
        command.addAll(Arrays.asList("-c", env.get(CONF).trim()));
      }
      command.addAll(List.of("-s", "reload"));
    }
    String dir = blankToNull(env.get(INCLUDE_DIR));
    Path includeDir = null;
    if (dir != null) {
      includeDir = Path.of(dir.trim());
      if (!includeDir.isAbsolute()) {
        // Not a Rollout's fault: the call's error names the variable for the platform team.
        includeDir = null;
        command = List.of();
      }
    }
    return new Platform(List.copyOf(command), includeDir);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** The include file of a Rollout's config, absolute, inside {@link #includeDir} when set. */
  Path resolveInclude(String file) {
    if (reloadCommand.isEmpty()) {
      throw new InvalidConfigException(
          INCLUDE_DIR, "must be an absolute directory (plugin env in ramp-config)");
    }
    Path path = Path.of(file);
    if (includeDir == null) {
      if (!path.isAbsolute()) {
        throw new InvalidConfigException(
            "includeFile",
            "'" + file + "' must be an absolute path (no " + INCLUDE_DIR + " is configured)");
      }
      return path.normalize();
    }
    Path resolved = includeDir.resolve(path).normalize();
    if (!resolved.startsWith(includeDir.normalize()) || resolved.equals(includeDir.normalize())) {
      throw new InvalidConfigException(
          "includeFile", "'" + file + "' must be a file inside " + includeDir);
    }
    return resolved;
  }
}
