package dev.ramp.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.AnalysisRunner;
import dev.ramp.engine.analysis.AnalysisTemplates;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.rollout.SpecCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "lint",
    description = {
      "Check Rollouts and AnalysisTemplates in YAML files with the controller's own validation,",
      "offline (a template's conditions are compiled, its metrics read as a run reads them).",
      "A template's templates[] are looked up in all the files given and checked flattened.",
      "Each problem is printed as FILE:LINE: FIELD: message. Documents of other kinds are",
      "noted and skipped. Services named by the Rollout are not looked up (no cluster).",
      "Exit code: 0 clean, 1 problems found, 3 a file that cannot be read or is not YAML."
    })
final class LintCommand implements Callable<Integer> {

  static final String API_VERSION = Rollout.API_VERSION;

  /** The metric index at the start of a problem such as {@code spec.metrics[2].interval: ...}. */
  private static final Pattern METRIC_INDEX = Pattern.compile("spec\\.metrics\\[(\\d+)]");

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE",
      description = "A YAML file, one or more documents; repeat for more files.")
  List<Path> files;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The analysis templates in all files given, that templates[] are resolved against. */
  private final Map<AnalysisTemplates.Ref, JsonNode> templates = new HashMap<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<Path, List<YamlDocuments.Document>> read = new LinkedHashMap<>();
    for (Path file : files) {
      read.put(file, YamlDocuments.read(file));
    }
    read.values().forEach(this::index);
    int problems = 0;
    for (Map.Entry<Path, List<YamlDocuments.Document>> file : read.entrySet()) {
      problems += lint(file.getKey(), file.getValue(), out);
    }
    out.flush();
    return problems == 0 ? 0 : 1;
  }

  private void index(List<YamlDocuments.Document> documents) {
    for (YamlDocuments.Document doc : documents) {
      String kind = doc.tree().path("kind").asText("");
      String name = doc.tree().path("metadata").path("name").asText("");
      if (!name.isEmpty()
          && (kind.equals("AnalysisTemplate") || kind.equals("ClusterAnalysisTemplate"))) {
        templates.putIfAbsent(
            new AnalysisTemplates.Ref(name, kind.equals("ClusterAnalysisTemplate")),
            doc.tree().path("spec"));
      }
    }
  }

  private int lint(Path file, List<YamlDocuments.Document> documents, PrintWriter out) {
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
  private int lintTemplate(Path file, YamlDocuments.Document doc, String kind, PrintWriter out) {
    JsonNode tree = doc.tree();
    String name = tree.path("metadata").path("name").asText("(no name)");
    String label = kind + " " + name;
    List<String> found = new ArrayList<>();
    if (!tree.path("apiVersion").asText("").equals(API_VERSION)) {
      found.add(
          "apiVersion: \""
              + tree.path("apiVersion").asText("")
              + "\" is not Ramp's; write apiVersion: "
              + API_VERSION);
    }
    AnalysisTemplates.Ref self =
        new AnalysisTemplates.Ref(name, kind.equals("ClusterAnalysisTemplate"));
    found.addAll(templateProblems(self, tree.path("spec")));
    for (String problem : found) {
      String field = problem.split("[: ]", 2)[0];
      out.println(file + ":" + doc.lineOf(field) + ": " + label + ": " + problem);
    }
    if (found.isEmpty()) {
      out.println(file + ":" + doc.line() + ": " + label + ": ok");
    }
    return found.size();
  }

  /**
   * A template's spec as a run would read it: with templates[], flattened with the templates it
   * nests (which must be in the files given) and then checked.
   */
  private List<String> templateProblems(AnalysisTemplates.Ref self, JsonNode spec) {
    if (spec.path("templates").isEmpty()) {
      return AnalysisRunner.validate(spec);
    }
    AnalysisTemplateSpec flat;
    try {
      flat = AnalysisTemplates.flatten(self, readSpec(spec), lookup());
    } catch (AnalysisTemplates.Unresolvable e) {
      return e.problems().stream().map(p -> "spec." + p).toList();
    } catch (JsonProcessingException e) {
      return AnalysisRunner.validate(spec); // a field of the wrong type: say which, as without
    }
    // The template's own metrics come first in the flattened spec, so their indices hold. The
    // nested templates' metrics are skipped: each is in the files given and reported there.
    int own = spec.path("metrics").size();
    List<String> problems = new ArrayList<>();
    for (String problem : AnalysisRunner.validate(Json.tree(flat))) {
      Matcher metric = METRIC_INDEX.matcher(problem);
      if (!metric.lookingAt() || Integer.parseInt(metric.group(1)) < own) {
        problems.add(problem);
      }
    }
    return problems;
  }

  private static AnalysisTemplateSpec readSpec(JsonNode spec) throws JsonProcessingException {
    return Json.MAPPER.treeToValue(spec, AnalysisTemplateSpec.class);
  }

  private AnalysisTemplates.Lookup lookup() {
    return new AnalysisTemplates.Lookup() {
      @Override
      public Optional<AnalysisTemplateSpec> find(String name, boolean clusterScope) {
        JsonNode found = templates.get(new AnalysisTemplates.Ref(name, clusterScope));
        if (found == null) {
          return Optional.empty();
        }
        try {
          return Optional.of(readSpec(found));
        } catch (JsonProcessingException e) {
          // Its own lint reports why; it adds nothing here rather than being called missing.
          return Optional.of(new AnalysisTemplateSpec());
        }
      }

      @Override
      public String whyMissing() {
        return "is not in the files given";
      }
    };
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
}
