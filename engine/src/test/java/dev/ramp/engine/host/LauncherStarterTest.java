package dev.ramp.engine.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.engine.host.config.PluginEntry;
import dev.ramp.engine.host.config.PluginKind;
import dev.ramp.engine.host.config.PluginLimits;
import dev.ramp.plugin.sdk.launch.PluginLaunchException.Reason;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class LauncherStarterTest {

  @Test
  void onlyFailuresThatRetryingCannotFixAreRefusals() {
    EnumSet<Reason> permanent = EnumSet.noneOf(Reason.class);
    for (Reason reason : Reason.values()) {
      if (LauncherStarter.permanent(reason)) {
        permanent.add(reason);
      }
    }
    assertThat(permanent)
        .containsExactlyInAnyOrder(
            Reason.NOT_FOUND,
            Reason.NOT_EXECUTABLE,
            Reason.CHECKSUM_MISMATCH,
            Reason.UNSUPPORTED_PROTOCOL,
            Reason.BAD_HANDSHAKE);
  }

  @Test
  void aJarWithoutARunnerIsRefusedSayingWhereTheRunnerGoes() {
    PluginEntry jar =
        new PluginEntry(
            PluginKind.STEP,
            "acme/hook",
            Path.of("/opt/hook.jar").toUri(),
            null,
            List.of(),
            null,
            false,
            PluginLimits.defaults(),
            List.of(),
            false);
    assertThatThrownBy(
            () ->
                new LauncherStarter(
                        null,
                        Path.of(System.getProperty("java.io.tmpdir"), "ramp-test-cache"),
                        null)
                    .start(jar))
        .isInstanceOfSatisfying(
            PluginStarter.LaunchFailure.class, e -> assertThat(e.permanent()).isTrue())
        .hasMessageContaining("acme/hook")
        .hasMessageContaining("ramp-plugin-runner.jar")
        .hasMessageContaining("-Dramp.runner.jar");
  }

  private static PluginEntry withAccess(String name) {
    return new PluginEntry(
        PluginKind.TRAFFIC_ROUTER,
        name,
        Path.of("/opt/ramp/plugins/" + name.replace('/', '-')).toUri(),
        null,
        List.of(),
        null,
        false,
        PluginLimits.defaults(),
        List.of(),
        true);
  }

  @Test
  void anEntryAskingForKubernetesAccessFromAHostWithoutAnyIsRefusedNamingThePlugin() {
    assertThatThrownBy(
            () ->
                new LauncherStarter(
                        null,
                        Path.of(System.getProperty("java.io.tmpdir"), "ramp-test-cache"),
                        null)
                    .start(withAccess("acme/router")))
        .isInstanceOfSatisfying(
            PluginStarter.LaunchFailure.class, e -> assertThat(e.permanent()).isTrue())
        .hasMessageStartingWith("plugin acme/router asks for kubernetesAccess")
        .hasMessageContaining("no Kubernetes access to hand over");
  }

  @Test
  void aKubeconfigThatCannotBeMadeNowIsRetriedNotRefused() {
    KubernetesAccess broken =
        () -> {
          throw new IllegalStateException("token file unreadable");
        };
    assertThatThrownBy(
            () ->
                new LauncherStarter(
                        null,
                        Path.of(System.getProperty("java.io.tmpdir"), "ramp-test-cache"),
                        broken)
                    .start(withAccess("acme/router")))
        .isInstanceOfSatisfying(
            PluginStarter.LaunchFailure.class, e -> assertThat(e.permanent()).isFalse())
        .hasMessage("plugin acme/router: cannot make its kubeconfig: token file unreadable");
  }
}
