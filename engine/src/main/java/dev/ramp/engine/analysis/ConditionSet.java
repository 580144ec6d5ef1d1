package dev.ramp.engine.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A metric's {@code successCondition} and {@code failureCondition}, compiled once as CEL (when the
 * template is linted or the run starts) and evaluated against each measurement's result with Argo's
 * rules: no condition, Successful; a success condition only, Failed when it does not hold; a
 * failure condition only, Successful when it does not hold; both, the failure condition wins and
 * neither holding is Inconclusive. A condition that cannot be evaluated makes the measurement
 * Error, with a message. Immutable and safe to share between threads.
 *
 * <p>{@code isNil} and {@code default} look only at the measurement result in Argo, whatever their
 * argument; Ramp accepts them only with {@code result} as the (first) argument, where both agree,
 * and refuses any other argument when the condition is compiled.
 */
final class ConditionSet {
  static final String SUCCESS = "successCondition";
  static final String FAILURE = "failureCondition";

  private final Optional<Condition> success;
  private final Optional<Condition> failure;

  private record Condition(String field, String expression, CelRuntime.Program program) {}

  private ConditionSet(Optional<Condition> success, Optional<Condition> failure) {
    this.success = success;
    this.failure = failure;
  }

  /**
   * Compiles the two conditions; a null or blank one is absent.
   *
   * @throws ConditionException when either is refused; the message says which, and why
   */
  static ConditionSet compile(String successCondition, String failureCondition)
      throws ConditionException {
    return new ConditionSet(
        condition(SUCCESS, successCondition), condition(FAILURE, failureCondition));
  }

  Optional<String> successCondition() {
    return success.map(Condition::expression);
  }

  Optional<String> failureCondition() {
    return failure.map(Condition::expression);
  }

  /** The phase of a measurement whose result is {@code result} (null or missing: no result). */
  ConditionOutcome evaluate(JsonNode result) {
    Object value = CelValues.of(result);
    Boolean succeeded = null;
    Boolean failed = null;
    if (success.isPresent()) {
      Object answer = evaluate(success.get(), value);
      if (answer instanceof ConditionOutcome error) {
        return error;
      }
      succeeded = (Boolean) answer;
    }
    if (failure.isPresent()) {
      Object answer = evaluate(failure.get(), value);
      if (answer instanceof ConditionOutcome error) {
        return error;
      }
      failed = (Boolean) answer;
    }
    return decide(succeeded, failed);
  }

  /** Argo's rules; a null condition value means that condition is absent. */
  private static ConditionOutcome decide(Boolean succeeded, Boolean failed) {
    if (succeeded == null && failed == null) {
      return ConditionOutcome.SUCCESSFUL;
    }
    boolean fails = failed != null ? failed : !succeeded;
    boolean succeeds = succeeded != null ? succeeded : !failed;
    if (fails) {
      return ConditionOutcome.FAILED;
    }
    return succeeds ? ConditionOutcome.SUCCESSFUL : ConditionOutcome.INCONCLUSIVE;
  }

  /** The condition's bool, or an ERROR outcome. */
  private static Object evaluate(Condition condition, Object value) {
    String problem;
    try {
      Object answer = condition.program().eval(java.util.Map.of(CelEnvironment.RESULT, value));
      if (answer instanceof Boolean b) {
        return b;
      }
      problem = "expected bool, but got " + CelHelpers.describe(answer);
    } catch (CelEvaluationException e) {
      problem = evaluationProblem(e);
    } catch (RuntimeException e) {
      problem = String.valueOf(e.getMessage());
    }
    String prefix =
        "could not evaluate " + condition.field() + " \"" + condition.expression() + "\"";
    if (CelValues.isNoData(value)) {
      return ConditionOutcome.error(
          prefix
              + ": metric result is null or empty: no data returned from the metric provider ("
              + problem
              + ")");
    }
    return ConditionOutcome.error(prefix + ": " + problem);
  }

