package dev.ramp.plugins.gatewayapi;

/** Regular expressions for Gateway API's {@code RegularExpression} matches. */
final class Regex {

  // Metacharacters of RE2 (Envoy), PCRE (NGINX, HAProxy) and ECMAScript alike.
  private static final String META = "\\.^$|?*+()[]{}";

  private Regex() {}

  /**
   * A value that starts with {@code prefix}: {@code ^}, the prefix with each metacharacter escaped
   * by a backslash, then {@code .*}. Escaping character by character rather than with {@code
   * \Q...\E} keeps the expression portable: not every implementation's engine knows {@code \Q}.
   */
  static String prefix(String prefix) {
    return "^" + quote(prefix) + ".*";
  }

  static String quote(String literal) {
    StringBuilder out = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (META.indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
