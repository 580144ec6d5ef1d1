package dev.ramp.plugins.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.TrafficRouting.HeaderMatch;
import dev.ramp.plugin.api.TrafficRouting.HeaderRoute;
import dev.ramp.plugin.api.TrafficRouting.MatchType;
import dev.ramp.plugin.api.TrafficRouting.MirrorRoute;
import dev.ramp.plugin.api.TrafficRouting.RouteMatch;
import dev.ramp.plugin.api.TrafficRouting.StringMatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The include as text, compared whole with the fixtures in {@code src/test/resources/includes} (the
 * same files the ITs load into a real NGINX), and read back into the state it was written from.
 */
class IncludeFileTest {

  static final Platform PLATFORM = new Platform(List.of("nginx", "-s", "reload"), null);
  static final String PREFIX = NginxConfig.prefix("shop", "checkout");

  static NginxConfig config(String json) {
    return NginxConfig.parse(Json.parse(json), PLATFORM);
  }

  static final NginxConfig CONFIG =
      config(
          "{\"includeFile\": \"/etc/nginx/ramp/checkout.conf\", \"listen\": \"127.0.0.1:8080\","
              + " \"stable\": \"127.0.0.1:9001\", \"canary\": \"127.0.0.1:9002\"}");

  static final RouterState EMPTY = RouterState.empty("shop/checkout");

  static StringMatch exact(String v) {
    return new StringMatch(MatchType.EXACT, v);
  }

  static final HeaderRoute TAX_USER =
      new HeaderRoute("tax-user", List.of(new HeaderMatch("X-Tax-User", exact("henrik"))));
  static final MirrorRoute SHADOW =
      new MirrorRoute(
          "shadow",
          50,
          List.of(new RouteMatch(null, new StringMatch(MatchType.PREFIX, "/"), Map.of())));

  static String fixture(String name) throws IOException {
    try (InputStream in = IncludeFileTest.class.getResourceAsStream("/includes/" + name)) {
      if (in == null) {
        return "(no fixture " + name + ")";
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Compares whole; a differing text is left in target/includes for a look. */
  static void assertRendered(String name, String text) throws IOException {
    Path out = Path.of("target", "includes", name);
    Files.createDirectories(out.getParent());
    Files.writeString(out, text);
    assertThat(text).as("rendered %s (written to %s)", name, out).isEqualTo(fixture(name));
  }

  @Test
  void noIncludeYetIsEverythingToStable() throws IOException {
    assertRendered("stable-only.conf", IncludeFile.render(CONFIG, PREFIX, EMPTY.nextGeneration()));
  }

  @Test
  void twentyOfAHundredIsFourToOne() throws IOException {
    RouterState state = EMPTY.withWeight(20, 100).nextGeneration().nextGeneration();
    assertRendered("weight-20.conf", IncludeFile.render(CONFIG, PREFIX, state));
  }

  @Test
  void aHundredPercentLeavesStableOut() throws IOException {
    assertRendered(
        "weight-100.conf",
        IncludeFile.render(CONFIG, PREFIX, EMPTY.withWeight(1000, 1000).nextGeneration()));
  }

  @Test
  void weightsAreSharedOverSeveralServersOnEachSide() throws IOException {
    NginxConfig three =
        config(
            "{\"includeFile\": \"/etc/nginx/ramp/checkout.conf\", \"listen\": \"8080\","
                + " \"serverName\": \"checkout.example\","
                + " \"stable\": [\"10.0.0.1:80\", \"10.0.0.2:80\"],"
                + " \"canary\": [\"10.0.1.1:80\"]}");
    assertRendered(
        "weight-60-of-1000-three-servers.conf",
        IncludeFile.render(three, PREFIX, EMPTY.withWeight(60, 1000).nextGeneration()));
  }

  @Test
  void headerAndMirrorRoutesInTheManagedRoutesOrder() throws IOException {
    RouterState state =
        EMPTY
            .withWeight(20, 100)
            .withOrder(List.of("tax-user", "beta", "shadow"))
            .withMirrorRoute(SHADOW)
            .withHeaderRoute(TAX_USER)
            .withHeaderRoute(
                new HeaderRoute(
                    "beta",
                    List.of(
                        new HeaderMatch("X-Beta", new StringMatch(MatchType.PREFIX, "yes.")),
                        new HeaderMatch(
                            "User-Agent",
                            new StringMatch(MatchType.REGEX, ".*\"Firefox\"/[0-9]+")))))
            .nextGeneration();
    assertRendered("routes.conf", IncludeFile.render(CONFIG, PREFIX, state));
  }

  @Test
  void mirrorMatchesOnMethodPathAndHeaders() throws IOException {
    RouterState state =
        EMPTY
            .withOrder(List.of("shadow", "all"))
            .withMirrorRoute(
                new MirrorRoute(
                    "shadow",
                    5,
                    List.of(
                        new RouteMatch(
                            exact("POST"),
                            new StringMatch(MatchType.PREFIX, "/api/"),
                            Map.of("X-Region", exact("eu"))),
                        new RouteMatch(null, exact("/health"), Map.of()))))
            .withMirrorRoute(new MirrorRoute("all", 100, List.of(new RouteMatch(null, null, null))))
            .nextGeneration();
    assertRendered("mirrors.conf", IncludeFile.render(CONFIG, PREFIX, state));
  }

  @Test
  void theStateIsReadBackFromTheText() {
    RouterState state =
        EMPTY
            .withWeight(20, 100)
            .withOrder(List.of("tax-user", "shadow"))
            .withHeaderRoute(TAX_USER)
            .withMirrorRoute(SHADOW)
            .nextGeneration();
    assertThat(IncludeFile.state(IncludeFile.render(CONFIG, PREFIX, state))).contains(state);
    assertThat(IncludeFile.state("upstream x { server a:1; }\n")).isEmpty();
  }

  @Test
  void removingARouteLeavesTheWeight() {
    RouterState state =
        EMPTY.withWeight(20, 100).withOrder(List.of("tax-user")).withHeaderRoute(TAX_USER);
    assertThat(state.withHeaderRoute(new HeaderRoute("tax-user", List.of())))
        .isEqualTo(EMPTY.withWeight(20, 100).withOrder(List.of("tax-user")));
    assertThat(state.withoutRoutes().headerRoutes()).isEmpty();
    assertThat(state.withoutRoutes().weight()).isEqualTo(20);
  }
}
