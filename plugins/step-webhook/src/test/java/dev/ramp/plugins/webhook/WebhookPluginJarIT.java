package dev.ramp.plugins.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.api.Json;
import dev.ramp.plugin.api.PluginContext;
import dev.ramp.plugin.api.StepCall;
import dev.ramp.plugin.api.StepPhase;
import dev.ramp.plugin.api.StepPlugin;
import dev.ramp.plugin.api.StepResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;

/** The packaged plugin JAR: what the runner relies on, and PF4J loading it for real. */
class WebhookPluginJarIT {

  private static final String EXTENSION = WebhookStepPlugin.class.getName();

  private static Path jar() {
    Path jar = Paths.get(System.getProperty("ramp.plugin.jar", "target/ramp-step-webhook.jar"));
    assertThat(jar).as("the plugin JAR; build it with mvn verify").isRegularFile();
    return jar;
  }

  @Test
  void manifestNamesThePluginForPf4j() throws IOException {
    try (JarFile file = new JarFile(jar().toFile())) {
      Attributes manifest = file.getManifest().getMainAttributes();
      assertThat(manifest.getValue("Plugin-Id")).isEqualTo("step-webhook");
      assertThat(manifest.getValue("Plugin-Version"))
          .isEqualTo(System.getProperty("ramp.plugin.version", "0.1.0-SNAPSHOT"));
      assertThat(manifest.getValue("Plugin-Requires")).isEqualTo(">=0.1.0");
      assertThat(manifest.getValue("Plugin-Provider")).isEqualTo("Ramp");
    }
  }

  @Test
  void extensionIndexListsTheStepPlugin() throws IOException {
    try (JarFile file = new JarFile(jar().toFile())) {
      JarEntry index = file.getJarEntry("META-INF/extensions.idx");
      assertThat(index).as("META-INF/extensions.idx").isNotNull();
      String text = new String(file.getInputStream(index).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(text.lines().filter(l -> !l.startsWith("#")).map(String::trim))
          .containsExactly(EXTENSION);
    }
  }

  @Test
  void jarIsThinHoldingOnlyThePluginsOwnClasses() throws IOException {
    try (JarFile file = new JarFile(jar().toFile())) {
      List<String> classes =
          Collections.list(file.entries()).stream()
              .map(JarEntry::getName)
              .filter(n -> n.endsWith(".class"))
              .toList();
      assertThat(classes)
          .isNotEmpty()
          .contains("dev/ramp/plugins/webhook/WebhookStepPlugin.class")
          .allSatisfy(n -> assertThat(n).startsWith("dev/ramp/plugins/webhook/"));
    }
  }

  @Test
  void pf4jLoadsTheJarAndTheExtensionCallsAnEndpoint(@TempDir Path plugins) throws IOException {
    Files.copy(jar(), plugins.resolve("ramp-step-webhook.jar"));
    PluginManager manager = new JarPluginManager(plugins);
    manager.setSystemVersion("0.1.0");
    try (RecordingServer server = RecordingServer.start()) {
      manager.loadPlugins();
      manager.startPlugins();

      assertThat(manager.getPlugin("step-webhook")).isNotNull();
      assertThat(manager.getPlugin("step-webhook").getPluginState()).isEqualTo(PluginState.STARTED);
      List<StepPlugin> extensions = manager.getExtensions(StepPlugin.class, "step-webhook");
      assertThat(extensions).hasSize(1);
      StepPlugin plugin = extensions.get(0);
      assertThat(plugin.getClass().getName()).isEqualTo(EXTENSION);
      assertThat(plugin.getClass().getClassLoader()).isInstanceOf(PluginClassLoader.class);

      server.reply("/job/deploy/build", 201, "");
      PluginContext context =
          new PluginContext("u", "shop", "checkout", "h", 0, "s", "Run", 1, "k-1", "ramp/webhook");
      StepResult result =
          plugin.run(
              new StepCall(
                  context,
                  Json.parse("{}"),
                  Json.parse("{\"url\": \"" + server.url("/job/deploy/build") + "\"}"),
                  null));

      assertThat(result.phase()).isEqualTo(StepPhase.SUCCESSFUL);
      assertThat(server.last().header("Idempotency-Key")).isEqualTo("k-1");
    } finally {
      // unloadPlugins stops them first (stopPlugins itself trips over its own list in 3.15.0)
      manager.unloadPlugins();
    }
  }
}
