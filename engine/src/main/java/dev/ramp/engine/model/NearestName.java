package dev.ramp.engine.model;

import java.util.Collection;
import java.util.Locale;

/**
 * The known name nearest to a misspelt one, for messages such as {@code duraton: unknown field; did
 * you mean duration?}: the fewest edits (insertions, deletions, substitutions, swaps of neighbours;
 * case ignored), and close enough to be the likely intent — at most a third of the name's length.
 */
public final class NearestName {
  private NearestName() {}

  /** {@code "; did you mean X?"}, or empty when no known name is near. */
  public static String hint(String name, Collection<String> known) {
    String near = nearest(name, known);
    return near == null ? "" : "; did you mean " + near + "?";
  }

  /** The nearest known name, or null when none is near enough. */
  public static String nearest(String name, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String n = name.toLowerCase(Locale.ROOT);
    for (String candidate : known) {
      int d = distance(n, candidate.toLowerCase(Locale.ROOT));
      int allowed = Math.max(1, Math.min(3, candidate.length() / 3));
      if (d <= allowed && d < bestDistance && !candidate.equals(name)) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Optimal string alignment distance (Damerau-Levenshtein without repeated edits). */
  static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 3) {
      return Integer.MAX_VALUE;
    }
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
