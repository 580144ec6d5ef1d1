package dev.ramp.plugins.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.api.TrafficRouterPlugin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;

/**
 * The packaged plugin JAR: what the runner relies on, the libraries it bundles and those it leaves
 * to the runner, and PF4J loading it for real.
 */
class PluginJarIT {

  private static List<String> entries() throws IOException {
    try (JarFile file = new JarFile(PluginJars.plugin().toFile())) {
      return Collections.list(file.entries()).stream().map(JarEntry::getName).toList();
    }
  }

  @Test
  void manifestNamesThePluginForPf4j() throws IOException {
    try (JarFile file = new JarFile(PluginJars.plugin().toFile())) {
      Attributes manifest = file.getManifest().getMainAttributes();
      assertThat(manifest.getValue("Plugin-Id")).isEqualTo("traffic-gatewayapi");
      assertThat(manifest.getValue("Plugin-Version"))
          .isEqualTo(System.getProperty("ramp.plugin.version", "0.1.0-SNAPSHOT"));
      assertThat(manifest.getValue("Plugin-Requires")).isEqualTo(">=0.1.0");
      assertThat(manifest.getValue("Plugin-Provider")).isEqualTo("Ramp");
      JarEntry index = file.getJarEntry("META-INF/extensions.idx");
      assertThat(index).as("META-INF/extensions.idx").isNotNull();
      String text = new String(file.getInputStream(index).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(text.lines().filter(l -> !l.startsWith("#")).map(String::trim))
          .containsExactly(GatewayApiRouter.class.getName());
    }
  }

  @Test
  void theJarBundlesTheKubernetesClientButNotWhatTheRunnerProvides() throws IOException {
    List<String> entries = entries();
    assertThat(entries)
        .contains(
            "dev/ramp/plugins/gatewayapi/GatewayApiRouter.class",
            "io/fabric8/kubernetes/api/model/gatewayapi/v1/HTTPRoute.class",
            "io/fabric8/kubernetes/client/jdkhttp/JdkHttpClientFactory.class",
            "com/fasterxml/jackson/dataformat/yaml/YAMLFactory.class");
    assertThat(entries)
        .filteredOn(
            name ->
                name.startsWith("dev/ramp/plugin/")
                    || name.startsWith("com/fasterxml/jackson/databind/")
                    || name.startsWith("com/fasterxml/jackson/core/")
                    || name.startsWith("org/slf4j/")
                    || name.startsWith("org/pf4j/")
                    || name.startsWith("io/grpc/")
                    || name.startsWith("io/vertx/")
                    || name.startsWith("io/netty/"))
        .as("the plugin API, Jackson's core, SLF4J, PF4J and gRPC come from the runner")
        .isEmpty();
  }

  @Test
  void pf4jLoadsTheJarAndFindsTheRouter(@TempDir Path plugins) throws IOException {
    Files.copy(PluginJars.plugin(), plugins.resolve("ramp-traffic-gatewayapi.jar"));
    PluginManager manager = new JarPluginManager(plugins);
    manager.setSystemVersion("0.1.0");
    try {
      manager.loadPlugins();
      manager.startPlugins();

      assertThat(manager.getPlugin("traffic-gatewayapi").getPluginState())
          .isEqualTo(PluginState.STARTED);
      assertThat(manager.getExtensions(TrafficRouterPlugin.class, "traffic-gatewayapi"))
          .singleElement()
          .satisfies(
              router ->
                  assertThat(router.getClass().getName())
                      .isEqualTo(GatewayApiRouter.class.getName()));
    } finally {
      manager.unloadPlugins();
    }
  }
}
