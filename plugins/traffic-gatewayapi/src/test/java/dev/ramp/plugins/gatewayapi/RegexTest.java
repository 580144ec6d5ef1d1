package dev.ramp.plugins.gatewayapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RegexTest {

  @Test
  void aPrefixIsAnchoredAndQuoted() {
    assertThat(Regex.prefix("v1.2")).isEqualTo("^v1\\.2.*");
    assertThat(Regex.prefix("a+b(c)[d]{e}|f?*^$\\"))
        .isEqualTo("^a\\+b\\(c\\)\\[d\\]\\{e\\}\\|f\\?\\*\\^\\$\\\\.*");
  }

  @Test
  void theExpressionMatchesTheValuesThatStartWithThePrefixOnly() {
    Pattern pattern = Pattern.compile(Regex.prefix("beta.*"));
    assertThat(pattern.matcher("beta.*-tester").matches()).isTrue();
    assertThat(pattern.matcher("beta.*").matches()).isTrue();
    assertThat(pattern.matcher("betaX-tester").matches()).isFalse();
    assertThat(pattern.matcher("x-beta.*").find()).as("anchored").isFalse();
  }
}
