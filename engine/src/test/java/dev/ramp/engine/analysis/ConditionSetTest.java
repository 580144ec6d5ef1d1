package dev.ramp.engine.analysis;

import static dev.ramp.engine.analysis.ConditionOutcome.Phase.ERROR;
import static dev.ramp.engine.analysis.ConditionOutcome.Phase.FAILED;
import static dev.ramp.engine.analysis.ConditionOutcome.Phase.INCONCLUSIVE;
import static dev.ramp.engine.analysis.ConditionOutcome.Phase.SUCCESSFUL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.ramp.engine.analysis.ConditionOutcome.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConditionSetTest {

  private static Phase phase(String success, String failure, String result) throws Exception {
    return outcome(success, failure, result).phase();
  }

  private static ConditionOutcome outcome(String success, String failure, String result)
      throws Exception {
    return ConditionSet.compile(success, failure).evaluate(ConditionTableTest.json(result));
  }

  /** A success condition alone: the phase says whether it held. */
  private static boolean holds(String condition, String result) throws Exception {
    ConditionOutcome outcome = outcome(condition, null, result);
    assertThat(outcome.phase()).as(outcome.message()).isIn(SUCCESSFUL, FAILED);
    return outcome.phase() == SUCCESSFUL;
  }

  @Test
  void argosRulesDecideThePhase() throws Exception {
    assertThat(phase(null, null, "1")).isEqualTo(SUCCESSFUL);
    assertThat(phase("  ", "", "1")).isEqualTo(SUCCESSFUL);
    assertThat(phase("true", null, "1")).isEqualTo(SUCCESSFUL);
    assertThat(phase("false", null, "1")).isEqualTo(FAILED);
    assertThat(phase(null, "false", "1")).isEqualTo(SUCCESSFUL);
    assertThat(phase(null, "true", "1")).isEqualTo(FAILED);
    assertThat(phase("true", "true", "1")).isEqualTo(FAILED);
    assertThat(phase("true", "false", "1")).isEqualTo(SUCCESSFUL);
    assertThat(phase("false", "true", "1")).isEqualTo(FAILED);
    assertThat(phase("false", "false", "1")).isEqualTo(INCONCLUSIVE);
  }

  @Test
  void theCompiledSetKeepsItsExpressions() throws Exception {
    ConditionSet set = ConditionSet.compile("result > 1", " ");
    assertThat(set.successCondition()).contains("result > 1");
    assertThat(set.failureCondition()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "result >",
        "((",
        "result.",
        "'unterminated",
        "#",
        "}",
        "result == \"\\q\"",
        "1",
        "'text'",
        "result ? 1 : 2",
        "unknownFunction(result)",
        "result.all(x, x < 1000",
        "max(result)",
        "sum(result) > 1",
        "result ?? 1",
        "a ... b",
        "résultat > 1",
        "\u0000",
        "isNil(result[0])",
        "default(1, result) > 0",
        "all(",
        "all(result",
        "all(result,",
        "all(result, {# < 1) and",
        "max(",
        "max(result) <",
        "not",
        "a and",
        "'and' and \"or\"",
        "filter(map(result, # * 2), # > 1) or none(result, {.x})"
      })
  void aConditionThatDoesNotCompileIsAMessageNamingItsFieldAndExpression(String expression) {
    Throwable thrown = catchThrowable(() -> ConditionSet.compile("true", expression));
    assertThat(thrown).isInstanceOf(ConditionException.class);
    ConditionException refusal = (ConditionException) thrown;
    assertThat(refusal.field()).isEqualTo("failureCondition");
    assertThat(refusal.expression()).isEqualTo(expression);
    assertThat(refusal.getMessage())
        .startsWith("failureCondition \"" + expression + "\": ")
        .doesNotContain("\n");
  }

  @Test
  void aVeryLongConditionIsRefusedAsAMessage() {
    String expression = "result > 1" + " && result > 1".repeat(20_000);
    assertThatThrownBy(() -> ConditionSet.compile(expression, null))
        .isInstanceOf(ConditionException.class)
        .hasMessageStartingWith("successCondition");
  }

  @Test
  void aConditionMustYieldABool() {
    assertThatThrownBy(() -> ConditionSet.compile("size(result) + 1", null))
        .isInstanceOf(ConditionException.class)
        .hasMessageContaining("bool");
    assertThatThrownBy(() -> ConditionSet.compile("'ok'", null))
        .hasMessageContaining("expected type 'bool' but found 'string'");
  }

  @Test
  void aResultThatIsNotABoolAtRunTimeIsAnError() throws Exception {
    ConditionOutcome outcome = outcome("result", null, "1");
    assertThat(outcome.phase()).isEqualTo(ERROR);
    assertThat(outcome.message()).contains("expected bool, but got double 1.0");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "result == 1        | 1",
        "result == 1        | 1.0",
        "result == 1.0      | 1",
        "result >= 0.95     | 1",
        "result >= 0.95     | 0.99",
        "result > 0         | 0.5",
        "result < 1         | 0.5",
        "result <= 1        | 1.0",
        "1 <= result        | 1",
        "result != 2        | 1",
        "result[0] == 1     | [1]",
        "result.count >= 3  | {\"count\": 3}",
        "result * 100 >= 95 | 0.95",
        "result / 2 == 1.5  | 3",
        "result + 1 == 2    | 1",
        "1 - result == 0.5  | 0.5",
        "asInt(result) >= 1 | 1.9",
        "asFloat(result) == 1 | 1"
      })
  void numbersCompareAcrossIntAndDouble(String condition, String result) throws Exception {
    assertThat(holds(condition, result)).isTrue();
  }

  @Test
  void nanComparesFalseAgainstIntsAndDoubles() throws Exception {
    for (String condition :
        new String[] {
          "result >= 10",
          "result > 10",
          "result <= 10",
          "result < 10",
          "10 < result",
          "result >= 0.5",
          "result < 0.5",
          "result == 1"
        }) {
      assertThat(holds(condition, "NaN")).as(condition).isFalse();
    }
    assertThat(holds("result != 1", "NaN")).isTrue();
    // cel-java's double equality is Java's: NaN equals itself there, unlike in Argo (Go)
    assertThat(holds("result == result", "NaN")).isTrue();
    assertThat(holds("isNaN(result)", "NaN")).isTrue();
    assertThat(holds("isNaN(result)", "1")).isFalse();
    assertThat(phase(null, "result[0] >= 10", "[\"x\"]")).isEqualTo(ERROR);
  }

  @Test
  void infinitiesCompareAndAreDetected() throws Exception {
    assertThat(holds("result > 1000000", "+Inf")).isTrue();
    assertThat(holds("result < -1000000", "-Inf")).isTrue();
    assertThat(holds("isInf(result)", "-Inf")).isTrue();
    assertThat(holds("isInf(result)", "0.5")).isFalse();
    assertThat(holds("asFloat(result) > 1.0", "\"+Inf\"")).isTrue();
    assertThat(holds("isNaN(asFloat(result))", "\"NaN\"")).isTrue();
  }

  @Test
  void aNullResultIsNilAndDefaulted() throws Exception {
    assertThat(holds("isNil(result)", "null")).isTrue();
    assertThat(holds("result == null", "null")).isTrue();
    assertThat(holds("default(result, 0.5) == 0.5", "null")).isTrue();
    assertThat(holds("default(result, 0.5) == 0.9", "0.9")).isTrue();
    assertThat(holds("isNil(result)", "[]")).isFalse();
    assertThat(holds("isNil(result)", "0")).isFalse();
    assertThat(holds("isNil(result)", "false")).isFalse();
    JsonNode missing = MissingNode.getInstance();
    ConditionSet set = ConditionSet.compile("isNil(result)", null);
    assertThat(set.evaluate(missing).phase()).isEqualTo(SUCCESSFUL);
    assertThat(set.evaluate(null).phase()).isEqualTo(SUCCESSFUL);
  }

  @Test
  void isNilAndDefaultTakeOnlyTheResult() {
    for (String condition :
        new String[] {"isNil(result.x)", "default(result[0], 0) < 1", "isNil(1)"}) {
      assertThatThrownBy(() -> ConditionSet.compile(condition, null))
          .as(condition)
          .isInstanceOf(ConditionException.class)
          .hasMessageContaining("look only at the measurement result")
          .hasMessageContaining("isNil(result)");
    }
  }

  @Test
  void listResults() throws Exception {
    String samples = "[0.5, 2, 900]";
    assertThat(holds("result[0] == 0.5", samples)).isTrue();
    assertThat(holds("result[2] > result[1]", samples)).isTrue();
    assertThat(holds("size(result) == 3 && len(result) == 3", samples)).isTrue();
    assertThat(holds("result.all(x, x < 1000)", samples)).isTrue();
    assertThat(holds("result.exists(x, x > 800)", samples)).isTrue();
    assertThat(holds("result.exists_one(x, x == 2)", samples)).isTrue();
    assertThat(holds("size(result.filter(x, x > 1)) == 2", samples)).isTrue();
    assertThat(holds("result.map(x, x * 2)[2] == 1800", samples)).isTrue();
    assertThat(holds("2 in result", samples)).isTrue();
    assertThat(holds("result[0].Values.all(x, x <= 0.01)", "[{\"Values\": [0.001]}]")).isTrue();
  }

  @Test
  void mapResults() throws Exception {
    String body = "{\"ok\": true, \"rate\": 0.93, \"nested\": {\"name\": \"a\"}, \"none\": null}";
    assertThat(holds("result.ok && result.rate >= 0.9", body)).isTrue();
    assertThat(holds("result['rate'] < 1.0", body)).isTrue();
    assertThat(holds("result.nested.name == 'a'", body)).isTrue();
    assertThat(holds("has(result.rate) && !has(result.missing)", body)).isTrue();
    assertThat(holds("result.none == null", body)).isTrue();
    assertThat(holds("len(result.nested.name) == 1 && len(result) == 4", body)).isTrue();
    assertThat(holds("'ok' in result", body)).isTrue();
  }

  /**
   * cel-java's checker binds the value type of {@code result['key']} to int when it meets an int
   * literal, so the comparison finds only the int overload at run time. {@code result.key} or a
   * double literal works; the error says so.
   */
  @Test
  void anIndexedMapValueAgainstAnIntLiteralIsAnErrorThatSaysWhatToWrite() throws Exception {
    ConditionOutcome outcome = outcome("result['rate'] < 1", null, "{\"rate\": 0.5}");
    assertThat(outcome.phase()).isEqualTo(ERROR);
    assertThat(outcome.message()).contains("write it as a double: 1.0");
    assertThat(holds("result.rate < 1", "{\"rate\": 0.5}")).isTrue();
  }

  @Test
  void stringResults() throws Exception {
    assertThat(holds("result == 'I am OK'", "\"I am OK\"")).isTrue();
    assertThat(holds("result.startsWith('I') && result.contains('OK')", "\"I am OK\"")).isTrue();
    assertThat(holds("result.matches('^[0-9]+$')", "\"123\"")).isTrue();
    assertThat(holds("asInt(result) == 123", "\"123\"")).isTrue();
  }

  @Test
  void anEvaluationErrorIsAnErrorOutcomeWithAMessage() throws Exception {
    ConditionOutcome missingField = outcome("result.nope > 1", null, "{\"a\": 1}");
    assertThat(missingField.phase()).isEqualTo(ERROR);
    assertThat(missingField.message())
        .startsWith("could not evaluate successCondition \"result.nope > 1\": ")
        .contains("nope");

    ConditionOutcome mismatch = outcome(null, "result > 1", "\"abc\"");
    assertThat(mismatch.phase()).isEqualTo(ERROR);
    assertThat(mismatch.message()).contains("failureCondition \"result > 1\"");

    assertThat(outcome("result[3] > 1", null, "[1]").message()).contains("out of bounds");
    assertThat(outcome("asInt(result) == 1", null, "\"1.1\"").message())
        .contains("asInt() cannot parse \"1.1\"");
    assertThat(outcome("asFloat(result) > 1.0", null, "\"1d\"").message())
        .contains("asFloat() cannot parse");
    assertThat(outcome("isNaN(result)", null, "\"x\"").phase()).isEqualTo(ERROR);
    assertThat(outcome("len(result) > 0", null, "1").phase()).isEqualTo(ERROR);
  }

  @Test
  void anErrorOnNoDataSaysSoAsArgoDoes() throws Exception {
    for (String empty : new String[] {"null", "[]"}) {
      ConditionOutcome outcome = outcome("result[0] >= 0.95", null, empty);
      assertThat(outcome.phase()).isEqualTo(ERROR);
      assertThat(outcome.message())
          .contains("successCondition")
          .contains("metric result is null or empty: no data returned from the metric provider");
    }
  }

  @Test
  void theSuccessConditionsErrorComesFirst() throws Exception {
    ConditionOutcome outcome = outcome("result.a > 1", "result.b > 1", "{}");
    assertThat(outcome.message()).contains("successCondition");
  }

  @Test
  void aRunawayComprehensionIsAnError() throws Exception {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < 2_000; i++) {
      list.append(i == 0 ? "" : ",").append(i);
    }
    String big = list.append(']').toString();
    ConditionOutcome outcome = outcome("result.all(x, result.all(y, y >= 0))", null, big);
    assertThat(outcome.phase()).isEqualTo(ERROR);
  }
}
