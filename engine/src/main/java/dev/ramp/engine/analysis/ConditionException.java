package dev.ramp.engine.analysis;

/**
 * A metric condition that Ramp refuses: it does not compile as CEL, uses an expr-lang form (the
 * message gives the CEL form), or does not yield a bool. The message names the condition ({@code
 * successCondition} or {@code failureCondition}), the expression and what is wrong, in one line.
 */
final class ConditionException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;
  private final String expression;

  ConditionException(String field, String expression, String problem) {
    super(field + " \"" + expression + "\": " + problem);
    this.field = field;
    this.expression = expression;
  }

  /** {@code successCondition} or {@code failureCondition}. */
  String field() {
    return field;
  }

  String expression() {
    return expression;
  }
}
