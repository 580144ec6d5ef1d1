package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A step held by a refused plugin ends at the progress deadline, and `ramp run`'s last lines say
 * what the step waited for — the host's reason — not only "DEGRADED".
 */
class HeldStepRunIT {

  @Test
  void theFinalLineOfAHeldStepNamesWhatItWaitedFor() {
    CliHarness.Result result =
        CliHarness.run(
            "run",
            "-f",
            "src/test/resources/held/ramp-config.yaml",
            "-f",
            "src/test/resources/held/rollout.yaml",
            "--speed",
            "100");

    assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
    List<String> lines = result.out().lines().toList();
    String ended =
        lines.stream().filter(l -> l.contains("ended DEGRADED")).findFirst().orElseThrow();
    assertThat(ended)
        .contains("ProgressDeadlineExceeded")
        .contains("step 2 of 3 (plugin ramp-tests/held) waits:")
        .contains("sha256 of")
        .contains("but the entry expects 0000");
    assertThat(lines).anyMatch(l -> l.trim().startsWith("step 2 of 3 (plugin ramp-tests/held)"));
  }
}
