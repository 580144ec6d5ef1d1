package dev.ramp.engine.analysis;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Argo's condition helpers as CEL functions: {@code asInt}, {@code asFloat}, {@code isNaN}, {@code
 * isInf}, {@code isNil}, {@code default}, and {@code len} (CEL's {@code size}, under the name
 * Argo's conditions use). Arguments are {@code dyn}: a measurement's shape is known only when it
 * arrives. {@code asInt} and {@code asFloat} return {@code dyn} so that {@code asFloat(result) ==
 * 1} checks, as it works in Argo; {@code isNil} and {@code default} take only {@code result} (see
 * {@link ConditionSet}).
 */
final class CelHelpers {
  static final String IS_NIL = "isNil";
  static final String DEFAULT = "default";

  private CelHelpers() {}

  static List<CelFunctionDecl> declarations() {
    return List.of(
        unary("asInt", SimpleType.DYN),
        unary("asFloat", SimpleType.DYN),
        unary("isNaN", SimpleType.BOOL),
        unary("isInf", SimpleType.BOOL),
        unary(IS_NIL, SimpleType.BOOL),
        unary("len", SimpleType.INT),
        CelFunctionDecl.newFunctionDeclaration(
            DEFAULT,
            CelOverloadDecl.newGlobalOverload(
                "ramp_default_dyn_dyn", SimpleType.DYN, SimpleType.DYN, SimpleType.DYN)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("ramp_asInt_dyn", Object.class, CelHelpers::asInt),
        CelFunctionBinding.from("ramp_asFloat_dyn", Object.class, CelHelpers::asFloat),
        CelFunctionBinding.from("ramp_isNaN_dyn", Object.class, x -> isNaN(x)),
        CelFunctionBinding.from("ramp_isInf_dyn", Object.class, x -> isInf(x)),
        CelFunctionBinding.from("ramp_isNil_dyn", Object.class, x -> x instanceof NullValue),
        CelFunctionBinding.from("ramp_len_dyn", Object.class, CelHelpers::len),
        CelFunctionBinding.from(
            "ramp_default_dyn_dyn",
            Object.class,
            Object.class,
            (value, fallback) -> value instanceof NullValue ? fallback : value));
  }

  private static CelFunctionDecl unary(String name, CelType returns) {
    return CelFunctionDecl.newFunctionDeclaration(
        name, CelOverloadDecl.newGlobalOverload("ramp_" + name + "_dyn", returns, SimpleType.DYN));
  }

  /** Argo's {@code asInt}: a number truncated toward zero, or a string of base-10 digits. */
  static Object asInt(Object x) throws CelEvaluationException {
    if (x instanceof Long) {
      return x;
    }
    if (x instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new CelEvaluationException("asInt() of " + d + " has no integer value");
      }
      return d.longValue();
    }
    if (x instanceof String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new CelEvaluationException("asInt() cannot parse \"" + s + "\" as an integer");
      }
    }
    throw new CelEvaluationException("asInt() not supported on " + describe(x));
  }

  /** Argo's {@code asFloat}: a number, or a string such as {@code "0.95"}, "NaN" or "+Inf". */
  static Object asFloat(Object x) throws CelEvaluationException {
    if (x instanceof Long l) {
      return l.doubleValue();
    }
    if (x instanceof Double) {
      return x;
    }
    if (x instanceof String s) {
      return parseFloat(s);
    }
    throw new CelEvaluationException("asFloat() not supported on " + describe(x));
  }

  private static double parseFloat(String s) throws CelEvaluationException {
    String word = s.toLowerCase(Locale.ROOT);
    switch (word) {
      case "nan":
        return Double.NaN;
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    // Java also reads "1d", "1f", " 1" and "Infinity" spellings that Go refuses; refuse them too.
    if (!word.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
      throw new CelEvaluationException("asFloat() cannot parse \"" + s + "\" as a number");
    }
    return Double.parseDouble(s);
  }

  private static boolean isNaN(Object x) throws CelEvaluationException {
    if (x instanceof Double d) {
      return d.isNaN();
    }
    if (x instanceof Long) {
      return false;
    }
    throw new CelEvaluationException("isNaN() wants a number, got " + describe(x));
  }

  private static boolean isInf(Object x) throws CelEvaluationException {
    if (x instanceof Double d) {
      return d.isInfinite();
    }
    if (x instanceof Long) {
      return false;
    }
    throw new CelEvaluationException("isInf() wants a number, got " + describe(x));
  }

  private static Long len(Object x) throws CelEvaluationException {
    if (x instanceof String s) {
      return (long) s.codePointCount(0, s.length());
    }
    if (x instanceof List<?> list) {
      return (long) list.size();
    }
    if (x instanceof Map<?, ?> map) {
      return (long) map.size();
    }
    throw new CelEvaluationException("len() wants a string, list or map, got " + describe(x));
  }

  /** A value's CEL kind, for messages. */
  static String describe(Object x) {
    if (x instanceof NullValue) {
      return "null";
    }
    if (x instanceof Double) {
      return "double " + x;
    }
    if (x instanceof Long) {
      return "int " + x;
    }
    if (x instanceof String s) {
      return "string \"" + s + "\"";
    }
    if (x instanceof Boolean) {
      return "bool " + x;
    }
    if (x instanceof List) {
      return "list";
    }
    if (x instanceof Map) {
      return "map";
    }
    return x.getClass().getSimpleName();
  }
}
