package dev.ramp.plugin.sdk.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

  @Test
  void goNotationNeverIso() {
    assertThat(DurationText.of(Duration.ZERO)).isEqualTo("0s");
    assertThat(DurationText.of(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(DurationText.of(Duration.ofSeconds(20))).isEqualTo("20s");
    assertThat(DurationText.of(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(DurationText.of(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(DurationText.of(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(DurationText.of(Duration.ofSeconds(3601))).isEqualTo("1h0m1s");
  }
}
