package dev.ramp.engine.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The design's boundaries as rules, run by {@code mvn verify} over the engine's main code and the
 * plugin API and SDK on its class path; {@link #eachRuleCatchesADeliberatelyBadClass} shows each
 * rule failing on a deliberately bad class (the {@code archfixture} packages of the tests).
 */
class ArchitectureTest {
  static final String ENGINE = "dev.ramp.engine..";

  /** The fabric8 client; {@code CustomResource} is the base of the CRD model, not a client. */
  static final ArchRule FABRIC8_CLIENT_ONLY_WHERE_THE_API_IS_TALKED_TO =
      noClasses()
          .that()
          .resideInAPackage(ENGINE)
          .and()
          .resideOutsideOfPackages(
              "dev.ramp.engine.kube..",
              "dev.ramp.engine.cli..",
              "dev.ramp.engine.rehearsal..",
              "dev.ramp.engine.sandbox..",
              "dev.ramp.engine.actions..",
              "dev.ramp.engine.runtime..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.fabric8.kubernetes.client..")
                  .and(not(equivalentTo(io.fabric8.kubernetes.client.CustomResource.class))))
          .as(
              "fabric8's client only in the Kubernetes layer and the programs that talk to the API"
                  + " (kube, cli, rehearsal, sandbox, actions, runtime)");

  static final ArchRule GRPC_ONLY_IN_THE_PLUGIN_HOST =
      noClasses()
          .that()
          .resideInAPackage(ENGINE)
          .and()
          .resideOutsideOfPackage("dev.ramp.engine.host..")
          .should()
          .dependOnClassesThat(resideInAnyPackage("io.grpc..", "dev.ramp.plugin.v1.."))
          .as("gRPC and the generated stubs only in the plugin host");

  static final ArchRule PROCESSES_ONLY_IN_THE_PLUGIN_HOST =
      noClasses()
          .that()
          .resideInAPackage(ENGINE)
          .and()
          .resideOutsideOfPackage("dev.ramp.engine.host..")
          .should()
          .dependOnClassesThat(
              equivalentTo(ProcessBuilder.class)
                  .or(equivalentTo(Process.class))
                  .or(equivalentTo(ProcessHandle.class))
                  .or(
                      resideInAPackage("dev.ramp.plugin.sdk.launch..")
                          .and(not(equivalentTo(dev.ramp.plugin.sdk.launch.LaunchSpec.class)))
                          .and(not(equivalentTo(dev.ramp.plugin.sdk.launch.PluginLauncher.class)))))
          .as(
              "child processes only in the plugin host (the CLI hands the test kit a launch spec"
                  + " and its launcher)");

  static final ArchRule THE_PIPELINE_READS_NO_CLOCK_AND_NO_API =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.ramp.engine.rollout..",
              "dev.ramp.engine.analysis..",
              "dev.ramp.engine.provider..")
          .should()
          .dependOnClassesThat(
              equivalentTo(java.time.Clock.class)
                  .or(
                      resideInAnyPackage(
                          "io.fabric8.kubernetes.client..", "io.grpc..", "dev.ramp.engine.host.."))
                  .and(not(equivalentTo(io.fabric8.kubernetes.client.CustomResource.class))))
          .orShould()
          .callMethod(java.time.Instant.class, "now")
          .orShould()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .as(
              "the pipeline, the analysis semantics and the metric providers read no clock (time"
                  + " is a parameter) and no API, and call plugins only through the client"
                  + " interfaces");

  static final ArchRule PLUGIN_API_AND_SDK_NEVER_DEPEND_ON_THE_ENGINE =
      noClasses()
          .that()
          .resideInAnyPackage("dev.ramp.plugin.api..", "dev.ramp.plugin.sdk..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ENGINE)
          .as("plugin-api and plugin-sdk never depend on the engine");

  /**
   * fabric8's client brings its Gateway API model with it; the engine must not use it: it applies
   * and watches routes as generic resources, and only the router plugin knows their shape.
   */
  static final ArchRule NO_GATEWAY_API_MODEL_IN_THE_ENGINE =
      noClasses()
          .that()
          .resideInAPackage(ENGINE)
          .should()
          .dependOnClassesThat(resideInAPackage("io.fabric8.kubernetes.api.model.gatewayapi.."))
          .as(
              "the engine knows Gateway API objects only as generic resources (the routers that"
                  + " edit them are plugins)");

  static final List<ArchRule> RULES =
      List.of(
          NO_GATEWAY_API_MODEL_IN_THE_ENGINE,
          FABRIC8_CLIENT_ONLY_WHERE_THE_API_IS_TALKED_TO,
          GRPC_ONLY_IN_THE_PLUGIN_HOST,
          PROCESSES_ONLY_IN_THE_PLUGIN_HOST,
          THE_PIPELINE_READS_NO_CLOCK_AND_NO_API,
          PLUGIN_API_AND_SDK_NEVER_DEPEND_ON_THE_ENGINE);

  static final JavaClasses MAIN_CODE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.ramp.engine", "dev.ramp.plugin.api", "dev.ramp.plugin.sdk");

  @Test
  void theMainCodeKeepsEveryBoundary() {
    assertThat(MAIN_CODE.contain(dev.ramp.engine.rollout.RolloutReconciler.class)).isTrue();
    assertThat(MAIN_CODE.contain(dev.ramp.plugin.sdk.PluginServer.class)).isTrue();
    for (ArchRule rule : RULES) {
      rule.check(MAIN_CODE);
    }
  }

  @Test
  void eachRuleCatchesADeliberatelyBadClass() {
    JavaClasses bad =
        new ClassFileImporter()
            .importClasses(
                dev.ramp.engine.rollout.archfixture.ReadsTheClockAndTheApi.class,
                dev.ramp.engine.rollout.archfixture.CallsGrpcAndStartsAProcess.class,
                dev.ramp.engine.sandbox.archfixture.UsesTheGatewayApiModel.class,
                dev.ramp.plugin.sdk.archfixture.UsesTheEngine.class);
    for (ArchRule rule : RULES) {
      assertThatThrownBy(() -> rule.check(bad))
          .as(rule.getDescription())
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining(rule.getDescription());
    }
  }

  @Test
  void everyEnginePackageSaysWhatItHolds() throws IOException {
    Path root = Path.of("src/main/java/dev/ramp/engine");
    try (Stream<Path> dirs = Files.walk(root)) {
      List<Path> missing =
          dirs.filter(Files::isDirectory)
              .filter(d -> hasJava(d))
              .filter(d -> !Files.exists(d.resolve("package-info.java")))
              .toList();
      assertThat(missing).as("packages without a package-info.java").isEmpty();
    }
  }

  private static boolean hasJava(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(f -> f.toString().endsWith(".java"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
