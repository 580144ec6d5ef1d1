package dev.ramp.plugins.nginx;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.PluginException;
import dev.ramp.plugin.api.RouterCall;
import dev.ramp.plugin.api.TrafficRouterPlugin;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import dev.ramp.plugin.api.TrafficRouting.HeaderMatch;
import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.MirrorRoute;
import dev.ramp.plugin.api.TrafficRouting.WeightCheck;
import dev.ramp.plugin.api.TrafficRouting.WeightDestination;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * A traffic router over a real NGINX: each call rewrites the Rollout's include file (see {@link
 * IncludeFile}) and reloads NGINX gracefully; a reload NGINX refuses, or cannot get because it is
 * not running, puts the previous file back and answers the error with NGINX's words.
 *
 * <ul>
 *   <li>{@code setWeight}: the weighted upstream, out of {@code maxWeight};
 *   <li>{@code setHeaderRoute}, {@code setMirrorRoute}: a managed route, in the precedence of the
 *       call's managed routes; no match removes it; {@code removeManagedRoutes} removes them all;
 *   <li>{@code verifyWeight}: VERIFIED only when the include holds the weight and NGINX's workers
 *       answer the include's generation at the generation location;
 *   <li>{@code updateHash}: nothing. The upstream addresses are config: the canary and stable
 *       Services' (whose selectors Ramp's controller points at the pod template hashes), or hosts
 *       whose deployments the platform moves.
 * </ul>
 *
 * The plugin keeps nothing between calls: the include's header holds the generation, the weight and
 * the routes.
 */
