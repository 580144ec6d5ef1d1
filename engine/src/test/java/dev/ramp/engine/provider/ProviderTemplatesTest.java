package dev.ramp.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderTemplatesTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final MetricArgs ARGS =
      MetricArgs.of(Map.of("service", "web-canary", "q", "say \"hi\""))
          .withSecret("token", "s3cr3t");

  @Test
  void rendersArgsWithOrWithoutSpaces() throws Exception {
    assertThat(ArgTemplates.render("up{job=\"{{args.service}}\"} {{ args.service }}", ARGS))
        .isEqualTo("up{job=\"web-canary\"} web-canary");
    assertThat(ArgTemplates.render("no tags", ARGS)).isEqualTo("no tags");
  }

  @Test
  void rendersEveryStringOfASpecAndKeepsJsonIntact() throws Exception {
    JsonNode spec =
        JSON.readTree(
            "{\"url\":\"http://h/{{args.service}}\",\"timeoutSeconds\":5,"
                + "\"jsonBody\":{\"text\":\"{{args.q}}\",\"n\":[\"{{args.service}}\",1]}}");
    JsonNode out = ArgTemplates.render(spec, ARGS);
    assertThat(out.path("url").asText()).isEqualTo("http://h/web-canary");
    assertThat(out.path("timeoutSeconds").asInt()).isEqualTo(5);
    assertThat(out.path("jsonBody").toString())
        .isEqualTo("{\"text\":\"say \\\"hi\\\"\",\"n\":[\"web-canary\",1]}");
  }

  @Test
  void anUnknownArgIsRefusedByName() {
    assertThatThrownBy(() -> ArgTemplates.render("x {{args.servce}}", ARGS))
        .isInstanceOf(MeasureException.class)
        .hasMessage(
            "failed to resolve {{args.servce}}: the run has no arg \"servce\""
                + " (its args: q, service, token)");
    assertThatThrownBy(() -> ArgTemplates.render("{{workload.name}}", ARGS))
        .hasMessageContaining("failed to resolve {{workload.name}}");
    assertThatThrownBy(() -> ArgTemplates.render("a {{args.service", ARGS))
        .hasMessageContaining("has a \"{{\" without its \"}}\"");
  }

  @Test
  void secretValuesAreMaskedAndNeverPrinted() {
    assertThat(ARGS.mask("Bearer s3cr3t")).isEqualTo("Bearer *****");
    assertThat(ARGS.toString()).doesNotContain("s3cr3t").contains("token=*****");
    assertThat(MetricArgs.of(Map.of("a", "")).withSecret("e", "").mask("x")).isEqualTo("x");
  }
}
