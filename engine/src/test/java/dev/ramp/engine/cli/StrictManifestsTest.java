package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ramp.engine.cli.MistakenManifests.Case;
import dev.ramp.engine.cli.MistakenManifests.Seen;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.rollout.Observed;
import dev.ramp.engine.rollout.Plan;
import dev.ramp.engine.rollout.RolloutReconciler;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each mistaken manifest gets its one exact message from `ramp lint` and, where a controller can
 * see the mistake, the same message as the controller's InvalidSpec condition — read as the
 * informer reads it (fabric8's serialization) and planned by the reconcile pipeline.
 */
class StrictManifestsTest {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @TempDir Path dir;

  static Stream<Case> cases() {
    return MistakenManifests.all().stream();
  }

  @Test
  void thereAreAtLeastFortyAndTheValidManifestIsCleanEverywhere() throws Exception {
    assertThat(MistakenManifests.all()).hasSizeGreaterThanOrEqualTo(40);
    assertThat(MistakenManifests.all().stream().map(Case::name).distinct())
        .hasSameSizeAs(MistakenManifests.all());
    Path file = Files.writeString(dir.resolve("valid.yaml"), MistakenManifests.VALID);
    CliHarness.Result lint = CliHarness.run("lint", "-f", file.toString());
    assertThat(lint.out()).isEqualTo(file + ":1: Rollout checkout: ok\n");
    assertThat(lint.exitCode()).isZero();
    assertThat(invalidSpec(MistakenManifests.VALID)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void lintNamesTheMistake(Case c) throws Exception {
    Path file = Files.writeString(dir.resolve("rollout.yaml"), c.manifest());
    CliHarness.Result lint = CliHarness.run("lint", "-f", file.toString());
    assertThat(lint.out().lines())
        .as(c.name())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .matches(
                        java.util.regex.Pattern.quote(file.toString())
                            + ":\\d+: Rollo(ut|t) [Cc]heckout(_1)?: .*")
                    .endsWith(": " + c.message()));
    assertThat(lint.exitCode()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theControllerSaysTheSameAsInvalidSpec(Case c) throws Exception {
    if (c.seen() == Seen.LINT) {
      return; // an API server refuses these (or cannot hold them); a controller never sees them
    }
    RolloutCondition condition = invalidSpec(c.manifest());
    assertThat(condition).as(c.name()).isNotNull();
    assertThat(condition.message).isEqualTo(c.message());
  }

  /** The InvalidSpec condition after one reconcile of the manifest, or null when it is valid. */
  static RolloutCondition invalidSpec(String yaml) {
    Rollout rollout = new KubernetesSerialization().unmarshal(yaml, Rollout.class);
    rollout.getMetadata().setNamespace("default");
    rollout.getMetadata().setGeneration(1L);
    rollout.getMetadata().setUid("uid-checkout");
    Plan plan =
        new RolloutReconciler()
            .reconcile(new Observed(rollout, List.of(), MistakenManifests.SERVICES, NOW));
    return plan.status().condition("InvalidSpec");
  }
}
