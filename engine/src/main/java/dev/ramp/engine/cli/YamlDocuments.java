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

  /** One document and where its fields are (1-based lines). */
  record Document(JsonNode tree, int line, Map<String, Integer> lines) {

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

  private final JsonParser parser;
  private Map<String, Integer> lines;

  private YamlDocuments(JsonParser parser) {
    this.parser = parser;
  }

  /** Parses every document; throws IOException when the text is not YAML. */
  static List<Document> parse(String text) throws IOException {
    List<Document> documents = new ArrayList<>();
    try (JsonParser parser = new YAMLFactory().createParser(text)) {
      YamlDocuments reader = new YamlDocuments(parser);
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        reader.lines = new HashMap<>();
        int line = parser.currentTokenLocation().getLineNr();
        JsonNode tree = reader.value(token, "");
        documents.add(new Document(tree, line, reader.lines));
      }
    }
    return documents;
  }

  /**
   * Every document of a YAML file; a file that cannot be read or is not YAML is a {@link
   * CliException} saying so (with the line, when the parser knows it).
   */
  static List<Document> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CliException("file " + file + " does not exist");
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (MalformedInputException e) {
      throw new CliException("file " + file + " is not YAML: it is not UTF-8 text");
    } catch (IOException e) {
      throw new CliException("file " + file + " cannot be read: " + e.getMessage());
    }
    try {
      return parse(text);
    } catch (JsonProcessingException e) {
      // The YAML parser's message spans lines with an excerpt and a caret; keep the sentences.
      String why =
          e.getOriginalMessage()
              .lines()
              .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
              .map(String::strip)
              .collect(Collectors.joining(": "));
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw new CliException(
          "file " + file + " is not YAML" + (line > 0 ? " (line " + line + ")" : "") + ": " + why);
    } catch (IOException e) {
      throw new CliException("file " + file + " is not YAML: " + e.getMessage());
    }
  }

  private JsonNode value(JsonToken token, String path) throws IOException {
    switch (token) {
      case START_OBJECT:
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          String child = path.isEmpty() ? name : path + "." + name;
          lines.put(child, parser.currentTokenLocation().getLineNr());
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
