package dev.ramp.engine.analysis;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * The one CEL environment of analysis conditions, built once: the variable {@code result} ({@code
 * dyn}), CEL's standard functions and macros ({@code all}, {@code exists}, {@code exists_one},
 * {@code filter}, {@code map}, {@code has}), Argo's helpers ({@link CelHelpers}), cross-type
 * numeric comparisons with NaN comparing false and double/int arithmetic ({@link CelNumbers}), and
 * a bool result type. Compiler and runtime are immutable and shared by every thread.
 */
final class CelEnvironment {
  static final String RESULT = "result";

  /** Iterations of comprehensions ({@code all}, {@code filter}, ...) allowed in one evaluation. */
  static final int MAX_ITERATIONS = 1_000_000;

  private static final CelOptions OPTIONS =
      CelOptions.current()
          .enableHeterogeneousNumericComparisons(true)
          .comprehensionMaxIterations(MAX_ITERATIONS)
          .build();

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setOptions(OPTIONS)
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar(RESULT, SimpleType.DYN)
          .addFunctionDeclarations(CelNumbers.declarations())
          .addFunctionDeclarations(CelHelpers.declarations())
          .setResultType(SimpleType.BOOL)
          .build();

  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder()
          .setOptions(OPTIONS)
          .setStandardEnvironmentEnabled(false)
          .setStandardFunctions(CelNumbers.standardFunctions())
          .addFunctionBindings(CelNumbers.bindings())
          .addFunctionBindings(CelHelpers.bindings())
          .build();

  private CelEnvironment() {}

  /** Parses and type-checks {@code expression}. */
  static CelAbstractSyntaxTree compile(String expression) throws CelValidationException {
    return COMPILER.compile(expression).getAst();
  }

  static CelRuntime.Program program(CelAbstractSyntaxTree ast) throws CelEvaluationException {
    return RUNTIME.createProgram(ast);
  }
}
