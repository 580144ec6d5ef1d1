package dev.ramp.plugin.sdk.runner;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's refusals, each one line naming the JAR and the fix (exit status 2). */
class PluginRunnerTest {

  @TempDir Path dir;

  @Test
  void withoutArgumentsItPrintsTheUsage() {
    assertThatThrownBy(() -> PluginRunner.load(new String[0]))
        .isInstanceOf(PluginRunner.BadPluginException.class)
        .hasMessageStartingWith("usage: java -jar ramp-plugin-runner.jar /path/to/plugin.jar");
  }

  @Test
  void aMissingJarIsNamed() {
    Path missing = dir.resolve("missing.jar");

    assertThatThrownBy(() -> PluginRunner.load(new String[] {missing.toString()}))
        .isInstanceOf(PluginRunner.BadPluginException.class)
        .hasMessage("cannot read plugin JAR " + missing + ": no such readable file");
  }

  @Test
  void aFileThatIsNotAJarIsNamed() throws Exception {
    Path text = Files.writeString(dir.resolve("plugin.jar"), "not a zip");

    assertThatThrownBy(() -> PluginRunner.load(new String[] {text.toString()}))
        .isInstanceOf(PluginRunner.BadPluginException.class)
        .hasMessageStartingWith("cannot read plugin JAR " + text + ": not a JAR");
  }

  @Test
  void aJarWithoutPluginVersionIsRefused() throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Plugin-Id", "acme-x");
    Path jar = dir.resolve("x.jar");
    new JarOutputStream(Files.newOutputStream(jar), manifest).close();

    assertThatThrownBy(() -> PluginRunner.load(new String[] {jar.toString()}))
        .isInstanceOf(PluginRunner.BadPluginException.class)
        .hasMessageContaining("has no Plugin-Version");
  }

  @Test
  void aPluginRequiringANewerRunnerDoesNotStart() throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Plugin-Id", "acme-future");
    manifest.getMainAttributes().putValue("Plugin-Version", "1.0.0");
    manifest.getMainAttributes().putValue("Plugin-Requires", ">=99.0.0");
    Path jar = dir.resolve("future.jar");
    new JarOutputStream(Files.newOutputStream(jar), manifest).close();

    assertThatThrownBy(() -> PluginRunner.load(new String[] {jar.toString()}))
        .isInstanceOf(PluginRunner.BadPluginException.class)
        .hasMessageContaining("plugin acme-future")
        .hasMessageContaining("did not start")
        .hasMessageContaining("Plugin-Requires (>=99.0.0)");
  }
}
