package dev.ramp.engine.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The documents of a YAML stream, each with the line where every field sits, keyed by the field
 * paths the controller's messages use ({@code spec.strategy.canary.steps[1].setWeight}).
 */
final class YamlDocuments {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The largest file read: a Kubernetes object is at most about 1.5 MiB. */
  static final long MAX_BYTES = 4L * 1024 * 1024;

  /** A key given twice in one mapping (YAML forbids it; a parser would keep either silently). */
  record Duplicate(String path, int line, int firstLine) {}

  /**
   * One document and where its fields are (1-based lines); {@code error} says why a document that
   * is not YAML could not be read (its tree is then null).
   */
  record Document(
      JsonNode tree,
      int line,
      Map<String, Integer> lines,
      List<Duplicate> duplicates,
      String error) {

    /**
     * The line of a field, else of its nearest enclosing field that exists, else the document's.
     */
    int lineOf(String path) {
      String p = path;
      while (!p.isEmpty()) {
        Integer found = lines.get(p);
        if (found != null) {
          return found;
        }
        int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        p = cut < 0 ? "" : p.substring(0, cut);
      }
      return line;
    }
  }

  /** A file's documents, or why it could not be read at all. */
  record FileRead(List<Document> documents, String error) {}

  private final JsonParser parser;
  private Map<String, Integer> lines;
  private List<Duplicate> duplicates;

  private YamlDocuments(JsonParser parser) {
    this.parser = parser;
  }

  private static final YAMLFactory YAML =
      YAMLFactory.builder().loaderOptions(codePointLimit((int) MAX_BYTES + 1024)).build();

  private static org.yaml.snakeyaml.LoaderOptions codePointLimit(int limit) {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setCodePointLimit(limit);
    return options;
  }

  /** Parses every document; throws IOException when the text is not YAML. */
  static List<Document> parse(String text) throws IOException {
    List<Document> documents = new ArrayList<>();
    for (Document doc : parseEach(text)) {
      if (doc.error() != null) {
        throw new IOException(doc.error());
      }
      documents.add(doc);
    }
    return documents;
  }

  /**
   * Parses every document on its own, so that one that is not YAML does not hide the others: the
   * text is cut at each {@code ---} line (a block scalar's lines are indented, so a line starting
   * with {@code ---} always separates documents).
   */
  static List<Document> parseEach(String text) {
    List<Document> documents = new ArrayList<>();
    String[] all = text.split("\n", -1);
    int start = 0;
    for (int i = 0; i <= all.length; i++) {
      if (i == all.length || (i > start && all[i].matches("---(\\s.*)?"))) {
        String chunk = String.join("\n", java.util.Arrays.copyOfRange(all, start, i));
        parseChunk(chunk, start, documents);
        start = i;
      }
    }
    return documents;
  }

  /** The documents of one chunk (usually one), with lines counted from {@code offset}. */
  private static void parseChunk(String chunk, int offset, List<Document> out) {
    try (JsonParser parser = YAML.createParser(chunk)) {
      YamlDocuments reader = new YamlDocuments(parser);
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        reader.lines = new HashMap<>();
        reader.duplicates = new ArrayList<>();
        int line = parser.currentTokenLocation().getLineNr();
        JsonNode tree = reader.value(token, "");
        Map<String, Integer> shifted = new HashMap<>();
        reader.lines.forEach((k, v) -> shifted.put(k, v + offset));
        List<Duplicate> dups =
            reader.duplicates.stream()
                .map(d -> new Duplicate(d.path(), d.line() + offset, d.firstLine() + offset))
                .toList();
        out.add(new Document(tree, line + offset, shifted, dups, null));
      }
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      String at = line > 0 ? " (line " + (line + offset) + ")" : "";
      out.add(
          new Document(
              null,
              Math.max(line, 1) + offset,
              Map.of(),
              List.of(),
              "not YAML" + at + ": " + why(e)));
    } catch (IOException e) {
      out.add(new Document(null, offset + 1, Map.of(), List.of(), "not YAML: cannot be parsed"));
    }
  }

  /** The YAML parser's message without its excerpt and caret lines. */
  private static String why(JsonProcessingException e) {
    return e.getOriginalMessage()
        .lines()
        .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
        .map(String::strip)
        .collect(Collectors.joining(": "));
  }

  /**
   * Every document of a YAML file; a file that cannot be read or is not YAML is a {@link
   * CliException} saying so (with the line, when the parser knows it).
   */
  static List<Document> read(Path file) {
    FileRead read = readAll(file);
    if (read.error() != null) {
      throw new CliException("file " + file + " " + read.error());
    }
    for (Document doc : read.documents()) {
      if (doc.error() != null) {
        throw new CliException("file " + file + " is " + doc.error());
      }
    }
    return read.documents();
  }

  /** A file's documents, each read on its own; or why the file cannot be read at all. */
  static FileRead readAll(Path file) {
    if (Files.isDirectory(file)) {
      return new FileRead(List.of(), "is a directory");
    }
    if (!Files.isRegularFile(file)) {
      return new FileRead(List.of(), "does not exist");
    }
    String text;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        return new FileRead(
            List.of(),
            String.format(
                java.util.Locale.ROOT,
                "is %.1f MiB; files of at most 4 MiB are read (a Kubernetes object is at most"
                    + " 1.5 MiB)",
                size / (1024.0 * 1024.0)));
      }
      text = Files.readString(file);
    } catch (MalformedInputException e) {
      return new FileRead(List.of(), "is not YAML: it is not UTF-8 text");
    } catch (IOException e) {
      return new FileRead(List.of(), "cannot be read: " + e.getMessage());
    }
    return new FileRead(parseEach(text), null);
  }

  private JsonNode value(JsonToken token, String path) throws IOException {
    switch (token) {
      case START_OBJECT:
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          String child = path.isEmpty() ? name : path + "." + name;
          int line = parser.currentTokenLocation().getLineNr();
          if (object.has(name)) {
            duplicates.add(new Duplicate(child, line, lines.getOrDefault(child, line)));
          } else {
            lines.put(child, line);
          }
          object.set(name, value(parser.nextToken(), child));
        }
        return object;
      case START_ARRAY:
        ArrayNode array = NODES.arrayNode();
        JsonToken next;
        while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
          String child = path + "[" + array.size() + "]";
          lines.put(child, parser.currentTokenLocation().getLineNr());
          array.add(value(next, child));
        }
        return array;
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        return switch (parser.getNumberType()) {
          case INT -> NODES.numberNode(parser.getIntValue());
          case LONG -> NODES.numberNode(parser.getLongValue());
          default -> NODES.numberNode(parser.getBigIntegerValue());
        };
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(parser.getDecimalValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new IOException(
            "unexpected " + token + " at line " + parser.currentTokenLocation().getLineNr());
    }
  }
}
