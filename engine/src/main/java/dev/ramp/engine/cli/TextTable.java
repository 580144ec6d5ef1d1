package dev.ramp.engine.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of text in columns two spaces apart, as kubectl prints them: the header row dim, each other
 * row in its own colour or none, trailing blanks stripped.
 */
final class TextTable {

  private final List<String[]> rows = new ArrayList<>();
  private final List<String> colours = new ArrayList<>();

  TextTable(String... header) {
    add(Ansi.DIM, header);
  }

  /** Adds a row in a colour (an {@link Ansi} code, or null for none). */
  TextTable add(String colour, String... cells) {
    rows.add(cells);
    colours.add(colour);
    return this;
  }

  /** Appends the rows as lines, each starting with {@code indent}. */
  void appendTo(StringBuilder out, String indent, Ansi ansi) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder(indent);
      String[] row = rows.get(r);
      for (int i = 0; i < columns; i++) {
        line.append(row[i]);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      String text = line.toString().stripTrailing();
      out.append(colours.get(r) == null ? text : ansi.paint(colours.get(r), text)).append('\n');
    }
  }
}