  /** cel-java's message less its {@code evaluation error at <input>:N:} prefix, with a hint. */
  private static String evaluationProblem(CelEvaluationException e) {
    String message = String.valueOf(e.getMessage());
    message = message.replaceFirst("^evaluation error(?: at <input>:\\d+)?: ", "");
    if (message.startsWith("No matching overload") && message.contains("_int64")) {
      message +=
          " (the result's numbers are doubles: if this compares or computes one with an int"
              + " literal, write it as a double: 1.0)";
    }
    return message;
  }

  private static Optional<Condition> condition(String field, String expression)
      throws ConditionException {
    if (expression == null || expression.isBlank()) {
      return Optional.empty();
    }
    CelAbstractSyntaxTree ast;
    try {
      ast = CelEnvironment.compile(expression);
    } catch (CelValidationException e) {
      throw new ConditionException(field, expression, compileProblem(e, expression));
    } catch (RuntimeException e) {
      throw new ConditionException(field, expression, "not a CEL expression: " + e.getMessage());
    }
    checkNilHelpers(field, expression, ast);
    try {
      return Optional.of(new Condition(field, expression, CelEnvironment.program(ast)));
    } catch (CelEvaluationException | RuntimeException e) {
      throw new ConditionException(field, expression, "cannot be planned: " + e.getMessage());
    }
  }

  /** What CEL found wrong, with the CEL form of any expr-lang form in the expression. */
  private static String compileProblem(CelValidationException e, String expression) {
    String cel = issues(e.getErrors());
    ConditionHints.Hint hint;
    try {
      hint = ConditionHints.of(expression);
    } catch (RuntimeException unexpected) {
      hint = new ConditionHints.Hint(expression, List.of());
    }
    StringBuilder problem = new StringBuilder();
    if (!hint.notes().isEmpty()) {
      problem.append("expr-lang, not CEL: ").append(String.join("; ", hint.notes()));
      if (!hint.rewritten().equals(expression) && compiles(hint.rewritten())) {
        problem.append(". In CEL: ").append(hint.rewritten());
        return problem.toString();
      }
      problem.append(". CEL says: ");
    }
    problem.append(cel);
    if (cel.contains("undeclared reference") && !cel.contains("'" + CelEnvironment.RESULT + "'")) {
      problem.append(" (the measurement is the variable result)");
    }
    return problem.toString();
  }

  private static boolean compiles(String expression) {
    try {
      CelEnvironment.compile(expression);
      return true;
    } catch (CelValidationException | RuntimeException e) {
      return false;
    }
  }

  private static String issues(List<CelIssue> issues) {
    return issues.stream()
        .map(
            issue ->
                issue.getMessage()
                    + " (column "
                    + (issue.getSourceLocation().getColumn() + 1)
                    + ")")
        .collect(Collectors.joining("; "));
  }

  /** Refuses {@code isNil(x)} and {@code default(x, d)} for any {@code x} but {@code result}. */
  private static void checkNilHelpers(String field, String expression, CelAbstractSyntaxTree ast)
      throws ConditionException {
    boolean misused =
        CelNavigableAst.fromAst(ast)
            .getRoot()
            .allNodes()
            .map(node -> node.expr())
            .filter(expr -> expr.getKind() == CelExpr.ExprKind.Kind.CALL)
            .map(CelExpr::call)
            .filter(
                call ->
                    call.function().equals(CelHelpers.IS_NIL)
                        || call.function().equals(CelHelpers.DEFAULT))
            .anyMatch(call -> !isResult(call.args().get(0)));
    if (misused) {
      throw new ConditionException(
          field,
          expression,
          "isNil and default look only at the measurement result (as in Argo): write isNil(result)"
              + " or default(result, 0); for a field, has(result.f) ? result.f : 0");
    }
  }

  private static boolean isResult(CelExpr expr) {
    return expr.getKind() == CelExpr.ExprKind.Kind.IDENT
        && expr.ident().name().equals(CelEnvironment.RESULT);
  }
}
