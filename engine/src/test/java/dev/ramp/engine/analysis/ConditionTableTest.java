package dev.ramp.engine.analysis;

import static dev.ramp.engine.analysis.ConditionOutcome.Phase.ERROR;
import static dev.ramp.engine.analysis.ConditionOutcome.Phase.FAILED;
import static dev.ramp.engine.analysis.ConditionOutcome.Phase.INCONCLUSIVE;
import static dev.ramp.engine.analysis.ConditionOutcome.Phase.SUCCESSFUL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import dev.ramp.engine.analysis.ConditionOutcome.Phase;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conditions from Argo Rollouts' documentation, examples and evaluator tests, each either evaluated
 * as Argo evaluates it or refused with its CEL form. Sources are paths in argoproj/argo-rollouts;
 * placeholders such as {@code {{ args.max }}} are shown substituted.
 */
class ConditionTableTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One condition pair, a measurement result, and the phase (or refusal) expected. */
  record Row(
      String source, String success, String failure, String result, Phase phase, String refusal) {
    @Override
    public String toString() {
      return source + ": " + (success != null ? success : "") + " | " + failure + " on " + result;
    }
  }

  static Row ok(String source, String success, String failure, String result, Phase phase) {
    return new Row(source, success, failure, result, phase, null);
  }

  static Row refused(String source, String success, String failure, String celForm) {
    return new Row(source, success, failure, null, null, celForm);
  }

  static List<Row> rows() {
    String analysis = "docs/features/analysis.md";
    String evaluate = "utils/evaluate/evaluate_test.go";
    return List.of(
        ok(analysis, "result[0] >= 0.95", null, "[0.99]", SUCCESSFUL),
        ok(analysis, "result[0] >= 0.95", null, "[0.42]", FAILED),
        ok(analysis, "result[0] <= 0.95", null, "[0.5]", SUCCESSFUL),
        ok(analysis, null, "result[0] >= 10", "[3]", SUCCESSFUL),
        ok(analysis, null, "result[0] >= 10", "[12]", FAILED),
        ok(analysis, "result[0] >= 0.90", "result[0] < 0.50", "[0.7]", INCONCLUSIVE),
        ok(analysis, "result[0] >= 0.90", "result[0] < 0.50", "[0.3]", FAILED),
        ok(analysis, "result[0] >= 0.90", "result[0] < 0.50", "[0.93]", SUCCESSFUL),
        ok(analysis, "result == 'true'", null, "\"true\"", SUCCESSFUL),
        // "NaN and Infinity" in docs/features/analysis.md
        ok(analysis, "isNaN(result) || result >= 0.95", null, "NaN", SUCCESSFUL),
        ok(analysis, "result >= 0.95", "result < 0.95", "NaN", INCONCLUSIVE),
        ok(analysis, "result >= 0.95", null, "NaN", FAILED),
        ok(analysis, "result >= 0.95", null, "+Inf", SUCCESSFUL),
        ok(analysis, null, "isInf(result)", "+Inf", FAILED),
        // "Empty array" in docs/features/analysis.md
        ok(analysis, "len(result) == 0 || result[0] >= 0.95", null, "[]", SUCCESSFUL),
        ok(analysis, "len(result) > 0 && result[0] >= 0.95", null, "[]", FAILED),
        ok(analysis, "default(result, 0) < 0.05", null, "null", SUCCESSFUL),
        ok("docs/analysis/prometheus.md", "result[0] >= 0.95", null, "[0.96]", SUCCESSFUL),
        refused(
            "docs/analysis/prometheus.md",
            "all(result, # < 1000)",
            null,
            "result.all(x, x < 1000)"),
        ok("docs/analysis/datadog.md", "result <= 0.01", null, "0.005", SUCCESSFUL),
        ok("docs/analysis/datadog.md", "default(result, 0) < 10", null, "null", SUCCESSFUL),
        ok("docs/analysis/datadog.md", "default(result, 0) < 10", null, "12", FAILED),
        ok("docs/analysis/datadog.md", null, "default(result, 0) > 5", "null", SUCCESSFUL),
        refused("docs/analysis/datadog.md", "max(result) < 0.05", null, "result.all(x, x < 0.05)"),
        refused(
            "docs/analysis/cloudwatch.md",
            "len(result[0].Values) >= 5 and all(result[0].Values, {# <= 0.01})",
            null,
            "len(result[0].Values) >= 5 && result[0].Values.all(x, x <= 0.01)"),
        // a typo in Argo's docs: Argo fails it too, when it evaluates it
        refused(
            "docs/analysis/graphite.md",
            "results[0] >= 90.000000",
            null,
            "the measurement is the variable result"),
        ok("docs/analysis/influxdb.md", "result[0] <= 0.01", null, "[0.001]", SUCCESSFUL),
        ok(
            "docs/analysis/newrelic.md",
            "result.successRate >= 0.95",
            null,
            "{\"successRate\": 0.97}",
            SUCCESSFUL),
        refused(
            "docs/analysis/skywalking.md",
            "all(result.service_apdex.values.values, {asFloat(.value) >= 9900})",
            null,
            "result.service_apdex.values.values.all(x, asFloat(x.value) >= 9900)"),
        ok("docs/analysis/wavefront.md", "result >= 0.95", null, "0.99", SUCCESSFUL),
        ok("docs/analysis/web.md", "result == true", null, "true", SUCCESSFUL),
        ok("docs/analysis/web.md", "result == true", null, "false", FAILED),
        ok(
            "docs/analysis/web.md",
            "result.ok && result.successPercent >= 0.90",
            null,
            "{\"ok\": true, \"successPercent\": 0.93}",
            SUCCESSFUL),
        ok("docs/analysis/web.md", "result == \"I am OK\"", null, "\"I am OK\"", SUCCESSFUL),
        ok("examples/rollout-secret.yaml", "result == 'It worked!'", null, "\"no\"", FAILED),
        ok("examples/appmesh/canary-rollout.yaml", "result[0] >= 0.99", null, "[1]", SUCCESSFUL),
        ok(evaluate, "true", "false", "true", SUCCESSFUL),
        ok(evaluate, "true", "true", "true", FAILED),
        ok(evaluate, "false", "false", "true", INCONCLUSIVE),
        ok(evaluate, "result == true", null, "true", SUCCESSFUL),
        ok(evaluate, "2 in result", null, "[2, 2]", SUCCESSFUL),
        ok(evaluate, "result > 1", null, "5", SUCCESSFUL),
        ok(evaluate, "asInt(result) == 1", null, "\"1\"", SUCCESSFUL),
        ok(evaluate, "asInt(result) == 1", null, "1.123", SUCCESSFUL),
        ok(evaluate, "asInt(result) == 1.1", null, "\"1.1\"", ERROR),
        ok(evaluate, "asFloat(result) == 1.1", null, "\"1.1\"", SUCCESSFUL),
        ok(evaluate, "asFloat(result) == 1", null, "1", SUCCESSFUL),
        ok(evaluate, "asFloat(result) == 1.1", null, "\"NotANum\"", ERROR),
        ok(evaluate, "result[0] >= 0.95", null, "null", ERROR),
        refused(
            evaluate,
            "all(result.service_apdex.values.values, {# > 1})",
            null,
            "result.service_apdex.values.values.all(x, x > 1)"),
        refused(evaluate, "true", "a == true", "undeclared reference to 'a'"),
        // expr-lang's word operators, as Argo's users write them
        refused(analysis, "result[0] >= 0.9 or isNaN(result[0])", null, "|| isNaN(result[0])"),
        refused(analysis, null, "not (result[0] < 10)", "!(result[0] < 10)"));
  }

  @ParameterizedTest
  @MethodSource("rows")
  void evaluatedAsArgoDoesOrRefusedWithItsCelForm(Row row) throws Exception {
    if (row.refusal() != null) {
      assertThatThrownBy(() -> ConditionSet.compile(row.success(), row.failure()))
          .isInstanceOf(ConditionException.class)
          .hasMessageContaining(row.refusal());
      return;
    }
    ConditionOutcome outcome =
        ConditionSet.compile(row.success(), row.failure()).evaluate(json(row.result()));
    assertThat(outcome.phase()).as(outcome.message()).isEqualTo(row.phase());
  }

  static JsonNode json(String text) throws Exception {
    return switch (text) {
      case "NaN" -> DoubleNode.valueOf(Double.NaN);
      case "+Inf" -> DoubleNode.valueOf(Double.POSITIVE_INFINITY);
      case "-Inf" -> DoubleNode.valueOf(Double.NEGATIVE_INFINITY);
      default -> JSON.readTree(text);
    };
  }
}
