package dev.ramp.plugins.nginx;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginException;
import dev.ramp.plugin.api.TrafficRouting.HeaderMatch;
import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.MirrorRoute;
import dev.ramp.plugin.api.TrafficRouting.RouteMatch;
import dev.ramp.plugin.api.TrafficRouting.StringMatch;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The include file: a pure function from the config and the state to NGINX configuration text (for
 * NGINX's {@code http} block), and back from the text to the state it was written from.
 *
 * <p>What it declares, with {@code P} the Rollout's prefix ({@code ramp_<namespace>_<name>}):
 *
 * <ul>
 *   <li>{@code upstream P_stable}, {@code P_canary}, and {@code P_weighted} holding the servers of
 *       both with the weights (a side with no share is left out: NGINX refuses {@code weight=0});
 *   <li>for each managed route, a variable {@code $P_rN} that is 1 when a request matches it
 *       ({@code map}s on headers, {@code $uri}, {@code $request_method}), and {@code $P_route}, the
 *       first route that matches, in the managed routes' order;
 *   <li>header routes send the requests whose {@code $P_route} is theirs to {@code P_canary};
 *   <li>mirror routes copy them, sampled by {@code split_clients} on {@code $request_id}, through
 *       {@code mirror} into an internal location that proxies to {@code P_canary}; the client's
 *       answer always comes from the primary request;
 *   <li>one {@code server}: the generation location, and {@code location /} that proxies.
 * </ul>
 */
final class IncludeFile {

  static final String STATE_MARK = "# ramp-state: ";

  private IncludeFile() {}

  static String render(NginxConfig config, String prefix, RouterState state) {
    StringBuilder out = new StringBuilder();
    out.append("# Written by Ramp's NGINX traffic router for Rollout ")
        .append(state.rollout())
        .append(", generation ")
        .append(state.generation())
        .append(".\n# Every change rewrites it: do not edit. Include it in NGINX's http block.\n")
        .append(STATE_MARK)
        .append(stateJson(state))
        .append("\n\n");

    upstream(out, prefix + "_stable", config.stable(), 1);
    upstream(out, prefix + "_canary", config.canary(), 1);
    weighted(out, prefix, config, state.weight(), state.maxWeight());

    List<String> routes = state.routesInOrder();
    boolean anyHeader = !state.headerRoutes().isEmpty();
    boolean anyMirror = !state.mirrorRoutes().isEmpty();
    StringBuilder pick = new StringBuilder();
    StringBuilder patterns = new StringBuilder();
    for (int i = 0; i < routes.size(); i++) {
      String name = routes.get(i);
      String var = prefix + "_r" + i;
      HeaderRoute header = state.headerRoutes().get(name);
      if (header != null) {
        out.append("# managed route ").append(name).append(": header route to the canary\n");
        List<String> conditions = new ArrayList<>();
        for (int h = 0; h < header.match().size(); h++) {
          HeaderMatch m = header.match().get(h);
          String cond = var + "_h" + h;
          condition(out, headerVariable(m.headerName()), m.headerValue(), cond);
          conditions.add(cond);
        }
        all(out, conditions, var);
      } else {
        MirrorRoute mirror = state.mirrorRoutes().get(name);
        out.append("# managed route ")
            .append(name)
            .append(": mirror ")
            .append(mirror.percentage())
            .append(" % to the canary\n");
        List<String> alternatives = new ArrayList<>();
        for (int m = 0; m < mirror.match().size(); m++) {
          alternatives.add(routeMatch(out, mirror.match().get(m), var + "_m" + m));
        }
        any(out, alternatives, var);
        out.append("split_clients \"${request_id}\" $").append(var).append("_sample {\n");
        int p = Math.max(0, Math.min(100, mirror.percentage()));
        if (p > 0 && p < 100) {
          out.append("    ").append(p).append("% 1;\n    * 0;\n");
        } else {
          out.append("    * ").append(p == 100 ? 1 : 0).append(";\n");
        }
        out.append("}\n\n");
      }
      pick.append('$').append(var);
      patterns.append("    \"~^").append("0".repeat(i)).append("1\" r").append(i).append(";\n");
    }
    if (!routes.isEmpty()) {
      out.append("# the first managed route that matches\nmap \"")
          .append(pick)
          .append("\" $")
          .append(prefix)
          .append("_route {\n    default \"\";\n")
          .append(patterns)
          .append("}\n\n");
    }
    if (anyHeader) {
      out.append("map $").append(prefix).append("_route $").append(prefix).append("_upstream {\n");
      out.append("    default ").append(prefix).append("_weighted;\n");
      for (int i = 0; i < routes.size(); i++) {
        if (state.headerRoutes().containsKey(routes.get(i))) {
          out.append("    r").append(i).append(' ').append(prefix).append("_canary;\n");
        }
      }
      out.append("}\n\n");
    }
    if (anyMirror) {
      StringBuilder key = new StringBuilder("$" + prefix + "_route");
      for (int i = 0; i < routes.size(); i++) {
        if (state.mirrorRoutes().containsKey(routes.get(i))) {
          key.append(":$").append(prefix).append("_r").append(i).append("_sample");
        }
      }
      out.append("# 1 when the request is copied to the canary\nmap \"")
          .append(key)
          .append("\" $")
          .append(prefix)
          .append("_mirror {\n    default 0;\n");
      int slot = 0;
      int mirrors = state.mirrorRoutes().size();
      for (int i = 0; i < routes.size(); i++) {
        if (state.mirrorRoutes().containsKey(routes.get(i))) {
          StringBuilder samples = new StringBuilder();
          for (int s = 0; s < mirrors; s++) {
            samples.append(s == slot ? ":1" : ":.");
          }
          out.append("    \"~^r").append(i).append(samples).append("$\" 1;\n");
          slot++;
        }
      }
      out.append("}\n\n");
    }

    out.append("server {\n    listen ").append(config.listen()).append(";\n");
    if (config.serverName() != null) {
      out.append("    server_name ").append(config.serverName()).append(";\n");
    }
    out.append("\n    # the generation this file was written with: what the router verifies\n")
        .append("    location = ")
        .append(config.generationPath())
        .append(" {\n        default_type text/plain;\n        return 200 \"")
        .append(state.generation())
        .append("\\n\";\n    }\n\n    location / {\n");
    if (anyMirror) {
      out.append("        set $")
          .append(prefix)
          .append("_mirrored $")
          .append(prefix)
          .append("_mirror;\n        mirror /_")
          .append(prefix)
          .append("_mirror;\n");
    }
    out.append("        proxy_pass http://")
        .append(anyHeader ? "$" + prefix + "_upstream" : prefix + "_weighted")
        .append(";\n    }\n");
    if (anyMirror) {
      out.append("\n    location = /_")
          .append(prefix)
          .append("_mirror {\n        internal;\n        if ($")
          .append(prefix)
          .append(
              "_mirrored != 1) {\n            return 204;\n        }\n        proxy_pass http://")
          .append(prefix)
          .append("_canary$request_uri;\n    }\n");
    }
    out.append("}\n");
    return out.toString();
  }

  private static void upstream(StringBuilder out, String name, List<String> servers, int weight) {
    out.append("upstream ").append(name).append(" {\n");
    for (String s : servers) {
      out.append("    server ").append(s);
      if (weight > 1) {
        out.append(" weight=").append(weight);
      }
      out.append(";\n");
    }
    out.append("}\n\n");
  }

  /**
   * Stable's servers and the canary's, weighted so that the canary gets {@code weight/max} of the
   * requests whatever the number of servers on each side; a side without a share is left out.
   */
  private static void weighted(
      StringBuilder out, String prefix, NginxConfig config, int weight, int max) {
    out.append("# ")
        .append(weight)
        .append(" of ")
        .append(max)
        .append(" to the canary\nupstream ")
        .append(prefix)
        .append("_weighted {\n");
    long canary = (long) weight * config.stable().size();
    long stable = (long) (max - weight) * config.canary().size();
    long gcd = BigInteger.valueOf(canary).gcd(BigInteger.valueOf(stable)).longValue();
    if (gcd > 0) {
      canary /= gcd;
      stable /= gcd;
    }
    if (stable > 0) {
      for (String s : config.stable()) {
        out.append("    server ")
            .append(s)
            .append(canary > 0 ? " weight=" + stable : "")
            .append(";\n");
      }
    }
    if (canary > 0) {
      for (String s : config.canary()) {
        out.append("    server ")
            .append(s)
            .append(stable > 0 ? " weight=" + canary : "")
            .append(";\n");
      }
    }
    out.append("}\n\n");
  }

  /** The request's matches for a mirror route: all of method, path and headers that are given. */
  private static String routeMatch(StringBuilder out, RouteMatch match, String var) {
    List<String> conditions = new ArrayList<>();
    if (match.method() != null) {
      condition(out, "$request_method", match.method(), var + "_method");
      conditions.add(var + "_method");
    }
    if (match.path() != null) {
      condition(out, "$uri", match.path(), var + "_path");
      conditions.add(var + "_path");
    }
    int h = 0;
    for (Map.Entry<String, StringMatch> e : new TreeMap<>(match.headers()).entrySet()) {
      condition(out, headerVariable(e.getKey()), e.getValue(), var + "_h" + h);
      conditions.add(var + "_h" + h);
      h++;
    }
    if (conditions.isEmpty()) {
      // No condition: every request (a path prefix "/").
      condition(
          out,
          "$uri",
          new StringMatch(dev.ramp.plugin.api.TrafficRouting.MatchType.PREFIX, "/"),
          var + "_path");
      conditions.add(var + "_path");
    }
    all(out, conditions, var);
    return var;
  }

  private static void condition(StringBuilder out, String source, StringMatch match, String var) {
    out.append("map ")
        .append(source)
        .append(" $")
        .append(var)
        .append(" {\n    default 0;\n    \"~")
        .append(quote(regex(match)))
        .append("\" 1;\n}\n");
  }

  /** 1 when every condition is 1. */
  private static void all(StringBuilder out, List<String> conditions, String var) {
    StringBuilder key = new StringBuilder();
    conditions.forEach(c -> key.append('$').append(c));
    out.append("map \"")
        .append(key)
        .append("\" $")
        .append(var)
        .append(" {\n    default 0;\n    \"")
        .append("1".repeat(conditions.size()))
        .append("\" 1;\n}\n\n");
  }

  /** 1 when any alternative is 1. */
  private static void any(StringBuilder out, List<String> alternatives, String var) {
    StringBuilder key = new StringBuilder();
    alternatives.forEach(c -> key.append('$').append(c));
    out.append("map \"")
        .append(key)
        .append("\" $")
        .append(var)
        .append(" {\n    default 0;\n    \"~1\" 1;\n}\n");
  }

  /** A PCRE that matches the whole value: exact, prefix, or the given expression in full. */
  static String regex(StringMatch match) {
    return switch (match.type()) {
      case EXACT -> "^" + literal(match.value()) + "$";
      case PREFIX -> "^" + literal(match.value());
      case REGEX -> "^(?:" + match.value() + ")$";
    };
  }

  private static final Pattern META = Pattern.compile("[\\\\^$.|?*+()\\[\\]{}]");

  private static String literal(String value) {
    return META.matcher(value).replaceAll("\\\\$0");
  }

  /** Inside NGINX's double quotes: a backslash and a quote are escaped. */
  private static String quote(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  static String headerVariable(String header) {
    return "$http_" + header.toLowerCase(Locale.ROOT).replace('-', '_');
  }

  private static String stateJson(RouterState state) {
    try {
      return Json.MAPPER.writeValueAsString(state);
    } catch (JsonProcessingException e) {
      throw new PluginException(PluginException.Reason.INTERNAL, "cannot write the state", e);
    }
  }

  /** The state an include was written from; empty when the text has none (not Ramp's file). */
  static Optional<RouterState> state(String text) {
    for (String line : text.lines().limit(20).toList()) {
      if (line.startsWith(STATE_MARK)) {
        try {
          return Optional.of(
              Json.MAPPER.readValue(line.substring(STATE_MARK.length()), RouterState.class));
        } catch (JsonProcessingException e) {
          throw new PluginException(
              PluginException.Reason.FAILED_PRECONDITION,
              "the include's state line does not parse (" + e.getOriginalMessage() + ")");
        }
      }
    }
    return Optional.empty();
  }
}
