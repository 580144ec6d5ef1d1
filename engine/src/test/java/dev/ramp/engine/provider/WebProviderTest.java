package dev.ramp.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The web provider's specs and bodies, without a server. */
class WebProviderTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final MetricArgs ARGS = MetricArgs.of(Map.of("svc", "a")).withSecret("token", "t0k");

  static WebProvider.Call call(String spec) throws Exception {
    return WebProvider.call(ArgTemplates.render(JSON.readTree(spec), ARGS), ARGS);
  }

  static MetricResult read(String spec, int status, String body) throws Exception {
    return WebProvider.read(
        call(spec), new HttpCalls.Answer(status, body.getBytes(StandardCharsets.UTF_8)), "GET u");
  }

  @Test
  void aRequestAsTheSpecSays() throws Exception {
    var c =
        call(
            "{\"url\":\"http://h/x?s={{args.svc}}\",\"method\":\"POST\",\"jsonBody\":{\"a\":1},"
                + "\"headers\":[{\"key\":\"Authorization\",\"value\":\"Bearer {{args.token}}\"}],"
                + "\"timeoutSeconds\":3}");
    assertThat(c.request().uri().toString()).isEqualTo("http://h/x?s=a");
    assertThat(c.request().method()).isEqualTo("POST");
    assertThat(c.request().headers().firstValue("Authorization")).contains("Bearer t0k");
    assertThat(c.request().headers().firstValue("Content-Type")).contains("application/json");
    assertThat(c.timeout()).hasSeconds(3);
    assertThat(call("{\"url\":\"http://h\"}").timeout()).hasSeconds(10);
    assertThat(call("{\"url\":\"http://h\",\"timeoutSeconds\":0}").timeout()).hasSeconds(10);
  }

  @Test
  void badSpecsAreMessages() {
    assertThatThrownBy(() -> call("{\"url\":\"http://h\",\"body\":\"x\"}"))
        .hasMessage("body/jsonBody can only be used with POST or PUT web metrics");
    assertThatThrownBy(
            () -> call("{\"url\":\"http://h\",\"method\":\"PUT\",\"body\":\"x\",\"jsonBody\":{}}"))
        .hasMessage("use either body or jsonBody; both cannot exist for a web metric payload");
    assertThatThrownBy(() -> call("{\"url\":\"http://h\",\"method\":\"DELETE\"}"))
        .hasMessage("provider.web.method must be GET, POST or PUT, not \"DELETE\"");
    assertThatThrownBy(() -> call("{\"url\":\"/relative?t={{args.token}}\"}"))
        .hasMessage(
            "provider.web.url \"/relative?t=*****\" is not an absolute http:// or https:// URL");
    assertThatThrownBy(() -> call("{\"url\":\"http://h\",\"timeoutSeconds\":\"5\"}"))
        .hasMessage("provider.web.timeoutSeconds must be an integer");
    assertThatThrownBy(() -> call("{\"url\":\"http://h\",\"insecure\":true}"))
        .hasMessageContaining("provider.web.insecure is not supported by Ramp");
    assertThatThrownBy(
            () -> call("{\"url\":\"http://h\",\"headers\":[{\"key\":\"Host\",\"value\":\"x\"}]}"))
        .hasMessageStartingWith("provider.web.headers: header \"Host\" cannot be sent: ");
  }

  @Test
  void bodiesAsArgoReadsThem() throws Exception {
    String url = "{\"url\":\"http://h\"";
    assertThat(read(url + "}", 200, "{\"a\":[1,2]}").value().toString()).isEqualTo("{\"a\":[1,2]}");
    assertThat(read(url + ",\"jsonPath\":\"{$.a[1]}\"}", 200, "{\"a\":[1,2]}").text())
        .isEqualTo("2");
    MetricResult plain = read(url + "}", 200, "I am OK");
    assertThat(plain.value().textValue()).isEqualTo("I am OK");
    assertThat(plain.text()).isEqualTo("I am OK");
    assertThat(read(url + "}", 204, "").value().textValue()).isEmpty();
    assertThat(read(url + "}", 200, "42").value().doubleValue()).isEqualTo(42);
  }

  @Test
  void badBodiesAreMessages() {
    String url = "{\"url\":\"http://h\"";
    assertThatThrownBy(() -> read(url + "}", 503, "down for maintenance"))
        .hasMessage("GET u: received non 2xx response code: 503 (body: down for maintenance)");
    assertThatThrownBy(() -> read(url + ",\"jsonPath\":\"{$.a}\"}", 200, "{\"a\": 1"))
        .hasMessageStartingWith("GET u: the response is not JSON, so jsonPath cannot be applied: ");
    assertThatThrownBy(() -> read(url + ",\"jsonPath\":\"{$.a}\"}", 200, "{\"a\": 1} junk"))
        .hasMessageStartingWith("GET u: the response is not JSON");
  }

  @Test
  void everyProblemIsAnErrorResultWithSecretsMasked() {
    MetricProviders providers = MetricProviders.create(() -> java.time.Instant.EPOCH);
    MetricResult r =
        providers.measure(
            JSON.valueToTree(Map.of("web", Map.of("url", "ftp://h/{{args.token}}"))), ARGS);
    assertThat(r.phase()).isEqualTo(MetricResult.Phase.ERROR);
    assertThat(r.message())
        .isEqualTo("provider.web.url \"ftp://h/*****\" is not an absolute http:// or https:// URL");
    assertThat(providers.measure(JSON.valueToTree(Map.of("job", Map.of())), ARGS).message())
        .isEqualTo("provider job is not built in (Ramp has web and prometheus)");
    assertThat(providers.measure(null, ARGS).message())
        .isEqualTo("a metric's provider must name exactly one provider, not []");
    assertThat(providers.measure(JSON.valueToTree(Map.of("web", "x")), ARGS).message())
        .isEqualTo("provider.web must be an object");
  }
}
