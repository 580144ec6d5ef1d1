package dev.ramp.engine.analysis;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hints for a condition that did not compile as CEL: the expr-lang forms of Argo's docs it uses
 * (word operators, {@code #} closures, {@code max}/{@code min}, infix string operators, {@code
 * ??}), each with its CEL form, and the whole expression rewritten to CEL where each form has a
 * direct one. These are suggestions for a message, checked by compiling them as CEL before they are
 * shown; they are never evaluated.
 */
final class ConditionHints {
  /** What was found, and the expression rewritten (equal to it when nothing could be). */
  record Hint(String rewritten, List<String> notes) {}

  /** expr-lang's closure functions and the CEL macro form of each ({@code %s}: list, predicate). */
  private static final Map<String, String> CLOSURES =
      Map.of(
          "all", "%s.all(x, %s)",
          "any", "%s.exists(x, %s)",
          "none", "!%s.exists(x, %s)",
          "one", "%s.exists_one(x, %s)",
          "filter", "%s.filter(x, %s)",
          "map", "%s.map(x, %s)",
          "count", "size(%s.filter(x, %s))");

  private static final Pattern CLOSURE =
      Pattern.compile("(?<![.\\w])(all|any|none|one|filter|map|count)\\s*\\(");
  private static final Pattern EXTREME =
      Pattern.compile(
          "(?<![.\\w])(max|min)\\(\\s*([^()]+?)\\s*\\)\\s*(<=|<|>=|>)\\s*([-+]?[\\w.]+)");
  private static final Pattern AGGREGATE =
      Pattern.compile("(?<![.\\w])(max|min|sum|mean|median|reduce|sortBy|groupBy)\\s*\\(");
  private static final Pattern WORD_OPERATOR = Pattern.compile("\\b(and|or|not)\\b\\s*");
  private static final Pattern INFIX =
      Pattern.compile(
          "([\\w.\\[\\]]+)\\s+(contains|startsWith|endsWith|matches)\\s+(\"[^\"]*\"|'[^']*'|[\\w.]+)");
  private static final Pattern SHORTHAND_FIELD = Pattern.compile("(?<![\\w)\\].])\\.([A-Za-z_])");

  private ConditionHints() {}

  static Hint of(String expression) {
    Set<String> notes = new LinkedHashSet<>();
    String text = closures(expression, notes);
    text = extremes(text, notes);
    text = wordOperators(text, notes);
    text = infix(text, notes);
    Matcher aggregate = AGGREGATE.matcher(masked(text));
    if (aggregate.find()) {
      notes.add(
          "CEL has no "
              + aggregate.group(1)
              + "() over a list: test each element with result.all(x, x < N) or"
              + " result.exists(x, x > N), or aggregate in the provider's query");
    }
    if (expression.contains("??") || expression.contains("?.")) {
      notes.add(
          "CEL has no ?? or ?.: write default(result, 0) for a null result, or"
              + " has(result.field) ? result.field : 0 for a missing field");
    }
    return new Hint(text, List.copyOf(notes));
  }

  /** {@code all(list, # < 1)} and {@code all(list, {.f > 1})} to {@code list.all(x, ...)}. */
  private static String closures(String expression, Set<String> notes) {
    String text = expression;
    for (int guard = 0; guard < 16; guard++) {
      Matcher m = CLOSURE.matcher(masked(text));
      if (!m.find()) {
        break;
      }
      int open = m.end() - 1;
      int close = matching(masked(text), open);
      int comma = topLevelComma(masked(text), open + 1, close);
      if (close < 0 || comma < 0) {
        break;
      }
      String list = text.substring(open + 1, comma).trim();
      String predicate = predicate(text.substring(comma + 1, close).trim());
      String cel = CLOSURES.get(m.group(1)).formatted(list, predicate);
      notes.add(
          m.group(1) + "(list, predicate) with # is expr-lang: CEL writes " + form(m.group(1)));
      text = text.substring(0, m.start()) + cel + text.substring(close + 1);
    }
    return text;
  }

  private static String form(String function) {
    return CLOSURES.get(function).formatted("list", "predicate on x");
  }

  /** An expr-lang predicate as a CEL one over {@code x}: braces off, {@code #} and {@code .f}. */
  private static String predicate(String body) {
    String p = body;
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1).trim();
    }
    p = replaceOutsideStrings(p, Pattern.compile("#"), m -> "x");
    return replaceOutsideStrings(p, SHORTHAND_FIELD, m -> "x." + m.group(1));
  }

  /** {@code max(list) < N} to {@code list.all(x, x < N)}, and the like. */
  private static String extremes(String text, Set<String> notes) {
    return replaceOutsideStrings(
        text,
        EXTREME,
        m -> {
          boolean below = m.group(3).startsWith("<");
          boolean every = m.group(1).equals("max") == below;
          String macro = every ? "all" : "exists";
          notes.add(
              "CEL has no "
                  + m.group(1)
                  + "() over a list: "
                  + m.group(1)
                  + "(list) "
                  + m.group(3)
                  + " N is list."
                  + macro
                  + "(x, x "
                  + m.group(3)
                  + " N)");
          return "%s.%s(x, x %s %s)".formatted(m.group(2), macro, m.group(3), m.group(4));
        });
  }

  private static String wordOperators(String text, Set<String> notes) {
    return replaceOutsideStrings(
        text,
        WORD_OPERATOR,
        m -> {
          String cel =
              switch (m.group(1)) {
                case "and" -> "&& ";
                case "or" -> "|| ";
                default -> "!";
              };
          notes.add("'" + m.group(1) + "' is expr-lang: CEL writes " + cel.trim());
          return cel;
        });
  }

  private static String infix(String text, Set<String> notes) {
    return replaceOutsideStrings(
        text,
        INFIX,
        m -> {
          notes.add("'a " + m.group(2) + " b' is expr-lang: CEL writes a." + m.group(2) + "(b)");
          return m.group(1) + "." + m.group(2) + "(" + m.group(3) + ")";
        });
  }

  /** Replaces each match of {@code pattern} that does not start inside a string literal. */
  private static String replaceOutsideStrings(
      String text, Pattern pattern, Function<Matcher, String> replacement) {
    String masked = masked(text);
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder();
    int last = 0;
    boolean replaced = false;
    while (m.find()) {
      if (masked.charAt(m.start()) == ' ' && text.charAt(m.start()) != ' ') {
        continue;
      }
      out.append(text, last, m.start()).append(replacement.apply(m));
      last = m.end();
      replaced = true;
    }
    return !replaced ? text : out.append(text.substring(last)).toString();
  }

  /** The text with the inside of every string literal blanked, positions kept. */
  static String masked(String text) {
    StringBuilder out = new StringBuilder(text.length());
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        boolean closes = c == quote;
        if (c == '\\' && i + 1 < text.length()) {
          out.append("  ");
          i++;
          continue;
        }
        out.append(closes ? c : ' ');
        quote = closes ? 0 : quote;
      } else {
        quote = (c == '"' || c == '\'') ? c : 0;
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The index of the bracket closing the one at {@code open}, or -1. */
  private static int matching(String masked, int open) {
    int depth = 0;
    for (int i = open; i < masked.length(); i++) {
      char c = masked.charAt(i);
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /** The first comma between {@code from} and {@code to} outside nested brackets, or -1. */
  private static int topLevelComma(String masked, int from, int to) {
    int depth = 0;
    for (int i = from; i < to; i++) {
      char c = masked.charAt(i);
      if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
