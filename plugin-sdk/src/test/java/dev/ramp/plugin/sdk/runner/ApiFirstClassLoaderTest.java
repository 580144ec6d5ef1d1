package dev.ramp.plugin.sdk.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.plugin.api.StepPlugin;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.pf4j.DefaultPluginDescriptor;
import org.pf4j.JarPluginManager;

class ApiFirstClassLoaderTest {

  @Test
  void theApiAndTheLibrariesItExposesAreShared() {
    assertThat(ApiFirstClassLoader.shared("dev.ramp.plugin.api.StepPlugin")).isTrue();
    assertThat(ApiFirstClassLoader.shared("dev.ramp.plugin.v1.StepRequest")).isTrue();
    assertThat(ApiFirstClassLoader.shared("com.fasterxml.jackson.databind.JsonNode")).isTrue();
    assertThat(ApiFirstClassLoader.shared("io.grpc.Status")).isTrue();
    assertThat(ApiFirstClassLoader.shared("com.google.protobuf.Duration")).isTrue();
    assertThat(ApiFirstClassLoader.shared("org.pf4j.Extension")).isTrue();
    assertThat(ApiFirstClassLoader.shared("org.slf4j.Logger")).isTrue();
  }

  @Test
  void thePluginsOwnLibrariesAreNot() {
    assertThat(ApiFirstClassLoader.shared("com.acme.CountingStep")).isFalse();
    assertThat(ApiFirstClassLoader.shared("okhttp3.OkHttpClient")).isFalse();
    assertThat(ApiFirstClassLoader.shared("com.google.common.collect.ImmutableList")).isFalse();
  }

  @Test
  void aSharedClassComesFromTheRunnerEvenWhenThePluginHasACopy() throws Exception {
    Path apiCopy = codeSource(StepPlugin.class);
    try (ApiFirstClassLoader loader = loader(getClass().getClassLoader(), apiCopy)) {
      assertThat(loader.loadClass("dev.ramp.plugin.api.StepPlugin")).isSameAs(StepPlugin.class);
    }
  }

  @Test
  void aClassOfASharedPackageThatTheRunnerLacksComesFromThePlugin() throws Exception {
    Path testClasses = codeSource(getClass());
    // The platform loader sees no dev.ramp class at all, as a runner without this one.
    try (ApiFirstClassLoader loader = loader(ClassLoader.getPlatformClassLoader(), testClasses)) {
      Class<?> own = loader.loadClass(getClass().getName());
      assertThat(own.getClassLoader()).isSameAs(loader);
    }
  }

  private static ApiFirstClassLoader loader(ClassLoader parent, Path pluginPath) {
    DefaultPluginDescriptor descriptor =
        new DefaultPluginDescriptor("acme-test", "", "", "1.0.0", "", "", "");
    ApiFirstClassLoader loader =
        new ApiFirstClassLoader(new JarPluginManager(pluginPath), descriptor, parent);
    loader.addFile(pluginPath.toFile());
    return loader;
  }

  private static Path codeSource(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
