package dev.ramp.plugin.sdk.runner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
