package dev.ramp.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CRD YAML in config/crd/ is generated from the Java model. This test regenerates it and
 * fails on any difference; {@code -Dramp.updateCrds=true} rewrites config/crd/ instead.
 */
class CrdDriftTest {
  static final Path CHECKED_IN = Path.of("..", "config", "crd", "rollouts.ramp.dev-v1.yml");

  @Test
  void checkedInCrdMatchesTheModel(@TempDir Path dir) throws IOException {
    new CRDGenerator()
        .customResourceClasses(Rollout.class)
        .forCRDVersions("v1")
        .inOutputDir(dir.toFile())
        .generate();
    String generated = Files.readString(dir.resolve("rollouts.ramp.dev-v1.yml"));
    if (Boolean.getBoolean("ramp.updateCrds")) {
      Files.createDirectories(CHECKED_IN.getParent());
      Files.writeString(CHECKED_IN, generated);
    }
    assertThat(Files.exists(CHECKED_IN))
        .as("config/crd/rollouts.ramp.dev-v1.yml is missing; regenerate it with "
            + "mvn -pl engine -am test -Dtest=CrdDriftTest -Dramp.updateCrds=true "
            + "-Dsurefire.failIfNoSpecifiedTests=false")
        .isTrue();
    assertThat(Files.readString(CHECKED_IN))
        .as("config/crd/ drifted from the Java model; regenerate it with "
            + "mvn -pl engine -am test -Dtest=CrdDriftTest -Dramp.updateCrds=true "
            + "-Dsurefire.failIfNoSpecifiedTests=false")
        .isEqualTo(generated);
  }
}
