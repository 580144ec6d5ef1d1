package dev.ramp.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProviderJsonPathTest {
  static final String BODY =
      "{\"data\":{\"ok\":true,\"successPercent\":0.95,\"items\":[{\"v\":1},{\"v\":2}],"
          + "\"a.b\":\"dotted\",\"none\":null}}";

  static JsonNode find(String path) throws Exception {
    return JsonPaths.find(new ObjectMapper().readTree(BODY), JsonPaths.parse(path));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{$.data.ok}|true",
        "{.data.ok}|true",
        "{ $.data.successPercent }|0.95",
        "{$.data.items[1].v}|2",
        "{$.data.items[-1].v}|2",
        "{$['data']['a.b']}|\"dotted\"",
        "{$.data.none}|null",
        "{$.data.items}|[{\"v\":1},{\"v\":2}]",
      })
  void readsArgosForms(String path, String expected) throws Exception {
    assertThat(find(path).toString()).isEqualTo(expected);
  }

  @Test
  void noPathIsTheWholeBody() throws Exception {
    assertThat(find("").toString()).isEqualTo(new ObjectMapper().readTree(BODY).toString());
    assertThat(find("{$}").toString()).isEqualTo(find("").toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$.data.ok",
        "{$.data.items[*].v}",
        "{$..v}",
        "{$.data.items[0:1]}",
        "{$.data.items[?(@.v>1)]}",
        "{range .items[*]}{.v}{end}",
        "{$.data.ok,$.data.items}"
      })
  void refusesTheRestWithAMessage(String path) {
    assertThatThrownBy(() -> JsonPaths.parse(path))
        .isInstanceOf(MeasureException.class)
        .hasMessageStartingWith("jsonPath \"" + path + "\" is not supported: ");
  }

  @Test
  void aMissingFieldOrIndexSaysWhich() {
    assertThatThrownBy(() -> find("{$.data.nope}"))
        .hasMessage("Could not find JSONPath in body: nope is not found");
    assertThatThrownBy(() -> find("{$.data.items[5]}"))
        .hasMessage(
            "Could not find JSONPath in body: array index out of bounds: index 5, length 2");
    assertThatThrownBy(() -> find("{$.data.ok[0]}"))
        .hasMessage("Could not find JSONPath in body: [0] of a non-array");
  }
}
