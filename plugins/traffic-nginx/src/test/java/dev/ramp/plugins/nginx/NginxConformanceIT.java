package dev.ramp.plugins.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.sdk.testkit.ConformanceReport;
import dev.ramp.plugin.sdk.testkit.PluginTestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's conformance kit against the plugin JAR, started as the controller starts it, in front
 * of a real NGINX reloaded with the default command ({@code nginx -p PREFIX -c CONF -s reload} from
 * the plugin's environment): every call is served, and the include is left as the calls say.
 */
class NginxConformanceIT {

  @TempDir Path dir;

  @Test
  void thePluginPassesTheConformanceKit() throws Exception {
    assumeThat(LocalNginx.NGINX).as("Debian's nginx (apt-get install nginx)").isExecutable();
    List<String> output = new CopyOnWriteArrayList<>();
    int port = LocalNginx.freePort();
    try (LocalNginx nginx = LocalNginx.start(dir)) {
      ConformanceReport report =
          new PluginTestKit(output::add)
              .verify(
                  PluginJars.spec(
                      Map.of(
                          "RAMP_NGINX_PREFIX", dir.toString(),
                          "RAMP_NGINX_CONF", dir.resolve("nginx.conf").toString(),
                          "RAMP_NGINX_INCLUDE_DIR", dir.resolve("ramp").toString())),
                  Set.of(PluginTestKit.Kind.TRAFFIC_ROUTER),
                  Json.parse(
                      "{\"includeFile\": \"testkit.conf\", \"listen\": \"127.0.0.1:"
                          + port
                          + "\", \"stable\": \"127.0.0.1:9\", \"canary\": \"127.0.0.1:9\"}"));

      assertThat(report.passed()).as(report.render() + String.join("\n", output)).isTrue();
      assertThat(report.checks())
          .filteredOn(check -> check.name().startsWith("trafficRouter:"))
          .as(report.render())
          .hasSize(7)
          .allSatisfy(check -> assertThat(check.message()).isEqualTo("answered OK"));
      assertThat(report.check("Info answers").orElseThrow().message())
          .startsWith("name traffic-nginx, version 0.1.0-SNAPSHOT, kinds [TRAFFIC_ROUTER]");

      // SetWeight 10 stayed; the header and mirror routes went with RemoveManagedRoutes.
      String include = Files.readString(dir.resolve("ramp/testkit.conf"));
      RouterState state = IncludeFile.state(include).orElseThrow();
      assertThat(state.weight()).isEqualTo(10);
      assertThat(state.headerRoutes()).isEmpty();
      assertThat(state.mirrorRoutes()).isEmpty();
      assertThat(include).contains("# 10 of 100 to the canary").doesNotContain("map ");
      assertThat(nginx.isAlive()).as(nginx.log()).isTrue();
    }
  }
}
