package dev.ramp.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.AnalysisRunner;
import dev.ramp.engine.analysis.AnalysisTemplates;
import dev.ramp.engine.host.config.PluginConfigSnapshot;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.Json;
import dev.ramp.engine.model.Rollout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "lint",
    description = {
      "Check Rollouts, AnalysisTemplates and the plugin ConfigMap ramp-config in YAML files with",
      "the controller's own validation, offline: unknown fields (with the nearest known name),",
      "wrong types, the pod template as the API server checks it, a template's conditions",
      "compiled, ramp-config read by the plugin host's parser. A template's templates[] are",
      "looked up in all the files given. A directory stands for its .yaml and .yml files.",
      "Each finding is printed as FILE:LINE: OBJECT: FIELD: message; every file and document is",
      "checked, even after a bad one. Documents of other kinds are noted and skipped. Services",
      "named by the Rollout are not looked up (no cluster).",
      "Exit code: 0 clean (warnings allowed), 1 problems found, 3 a file that cannot be read or",
      "is not YAML."
    })
final class LintCommand implements Callable<Integer> {

  static final String API_VERSION = Rollout.API_VERSION;

  /** The metric index at the start of a problem such as {@code spec.metrics[2].interval: ...}. */
  private static final Pattern METRIC_INDEX = Pattern.compile("spec\\.metrics\\[(\\d+)]");

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "FILE",
      description = "A YAML file (one or more documents) or a directory; repeat for more.")
  List<Path> files;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The analysis templates in all files given, that templates[] are resolved against. */
  private final Map<AnalysisTemplates.Ref, JsonNode> templates = new HashMap<>();

  private PrintWriter err;
  private int problems;
  private boolean unreadable;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    Map<Path, List<YamlDocuments.Document>> read = new LinkedHashMap<>();
    for (Path file : expand(out)) {
      YamlDocuments.FileRead r = YamlDocuments.readAll(file);
      if (r.error() != null) {
        err.println("error: file " + file + " " + r.error());
        unreadable = true;
      } else if (r.documents().stream().allMatch(LintCommand::empty)) {
        out.println(file + ": empty: no documents to check");
        problems++;
      } else {
        read.put(file, r.documents());
      }
    }
    read.values().forEach(this::index);
    for (Map.Entry<Path, List<YamlDocuments.Document>> file : read.entrySet()) {
      List<YamlDocuments.Document> docs = file.getValue();
      for (int i = 0; i < docs.size(); i++) {
        lint(file.getKey(), i, docs.get(i), out);
      }
    }
    out.flush();
    err.flush();
    return unreadable ? 3 : problems == 0 ? 0 : 1;
  }

  /** The files given, each directory replaced by its YAML files (not recursively). */
  private List<Path> expand(PrintWriter out) {
    List<Path> all = new ArrayList<>();
    for (Path given : files) {
      if (!Files.isDirectory(given)) {
        all.add(given);
        continue;
      }
      List<Path> inside;
      try (Stream<Path> list = Files.list(given)) {
        inside =
            list.filter(Files::isRegularFile)
                .filter(f -> f.getFileName().toString().matches(".*\\.(yaml|yml)"))
                .sorted()
                .toList();
      } catch (IOException e) {
        err.println("error: directory " + given + " cannot be read: " + e.getMessage());
        unreadable = true;
        continue;
      }
      if (inside.isEmpty()) {
        out.println(given + ": directory has no .yaml, .yml or .json files to check");
        problems++;
      }
      all.addAll(inside);
    }
    return all;
  }

  private static boolean empty(YamlDocuments.Document doc) {
    return doc.error() == null
        && (doc.tree().isNull() || (doc.tree().isObject() && doc.tree().isEmpty()));
  }

  private void index(List<YamlDocuments.Document> documents) {
    for (YamlDocuments.Document doc : documents) {
      if (doc.tree() == null) {
        continue;
      }
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

  /** Checks document {@code i} of a file and prints what it found. */
  private void lint(Path file, int i, YamlDocuments.Document doc, PrintWriter out) {
    String at = file + ":" + doc.line() + ": ";
    if (doc.error() != null) {
      err.println("error: file " + file + " is " + doc.error());
      unreadable = true;
      return;
    }
    JsonNode tree = doc.tree();
    if (empty(doc)) {
      return;
    }
    if (!tree.isObject()) {
      out.println(
          at
              + "document "
              + (i + 1)
              + " is not a Kubernetes object (a mapping with"
              + " apiVersion and kind)");
      problems++;
      return;
    }
    String kind = tree.path("kind").asText("");
    String apiVersion = tree.path("apiVersion").asText("");
    String label =
        (kind.isEmpty() ? "document " + (i + 1) : kind)
            + " "
            + tree.path("metadata").path("name").asText("(no name)");
    List<LintChecks.Finding> found = duplicates(doc);
    if (kind.isEmpty() && found.isEmpty()) {
      out.println(at + "document " + (i + 1) + " has no kind; set apiVersion and kind");
      problems++;
      return;
    } else if (kind.isEmpty()) {
      found.add(LintChecks.Finding.problem("kind", "missing; set apiVersion and kind"));
    } else if (apiVersion.startsWith(Rollout.GROUP + "/") && !LintChecks.KINDS.contains(kind)) {
      found.add(LintChecks.unknownKind(kind));
    } else if (kind.equals("AnalysisTemplate") || kind.equals("ClusterAnalysisTemplate")) {
      lintTemplate(file, doc, kind, out, found);
      return;
    } else if (kind.equals("Rollout") && !apiVersion.equals(API_VERSION)) {
      found.add(
          LintChecks.Finding.problem(
              "apiVersion",
              "\"" + apiVersion + "\" is not Ramp's; write apiVersion: " + API_VERSION));
    } else if (kind.equals("Rollout")) {
      found.addAll(LintChecks.rollout(tree));
    } else if (kind.equals("ConfigMap")
        && PluginConfigSnapshot.CONFIG_MAP_NAME.equals(
            tree.path("metadata").path("name").asText())) {
      found.addAll(LintChecks.pluginConfig(tree, file.toAbsolutePath().getParent()));
    } else if (found.isEmpty()) {
      out.println(at + "kind " + kind + " is not checked");
      return;
    }
    print(file, doc, label, found, out);
  }

  /** Each key given twice in one mapping, at the line of its second use. */
  private static List<LintChecks.Finding> duplicates(YamlDocuments.Document doc) {
    List<LintChecks.Finding> found = new ArrayList<>();
    for (YamlDocuments.Duplicate d : doc.duplicates()) {
      found.add(
          LintChecks.Finding.problem(
                  d.path(), "duplicate key (first on line " + d.firstLine() + "); give it once")
              .at(d.line()));
    }
    return found;
  }

  private void print(
      Path file,
      YamlDocuments.Document doc,
      String label,
      List<LintChecks.Finding> found,
      PrintWriter out) {
    boolean clean = true;
    for (LintChecks.Finding f : found) {
      out.println(
          file
              + ":"
              + (f.line() > 0 ? f.line() : doc.lineOf(f.field()))
              + ": "
              + label
              + ": "
              + (f.warning() ? "warning: " : "")
              + f.text());
      if (!f.warning()) {
        problems++;
        clean = false;
      }
    }
    if (clean) {
      out.println(file + ":" + doc.line() + ": " + label + ": ok");
    }
  }

  /** An analysis template: its metrics as a run would read them (conditions compiled). */
  private void lintTemplate(
      Path file,
      YamlDocuments.Document doc,
      String kind,
      PrintWriter out,
      List<LintChecks.Finding> found) {
    JsonNode tree = doc.tree();
    String name = tree.path("metadata").path("name").asText("(no name)");
    if (!tree.path("apiVersion").asText("").equals(API_VERSION)) {
      found.add(
          LintChecks.Finding.problem(
              "apiVersion",
              "\""
                  + tree.path("apiVersion").asText("")
                  + "\" is not Ramp's; write apiVersion: "
                  + API_VERSION));
    }
    AnalysisTemplates.Ref self =
        new AnalysisTemplates.Ref(name, kind.equals("ClusterAnalysisTemplate"));
    for (String problem : templateProblems(self, tree.path("spec"))) {
      found.add(LintChecks.Finding.of(problem));
    }
    print(file, doc, kind + " " + name, found, out);
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
}
