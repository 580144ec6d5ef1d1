package dev.ramp.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.AnalysisRunner;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rollout.SpecCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "lint",
    description = {
      "Check Rollouts and AnalysisTemplates in YAML files with the controller's own validation,",
      "offline (a template's conditions are compiled, its metrics read as a run reads them).",
      "Each problem is printed as FILE:LINE: FIELD: message. Documents of other kinds are",
      "noted and skipped. Services named by the Rollout are not looked up (no cluster).",
      "Exit code: 0 clean, 1 problems found, 3 a file that cannot be read or is not YAML."
    })
final class LintCommand implements Callable<Integer> {

  static final String API_VERSION = Rollout.API_VERSION;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE",
      description = "A YAML file, one or more documents; repeat for more files.")
  List<Path> files;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int problems = 0;
    for (Path file : files) {
      problems += lint(file, out);
    }
    out.flush();
    return problems == 0 ? 0 : 1;
  }

  private int lint(Path file, PrintWriter out) {
    List<YamlDocuments.Document> documents = read(file);
    int problems = 0;
    for (int i = 0; i < documents.size(); i++) {
      problems += lint(file, i, documents.get(i), out);
    }
    return problems;
  }

  /** Checks document {@code i} of a file, prints what it found, and returns its problem count. */
  private int lint(Path file, int i, YamlDocuments.Document doc, PrintWriter out) {
    JsonNode tree = doc.tree();
    if (tree.isNull() || (tree.isObject() && tree.isEmpty())) {
      return 0;
    }
    if (!tree.isObject()) {
      out.println(
          file
              + ":"
              + doc.line()
              + ": document "
              + (i + 1)
              + " is not a Kubernetes object (a mapping with apiVersion and kind)");
      return 1;
    }
    String kind = tree.path("kind").asText("");
    String apiVersion = tree.path("apiVersion").asText("");
    if (kind.isEmpty()) {
      out.println(
          file
              + ":"
              + doc.line()
              + ": document "
              + (i + 1)
              + " has no kind; set apiVersion and kind");
      return 1;
    }
    if (kind.equals("AnalysisTemplate") || kind.equals("ClusterAnalysisTemplate")) {
      return lintTemplate(file, doc, kind, out);
    }
    if (!kind.equals("Rollout")) {
      out.println(file + ":" + doc.line() + ": kind " + kind + " is not checked");
      return 0;
    }
    String label = "Rollout " + tree.path("metadata").path("name").asText("(no name)");
    if (!apiVersion.equals(API_VERSION)) {
      out.println(
          file
              + ":"
              + doc.lineOf("apiVersion")
              + ": "
              + label
              + ": apiVersion: \""
              + apiVersion
              + "\" is not Ramp's; write apiVersion: "
              + API_VERSION);
      return 1;
    }
    List<String> found = check(tree, doc, file, label);
    found.forEach(out::println);
    if (found.isEmpty()) {
      out.println(file + ":" + doc.line() + ": " + label + ": ok");
    }
    return found.size();
  }

  /** An analysis template: its metrics as a run would read them (conditions compiled). */
  private static int lintTemplate(
      Path file, YamlDocuments.Document doc, String kind, PrintWriter out) {
    JsonNode tree = doc.tree();
    String label = kind + " " + tree.path("metadata").path("name").asText("(no name)");
    List<String> found = new ArrayList<>();
    if (!tree.path("apiVersion").asText("").equals(API_VERSION)) {
      found.add(
          "apiVersion: \""
              + tree.path("apiVersion").asText("")
              + "\" is not Ramp's; write apiVersion: "
              + API_VERSION);
    }
    found.addAll(AnalysisRunner.validate(tree.path("spec")));
    for (String problem : found) {
      String field = problem.split("[: ]", 2)[0];
      out.println(file + ":" + doc.lineOf(field) + ": " + label + ": " + problem);
    }
    if (found.isEmpty()) {
      out.println(file + ":" + doc.line() + ": " + label + ": ok");
    }
    return found.size();
  }

  private static List<String> check(
      JsonNode tree, YamlDocuments.Document doc, Path file, String label) {
    List<String> lines = new ArrayList<>();
    if (tree.path("metadata").path("name").asText("").isEmpty()) {
      lines.add(file + ":" + doc.lineOf("metadata") + ": " + label + ": metadata.name: missing");
    }
    Rollout rollout;
    try {
      rollout = Json.MAPPER.treeToValue(tree, Rollout.class);
    } catch (DatabindException e) {
      String field = path(e);
      lines.add(
          file
              + ":"
              + doc.lineOf(field)
              + ": "
              + label
              + ": "
              + field
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
      return lines;
    } catch (IOException e) {
      lines.add(file + ":" + doc.line() + ": " + label + ": " + e.getMessage());
      return lines;
    }
    for (SpecCheck.Problem p : SpecCheck.validate(rollout)) {
      lines.add(
          file
              + ":"
              + doc.lineOf(p.field())
              + ": "
              + label
              + ": "
              + p.field()
              + ": "
              + p.message());
    }
    return lines;
  }

  /** The field path of a mapping error, as the controller's messages write paths. */
  private static String path(DatabindException e) {
    StringBuilder path = new StringBuilder();
    if (e instanceof JsonMappingException m) {
      for (JsonMappingException.Reference ref : m.getPath()) {
        if (ref.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
    }
    return path.toString();
  }

  private static List<YamlDocuments.Document> read(Path file) {
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
      return YamlDocuments.parse(text);
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
}