@Extension
public final class NginxRouter implements TrafficRouterPlugin {

  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]+");

  private final Platform platform;
  private final Nginx nginx;
  private final Map<Path, Object> locks = new ConcurrentHashMap<>();

  /** The plugin as the runner loads it: the platform's settings from the environment. */
  public NginxRouter() {
    this(Platform.fromEnvironment(System.getenv()));
  }

  NginxRouter(Platform platform) {
    this(platform, new Nginx.Process(platform.reloadCommand()));
  }

  NginxRouter(Platform platform, Nginx nginx) {
    this.platform = platform;
    this.nginx = nginx;
  }

  /**
   * Nothing to route: the upstream addresses are config. The config and the include are still
   * checked, so that a broken setup shows at the first call.
   */
  @Override
  public void updateHash(
      RouterCall call, String canaryHash, String stableHash, List<WeightDestination> additional) {
    NginxConfig config = NginxConfig.parse(call.config(), platform);
    read(config.includeFile(), rollout(call));
  }

  @Override
  public void setWeight(RouterCall call, DesiredWeight weight) {
    check(weight);
    change(call, state -> state.withWeight(weight.weight(), weight.maxWeight()));
  }

  @Override
  public void setHeaderRoute(RouterCall call, HeaderRoute route) {
    managed(call, route.name());
    for (int i = 0; i < route.match().size(); i++) {
      HeaderMatch m = route.match().get(i);
      if (m.headerName() == null || !HEADER_NAME.matcher(m.headerName()).matches()) {
        throw new InvalidConfigException(
            "match[" + i + "].headerName",
            "'" + m.headerName() + "' is not a header name NGINX can match (letters, digits, '-')");
      }
      if (m.headerValue() == null) {
        throw new InvalidConfigException("match[" + i + "].headerValue", "is required");
      }
    }
    change(call, state -> state.withHeaderRoute(route));
  }

  @Override
  public void setMirrorRoute(RouterCall call, MirrorRoute route) {
    managed(call, route.name());
    if (route.percentage() < 0 || route.percentage() > 100) {
      throw new InvalidConfigException(
          "percentage", "must be from 0 to 100, was " + route.percentage());
    }
    for (int i = 0; i < route.match().size(); i++) {
      for (String header : route.match().get(i).headers().keySet()) {
        if (!HEADER_NAME.matcher(header).matches()) {
          throw new InvalidConfigException(
              "match[" + i + "].headers",
              "'" + header + "' is not a header name NGINX can match (letters, digits, '-')");
        }
      }
    }
    change(call, state -> state.withMirrorRoute(route));
  }

  @Override
  public void removeManagedRoutes(RouterCall call) {
    change(call, RouterState::withoutRoutes);
  }

  @Override
  public WeightCheck verifyWeight(RouterCall call, DesiredWeight weight) {
    check(weight);
    NginxConfig config = NginxConfig.parse(call.config(), platform);
    Optional<RouterState> written = read(config.includeFile(), rollout(call));
    if (written.isEmpty()) {
      return WeightCheck.notVerified("no include written yet at " + config.includeFile());
    }
    RouterState state = written.get();
    if ((long) state.weight() * weight.maxWeight() != (long) weight.weight() * state.maxWeight()) {
      return WeightCheck.notVerified(
          "the include holds "
              + state.weight()
              + "/"
              + state.maxWeight()
              + " for the canary, not "
              + weight.weight()
              + "/"
              + weight.maxWeight());
    }
    long served = nginx.servedGeneration(config.generationUrl());
    if (served != state.generation()) {
      return WeightCheck.notVerified(
          "NGINX's workers serve generation "
              + served
              + ", the include holds "
              + state.generation()
              + ": the reload has not taken effect yet");
    }
    return new WeightCheck(
        dev.ramp.plugin.api.TrafficRouting.Verification.VERIFIED,
        "NGINX serves generation "
            + served
            + ": "
            + weight.weight()
            + "/"
            + weight.maxWeight()
            + " to the canary");
  }

  private static void check(DesiredWeight weight) {
    if (!weight.additional().isEmpty()) {
      throw new InvalidConfigException(
          "additionalDestinations",
          "are not supported by the NGINX router (stable and canary only)");
    }
    if (weight.weight() < 0 || weight.weight() > weight.maxWeight()) {
      throw new InvalidConfigException(
          "desiredWeight", "must be from 0 to " + weight.maxWeight() + ", was " + weight.weight());
    }
  }

  private static void managed(RouterCall call, String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidConfigException("name", "is required: a managed route's name");
    }
    if (!call.managedRoutes().contains(name)) {
      throw new InvalidConfigException(
          "name",
          "'"
              + name
              + "' is not one of the Rollout's trafficRouting.managedRoutes "
              + call.managedRoutes());
    }
  }

  private static String rollout(RouterCall call) {
    return call.context().namespace() + "/" + call.context().rolloutName();
  }

  /**
   * Reads the include, applies {@code edit}, and when the routing changed writes the next
   * generation and reloads NGINX; a failed reload puts the previous file back.
   */
  private void change(RouterCall call, UnaryOperator<RouterState> edit) {
    NginxConfig config = NginxConfig.parse(call.config(), platform);
    Path file = config.includeFile();
    String prefix = NginxConfig.prefix(call.context().namespace(), call.context().rolloutName());
    synchronized (locks.computeIfAbsent(file, f -> new Object())) {
      String rollout = rollout(call);
      Optional<String> previous = text(file);
      RouterState current =
          read(file, rollout).orElse(RouterState.empty(rollout)).withOrder(call.managedRoutes());
      RouterState next = edit.apply(current);
      if (previous.isPresent() && IncludeFile.render(config, prefix, next).equals(previous.get())) {
        return; // already so: no new generation, no reload
      }
      next = next.nextGeneration();
      write(file, IncludeFile.render(config, prefix, next));
      try {
        nginx.reload();
      } catch (RuntimeException e) {
        if (previous.isPresent()) {
          write(file, previous.get());
        } else {
          delete(file);
        }
        if (e instanceof PluginException p) {
          throw new PluginException(
              p.reason(), p.getMessage() + "; the previous include is kept", p);
        }
        throw e;
      }
    }
  }

  private static Optional<RouterState> read(Path file, String rollout) {
    Optional<String> text = text(file);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<RouterState> state = IncludeFile.state(text.get());
    if (state.isEmpty()) {
      throw new PluginException(
          PluginException.Reason.FAILED_PRECONDITION,
          file + " exists and was not written by Ramp's NGINX router: not overwriting it");
    }
    if (!rollout.equals(state.get().rollout())) {
      throw new PluginException(
          PluginException.Reason.FAILED_PRECONDITION,
          file
              + " holds the routes of Rollout "
              + state.get().rollout()
              + ", not "
              + rollout
              + ": give each Rollout its own includeFile");
    }
    return state;
  }

  private static Optional<String> text(Path file) {
    try {
      return Files.exists(file)
          ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      throw new PluginException(
          PluginException.Reason.UNAVAILABLE, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Written beside the file and moved over it: NGINX never reads half a file. */
  private static void write(Path file, String text) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try {
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        // Readable by NGINX's master whichever user it runs as; it holds no secret.
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new PluginException(
          PluginException.Reason.UNAVAILABLE, "cannot write " + file + ": " + e, e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new PluginException(
          PluginException.Reason.UNAVAILABLE, "cannot remove " + file + ": " + e, e);
    }
  }
}
