package dev.ramp.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prometheus' answers mapped as Argo maps them, and the requests built from specs. */
class PrometheusProviderTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.parse("2026-11-30T10:00:00.250Z");

  static MetricResult answer(int status, String body) throws MeasureException {
    return PrometheusResults.read(
        new HttpCalls.Answer(status, body.getBytes(StandardCharsets.UTF_8)),
        "prometheus http://p/api/v1/query",
        Map.of("ResolvedPrometheusQuery", "q"));
  }

  static String ok(String type, String result) {
    return "{\"status\":\"success\",\"data\":{\"resultType\":\""
        + type
        + "\",\"result\":"
        + result
        + "}}";
  }

  @Test
  void aScalarIsANumber() throws Exception {
    MetricResult r = answer(200, ok("scalar", "[1700000000.1,\"0.95\"]"));
    assertThat(r.value().isDouble()).isTrue();
    assertThat(r.value().doubleValue()).isEqualTo(0.95);
    assertThat(r.text()).isEqualTo("0.95");
    assertThat(r.metadata()).containsEntry("ResolvedPrometheusQuery", "q");
  }

  @Test
  void aVectorIsAListAlsoOfOneSampleAndEmptyOfNone() throws Exception {
    String one = "[{\"metric\":{\"job\":\"a\"},\"value\":[1700000000,\"1\"]}]";
    assertThat(answer(200, ok("vector", one)).value().toString()).isEqualTo("[1.0]");
    assertThat(answer(200, ok("vector", one)).text()).isEqualTo("[1]");
    String two =
        "[{\"metric\":{},\"value\":[1,\"2.5\"]},{\"metric\":{},\"value\":[1,\"100000000000000000000000\"]}]";
    assertThat(answer(200, ok("vector", two)).text()).isEqualTo("[2.5,100000000000000000000000]");
    MetricResult none = answer(200, ok("vector", "[]"));
    assertThat(none.successful()).isTrue();
    assertThat(none.value().isArray()).isTrue();
    assertThat(none.value().size()).isZero();
    assertThat(none.text()).isEqualTo("[]");
  }

  @Test
  void aMatrixIsOneFlatListOfEverySeriesValues() throws Exception {
    String m =
        "[{\"metric\":{\"i\":\"a\"},\"values\":[[1,\"1\"],[2,\"2\"]]},"
            + "{\"metric\":{\"i\":\"b\"},\"values\":[[1,\"3\"]]}]";
    MetricResult r = answer(200, ok("matrix", m));
    assertThat(r.value().toString()).isEqualTo("[1.0,2.0,3.0]");
    assertThat(r.text()).isEqualTo("[1,2,3]");
  }

  @Test
  void nanAndInfinitiesAreDoubles() throws Exception {
    String v = "[{\"value\":[1,\"NaN\"]},{\"value\":[1,\"+Inf\"]},{\"value\":[1,\"-Inf\"]}]";
    MetricResult r = answer(200, ok("vector", v));
    assertThat(r.value().get(0).doubleValue()).isNaN();
    assertThat(r.value().get(1).doubleValue()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(r.value().get(2).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(r.text()).isEqualTo("[NaN,+Inf,-Inf]");
  }

  @Test
  void warningsGoToTheMetadataAsArgoWritesThem() throws Exception {
    String body =
        "{\"status\":\"success\",\"warnings\":[\"w1\",\"w2\"],"
            + "\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"1\"]}}";
    assertThat(answer(200, body).metadata()).containsEntry("warnings", "\"w1\", \"w2\"");
  }

  @Test
  void errorsCarryPrometheusText() {
    assertThatThrownBy(
            () ->
                answer(
                    400,
                    "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse error\"}"))
        .hasMessage(
            "prometheus http://p/api/v1/query: Prometheus answered 400: bad_data: 1:5: parse error");
    assertThatThrownBy(() -> answer(502, "<html>Bad Gateway</html>"))
        .hasMessage(
            "prometheus http://p/api/v1/query: the answer (status 502) is not Prometheus' API JSON"
                + " (body: <html>Bad Gateway</html>)");
    assertThatThrownBy(() -> answer(200, "{\"status\":\"success\",\"data\":{\"resultType\""))
        .hasMessageContaining("is not Prometheus' API JSON");
    assertThatThrownBy(() -> answer(200, ok("string", "[1,\"x\"]")))
        .hasMessage("Prometheus metric type not supported: resultType \"string\"");
    assertThatThrownBy(() -> answer(200, ok("vector", "[{\"value\":[1,\"abc\"]}]")))
        .hasMessage("Prometheus answered a vector sample whose value is not a number: \"abc\"");
    assertThatThrownBy(() -> answer(200, ok("vector", "{}")))
        .hasMessage("Prometheus answered a vector that is not a list");
  }

  static JsonNode spec(String json) throws Exception {
    return JSON.readTree(json);
  }

  static String form(HttpRequest r) throws Exception {
    var sub = HttpRequest.BodyPublishers.noBody();
    var collected = new java.util.concurrent.CompletableFuture<String>();
    r.bodyPublisher()
        .orElse(sub)
        .subscribe(
            new java.util.concurrent.Flow.Subscriber<java.nio.ByteBuffer>() {
              final StringBuilder out = new StringBuilder();

              public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
              }

              public void onNext(java.nio.ByteBuffer b) {
                out.append(StandardCharsets.UTF_8.decode(b));
              }

              public void onError(Throwable t) {
                collected.completeExceptionally(t);
              }

              public void onComplete() {
                collected.complete(out.toString());
              }
            });
    return collected.get();
  }

  @Test
  void anInstantQueryIsAtNow() throws Exception {
    HttpRequest r =
        PrometheusProvider.request(
            spec("{\"address\":\"http://p:9090/prefix/\",\"query\":\"up == 1\",\"timeout\":5}"),
            MetricArgs.of(Map.of()),
            NOW);
    assertThat(r.uri().toString()).isEqualTo("http://p:9090/prefix/api/v1/query");
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.timeout()).contains(java.time.Duration.ofSeconds(5));
    assertThat(form(r)).isEqualTo("query=up+%3D%3D+1&time=1796032800.25");
  }

  @Test
  void aRangeQueryReadsNowMinusADuration() throws Exception {
    HttpRequest r =
        PrometheusProvider.request(
            spec(
                "{\"address\":\"http://p:9090\",\"query\":\"up\",\"rangeQuery\":{"
                    + "\"start\":\"now() - duration(\\\"5m\\\")\",\"end\":\"now()\",\"step\":\"30s\"}}"),
            MetricArgs.of(Map.of()),
            NOW);
    assertThat(r.uri().toString()).isEqualTo("http://p:9090/api/v1/query_range");
    assertThat(r.timeout()).contains(java.time.Duration.ofSeconds(30));
    assertThat(form(r)).isEqualTo("query=up&start=1796032500.25&end=1796032800.25&step=30");
  }

  @Test
  void basicAuthAndHeadersAreSet() throws Exception {
    HttpRequest r =
        PrometheusProvider.request(
            spec(
                "{\"address\":\"http://p\",\"query\":\"up\",\"headers\":[{\"key\":\"X-Scope-OrgID\","
                    + "\"value\":\"t\"}],\"authentication\":{\"basicAuth\":{\"username\":\"u\","
                    + "\"password\":\"p\"}}}"),
            MetricArgs.of(Map.of()),
            NOW);
    assertThat(r.headers().firstValue("X-Scope-OrgID")).contains("t");
    assertThat(r.headers().firstValue("Authorization")).contains("Basic dTpw");
  }

  @Test
  void badSpecsAreMessages() {
    MetricArgs args = MetricArgs.of(Map.of());
    assertThatThrownBy(() -> PrometheusProvider.request(spec("{\"query\":\"up\"}"), args, NOW))
        .hasMessage("prometheus address is not configured");
    assertThatThrownBy(
            () ->
                PrometheusProvider.request(
                    spec("{\"address\":\"p:9090\",\"query\":\"up\"}"), args, NOW))
        .hasMessage(
            "provider.prometheus.address \"p:9090\" is not an absolute http:// or https:// URL");
    assertThatThrownBy(
            () -> PrometheusProvider.request(spec("{\"address\":\"http://p\"}"), args, NOW))
        .hasMessage("provider.prometheus.query is empty");
    assertThatThrownBy(
            () ->
                PrometheusProvider.request(
                    spec("{\"address\":\"http://p\",\"query\":\"up\",\"timeout\":-1}"), args, NOW))
        .hasMessage("provider.prometheus.timeout must be a number of seconds above 0, not -1");
    assertThatThrownBy(
            () ->
                PrometheusProvider.request(
                    spec(
                        "{\"address\":\"http://p\",\"query\":\"up\",\"rangeQuery\":{\"start\":"
                            + "\"now() - 5\",\"end\":\"now()\",\"step\":\"1m\"}}"),
                    args,
                    NOW))
        .hasMessageStartingWith("failed to parse rangeQuery.start as time: \"now() - 5\"");
    assertThatThrownBy(
            () ->
                PrometheusProvider.request(
                    spec(
                        "{\"address\":\"http://p\",\"query\":\"up\",\"authentication\":{"
                            + "\"basicAuth\":{\"username\":\"u\"}}}"),
                    args,
                    NOW))
        .hasMessage("missing mandatory parameter in metric for basic auth setup: password");
    assertThatThrownBy(
            () ->
                PrometheusProvider.request(
                    spec(
                        "{\"address\":\"http://p\",\"query\":\"up\",\"authentication\":{"
                            + "\"sigv4\":{\"region\":\"eu\"}}}"),
                    args,
                    NOW))
        .hasMessageContaining("sigv4 is not supported by Ramp");
  }

  @Test
  void goFloatsAsArgoWritesThem() {
    assertThat(PrometheusResults.goFloat(1.0)).isEqualTo("1");
    assertThat(PrometheusResults.goFloat(0.1)).isEqualTo("0.1");
    assertThat(PrometheusResults.goFloat(1e-7)).isEqualTo("0.0000001");
    assertThat(PrometheusResults.goFloat(-2.5)).isEqualTo("-2.5");
    assertThat(PrometheusResults.goFloat(1e23)).isEqualTo("100000000000000000000000");
    assertThat(PrometheusResults.goFloat(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(PrometheusResults.goFloat(Double.MIN_VALUE)).startsWith("0.000").endsWith("5");
  }
}
