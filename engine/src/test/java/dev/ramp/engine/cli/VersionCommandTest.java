package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionCommandTest {

  @Test
  void printsTheVersionAndContract() {
    CliHarness.Result result = CliHarness.run("version");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("ramp ").contains("ramp.plugin.v1");
  }

  @Test
  void anUnknownVerbIsOneClearLineAndExitThree() {
    CliHarness.Result result = CliHarness.run("promte");
    assertThat(result.exitCode()).isEqualTo(CliErrors.INPUT_ERROR);
    assertThat(result.err()).startsWith("error: Unmatched argument at index 0: 'promte'");
    assertThat(result.err()).doesNotContain("Exception");
  }
}
