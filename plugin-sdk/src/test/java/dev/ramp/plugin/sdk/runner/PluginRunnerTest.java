package dev.ramp.plugin.sdk.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.v1.PluginInfo;
import dev.ramp.plugin.v1.PluginKind;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
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

  @Test
  void oneExtensionOfTwoKindsIsServedAsBoth() throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Plugin-Id", "acme/two-kinds");
    manifest.getMainAttributes().putValue("Plugin-Version", "3.1.0");
    manifest.getMainAttributes().putValue("Plugin-Requires", ">=0.1.0");
    Path jar = dir.resolve("two-kinds.jar");
    String classFile = TwoKindsPlugin.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.putNextEntry(new JarEntry("META-INF/extensions.idx"));
      out.write((TwoKindsPlugin.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      out.putNextEntry(new JarEntry(classFile));
      try (InputStream in = TwoKindsPlugin.class.getClassLoader().getResourceAsStream(classFile)) {
        out.write(in.readAllBytes());
      }
    }

    PluginInfo info = PluginRunner.load(new String[] {jar.toString()}).info();

    assertThat(info.getName()).isEqualTo("acme/two-kinds");
    assertThat(info.getVersion()).isEqualTo("3.1.0");
    assertThat(info.getKindsList())
        .containsExactly(PluginKind.PLUGIN_KIND_STEP, PluginKind.PLUGIN_KIND_METRIC_PROVIDER);
  }
}
