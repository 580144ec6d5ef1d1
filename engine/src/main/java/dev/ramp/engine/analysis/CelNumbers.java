package dev.ramp.engine.analysis;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.standard.CelStandardOverload;
import dev.cel.runtime.standard.GreaterEqualsOperator.GreaterEqualsOverload;
import dev.cel.runtime.standard.GreaterOperator.GreaterOverload;
import dev.cel.runtime.standard.LessEqualsOperator.LessEqualsOverload;
import dev.cel.runtime.standard.LessOperator.LessOverload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;

/**
 * Numbers mixed as Argo's conditions mix them (every JSON number is a double, literals are often
 * ints). Comparisons between a double and an int in which NaN compares false, as in Argo (Go) and
 * between two doubles: cel-java 0.14.0 orders NaN above every int ({@code Double.compare}), so
 * {@code result >= 10} would hold for a NaN result; these bindings replace its cross-type
 * double/int64 ordering overloads under the same overload ids. And arithmetic between a double and
 * an int ({@code result * 100}, {@code result / 2}), which CEL lacks, as double arithmetic.
 */
final class CelNumbers {
  private static final Set<CelStandardOverload> REPLACED =
      Set.of(
          LessOverload.LESS_DOUBLE_INT64,
          LessOverload.LESS_INT64_DOUBLE,
          LessEqualsOverload.LESS_EQUALS_DOUBLE_INT64,
          LessEqualsOverload.LESS_EQUALS_INT64_DOUBLE,
          GreaterOverload.GREATER_DOUBLE_INT64,
          GreaterOverload.GREATER_INT64_DOUBLE,
          GreaterEqualsOverload.GREATER_EQUALS_DOUBLE_INT64,
          GreaterEqualsOverload.GREATER_EQUALS_INT64_DOUBLE);

  /** CEL's arithmetic operators, by the name of their overloads. */
  private static final Map<String, String> ARITHMETIC =
      Map.of("add", "_+_", "subtract", "_-_", "multiply", "_*_", "divide", "_/_");

  private CelNumbers() {}

  /** Declarations of double/int arithmetic, added to CEL's own overloads of the operators. */
  static List<CelFunctionDecl> declarations() {
    List<CelFunctionDecl> declarations = new ArrayList<>();
    ARITHMETIC.forEach(
        (name, operator) ->
            declarations.add(
                CelFunctionDecl.newFunctionDeclaration(
                    operator,
                    CelOverloadDecl.newGlobalOverload(
                        "ramp_" + name + "_double_int64",
                        SimpleType.DOUBLE,
                        SimpleType.DOUBLE,
                        SimpleType.INT),
                    CelOverloadDecl.newGlobalOverload(
                        "ramp_" + name + "_int64_double",
                        SimpleType.DOUBLE,
                        SimpleType.INT,
                        SimpleType.DOUBLE))));
    return declarations;
  }

  /** The standard runtime functions less the overloads {@link #bindings()} replaces. */
  static CelStandardFunctions standardFunctions() {
    return CelStandardFunctions.newBuilder()
        .filterFunctions((function, overload) -> !REPLACED.contains(overload))
        .build();
  }

  static List<CelFunctionBinding> bindings() {
    List<CelFunctionBinding> bindings = new ArrayList<>(comparisons());
    bindings.addAll(arithmetic("add", (a, b) -> a + b));
    bindings.addAll(arithmetic("subtract", (a, b) -> a - b));
    bindings.addAll(arithmetic("multiply", (a, b) -> a * b));
    bindings.addAll(arithmetic("divide", (a, b) -> a / b));
    return bindings;
  }

  private static List<CelFunctionBinding> arithmetic(String name, DoubleBinaryOperator op) {
    return List.of(
        CelFunctionBinding.from(
            "ramp_" + name + "_double_int64",
            Double.class,
            Long.class,
            (a, b) -> op.applyAsDouble(a, b)),
        CelFunctionBinding.from(
            "ramp_" + name + "_int64_double",
            Long.class,
            Double.class,
            (a, b) -> op.applyAsDouble(a, b)));
  }

  private static List<CelFunctionBinding> comparisons() {
    return List.of(
        CelFunctionBinding.from(
            "less_double_int64", Double.class, Long.class, (a, b) -> a < (double) b),
        CelFunctionBinding.from(
            "less_int64_double", Long.class, Double.class, (a, b) -> (double) a < b),
        CelFunctionBinding.from(
            "less_equals_double_int64", Double.class, Long.class, (a, b) -> a <= (double) b),
        CelFunctionBinding.from(
            "less_equals_int64_double", Long.class, Double.class, (a, b) -> (double) a <= b),
        CelFunctionBinding.from(
            "greater_double_int64", Double.class, Long.class, (a, b) -> a > (double) b),
        CelFunctionBinding.from(
            "greater_int64_double", Long.class, Double.class, (a, b) -> (double) a > b),
        CelFunctionBinding.from(
            "greater_equals_double_int64", Double.class, Long.class, (a, b) -> a >= (double) b),
        CelFunctionBinding.from(
            "greater_equals_int64_double", Long.class, Double.class, (a, b) -> (double) a >= b));
  }
}
