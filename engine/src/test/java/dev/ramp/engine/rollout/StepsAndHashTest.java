package dev.ramp.engine.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.CanaryStep;
import dev.ramp.engine.model.Json;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepsAndHashTest {

  @Test
  void durationsReadLikeArgo() {
    assertThat(Durations.parse(new IntOrString(45), "f")).isEqualTo(Duration.ofSeconds(45));
    assertThat(Durations.parse(new IntOrString("30"), "f")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse(new IntOrString("30s"), "f")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse(new IntOrString("5m"), "f")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse(new IntOrString("1h"), "f")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse(new IntOrString("1h30m"), "f")).isEqualTo(Duration.ofMinutes(90));
    assertThatThrownBy(() -> Durations.parse(new IntOrString("1d"), "spec.x"))
        .hasMessageStartingWith("spec.x: cannot parse duration \"1d\"");
  }

  @Test
  void wireStepsBecomeTypedSteps() throws Exception {
    List<CanaryStep> wire =
        List.of(
            Json.MAPPER.readValue(
                """
                [{"setWeight": 20}, {"pause": {"duration": "30s"}}, {"pause": {}},
                 {"plugin": {"name": "ramp.dev/step-webhook", "config": {"url": "http://x", "n": [1]}}},
                 {"analysis": {"templates": [{"templateName": "t"}]}},
                 {"setHeaderRoute": {"name": "h"}}, {"setMirrorRoute": {"name": "m"}}]
                """,
                CanaryStep[].class));
    List<Step> steps = Steps.parse(wire);
    assertThat(steps).hasSize(7);
    assertThat(steps.get(0)).isEqualTo(new Step.SetWeight(20));
    assertThat(steps.get(1)).isEqualTo(new Step.Pause(Duration.ofSeconds(30)));
    assertThat(steps.get(2)).isEqualTo(new Step.Pause(null));
    assertThat(steps.get(3)).isInstanceOf(Step.Plugin.class);
    assertThat(((Step.Plugin) steps.get(3)).config().path("n").get(0).asInt()).isEqualTo(1);
    assertThat(steps.subList(4, 7))
        .extracting(Step::kind)
        .containsExactly("analysis", "setHeaderRoute", "setMirrorRoute");
    // And back to the same wire form: nothing added, nothing dropped.
    assertThat(Json.canonical(Json.tree(wire)))
        .isEqualTo(
            Json.canonical(
                Json.MAPPER.readTree(
                    """
                    [{"setWeight": 20}, {"pause": {"duration": "30s"}}, {"pause": {}},
                     {"plugin": {"name": "ramp.dev/step-webhook", "config": {"url": "http://x", "n": [1]}}},
                     {"analysis": {"templates": [{"templateName": "t"}]}},
                     {"setHeaderRoute": {"name": "h"}}, {"setMirrorRoute": {"name": "m"}}]
                    """)));
  }

  @Test
  void hashIgnoresKeyOrderAndNullsButNotContent() throws Exception {
    JsonNode a =
        Json.MAPPER.readTree(
            "{\"metadata\":{\"labels\":{\"app\":\"x\",\"tier\":\"web\"}},\"spec\":{\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"i:1\"}]}}");
    JsonNode b =
        Json.MAPPER.readTree(
            "{\"spec\":{\"containers\":[{\"image\":\"i:1\",\"name\":\"c\",\"args\":null}]},"
                + "\"metadata\":{\"labels\":{\"tier\":\"web\",\"app\":\"x\"}}}");
    JsonNode c =
        Json.MAPPER.readTree(
            "{\"metadata\":{\"labels\":{\"app\":\"x\",\"tier\":\"web\"}},\"spec\":{\"containers\":"
                + "[{\"name\":\"c\",\"image\":\"i:2\"}]}}");
    assertThat(PodTemplateHash.of(a, null)).isEqualTo(PodTemplateHash.of(b, null));
    assertThat(PodTemplateHash.of(a, null)).isNotEqualTo(PodTemplateHash.of(c, null));
    assertThat(PodTemplateHash.of(a, 1))
        .isNotEqualTo(PodTemplateHash.of(a, null))
        .isNotEqualTo(PodTemplateHash.of(a, 2));
    assertThat(PodTemplateHash.of(a, null)).matches("[bcdfghjklmnpqrstvwxz2456789]+");
  }

  @Test
  void fnvAndSafeEncodingMatchTheirReferences() {
    // FNV-1a 32 of "a" is 0xe40c292c (the published test vector).
    assertThat(PodTemplateHash.fnv1a(0x811c9dc5, "a".getBytes())).isEqualTo(0xe40c292c);
    // Kubernetes' SafeEncodeString maps each byte b to alphabet[b % 27]: '0' (48 % 27 = 21)
    // is '4', '9' (57 % 27 = 3) is 'f' -- which is why such hashes read like "5bbc6ffc5c".
    assertThat(PodTemplateHash.safeEncode("0123")).isEqualTo("4567");
    assertThat(PodTemplateHash.safeEncode("6789")).isEqualTo("bcdf");
  }
}
