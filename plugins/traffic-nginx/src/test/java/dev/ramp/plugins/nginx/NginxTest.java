package dev.ramp.plugins.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.api.InvalidConfigException;
import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a failed reload is read, the platform's settings, and the config's checks. */
class NginxTest {

  @Test
  void aMissingPidFileIsNginxNotRunning() {
    PluginException e =
        Nginx.failure(
            "nginx -s reload",
            1,
            "nginx: [error] open() \"/srv/nginx/nginx.pid\" failed (2: No such file or directory)\n");
    assertThat(e.reason()).isEqualTo(PluginException.Reason.UNAVAILABLE);
    assertThat(e.getMessage())
        .isEqualTo(
            "NGINX is not running (nginx -s reload exited 1): nginx: [error] open()"
                + " \"/srv/nginx/nginx.pid\" failed (2: No such file or directory)");
  }

  @Test
  void anEmergIsARefusedConfiguration() {
    PluginException e =
        Nginx.failure(
            "nginx -s reload",
            1,
            "nginx: [emerg] unknown directive \"bogus\" in /etc/nginx/nginx.conf:12\n");
    assertThat(e.reason()).isEqualTo(PluginException.Reason.INVALID_CONFIG);
    assertThat(e.getMessage()).startsWith("NGINX refused the configuration (nginx -s reload");
  }

  @Test
  void theDefaultReloadCommandCarriesPrefixAndConf() {
    assertThat(Platform.fromEnvironment(Map.of()).reloadCommand())
        .containsExactly("/usr/sbin/nginx", "-s", "reload");
    assertThat(
            Platform.fromEnvironment(
                    Map.of("RAMP_NGINX_PREFIX", "/srv/ngx", "RAMP_NGINX_CONF", "/srv/ngx/n.conf"))
                .reloadCommand())
        .containsExactly(
            "/usr/sbin/nginx", "-p", "/srv/ngx", "-c", "/srv/ngx/n.conf", "-s", "reload");
    assertThat(
            Platform.fromEnvironment(
                    Map.of("RAMP_NGINX_RELOAD_COMMAND", "sudo  systemctl reload nginx"))
                .reloadCommand())
        .containsExactly("sudo", "systemctl", "reload", "nginx");
  }

  @Test
  void theConfigIsCheckedFieldByField() {
    Platform platform = new Platform(List.of("nginx"), Path.of("/etc/nginx/ramp"));
    NginxConfig config =
        NginxConfig.parse(
            Json.parse(
                "{\"includeFile\": \"shop.conf\", \"listen\": \"0.0.0.0:8080\", \"stable\":"
                    + " [\"10.0.0.1:80\"], \"canary\": \"canary.internal:80\"}"),
            platform);
    assertThat(config.includeFile()).isEqualTo(Path.of("/etc/nginx/ramp/shop.conf"));
    assertThat(config.generationUrl())
        .isEqualTo(URI.create("http://127.0.0.1:8080/ramp-generation"));
    assertThat(config.canary()).containsExactly("canary.internal:80");

    assertThatThrownBy(
            () ->
                NginxConfig.parse(
                    Json.parse(
                        "{\"includeFile\": \"shop.conf\", \"listen\": \"8080\", \"stable\":"
                            + " [\"10.0.0.1\"], \"canary\": \"c:1\"}"),
                    platform))
        .isInstanceOfSatisfying(
            InvalidConfigException.class, e -> assertThat(e.field()).isEqualTo("stable[0]"))
        .hasMessage("stable[0]: '10.0.0.1' must be host:port (a port is required)");
    assertThatThrownBy(
            () ->
                NginxConfig.parse(
                    Json.parse("{\"includeFile\": \"a.conf\", \"reload\": \"x\"}"), platform))
        .hasMessageStartingWith("reload: unknown field; the fields are includeFile, listen");
    assertThatThrownBy(
            () ->
                NginxConfig.parse(
                    Json.parse(
                        "{\"includeFile\": \"a.conf\", \"listen\": \"80; include /x\","
                            + " \"stable\": \"a:1\", \"canary\": \"b:2\"}"),
                    platform))
        .hasMessage("listen: '80; include /x': the port must be a number from 1 to 65535");
  }
}
