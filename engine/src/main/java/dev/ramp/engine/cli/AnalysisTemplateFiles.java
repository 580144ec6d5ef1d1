package dev.ramp.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.analysis.AnalysisTemplates;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The analysis templates given to {@code ramp analysis run}: every AnalysisTemplate and
 * ClusterAnalysisTemplate document of the files, in order. The first one is the template to run;
 * its {@code templates[]} are looked up among all of them and flattened as a run would flatten them
 * ({@link AnalysisTemplates}). Documents of other kinds are skipped.
 */
final class AnalysisTemplateFiles {

  /** One template document and the file it is in. */
  record Template(Path file, String kind, JsonNode tree) {
    String name() {
      return tree.path("metadata").path("name").asText("");
    }

    AnalysisTemplates.Ref ref() {
      return new AnalysisTemplates.Ref(name(), kind.equals("ClusterAnalysisTemplate"));
    }

    JsonNode spec() {
      return tree.path("spec");
    }
  }

  private final List<Template> templates;
  private final Map<AnalysisTemplates.Ref, Template> byRef = new LinkedHashMap<>();

  private AnalysisTemplateFiles(List<Template> templates) {
    this.templates = templates;
    for (Template t : templates) {
      Template twice = byRef.putIfAbsent(t.ref(), t);
      if (twice != null && !t.name().isEmpty()) {
        throw new CliException(
            t.ref() + " is given twice (" + twice.file() + ", " + t.file() + "); give it once");
      }
    }
  }

  /** Reads every document of the files; refuses files without any analysis template. */
  static AnalysisTemplateFiles read(List<Path> files) {
    List<Template> found = new ArrayList<>();
    String firstKind = null;
    for (Path file : files) {
      for (YamlDocuments.Document doc : YamlDocuments.read(file)) {
        String kind = doc.tree().path("kind").asText("");
        firstKind = firstKind == null ? kind : firstKind;
        if (kind.equals("AnalysisTemplate") || kind.equals("ClusterAnalysisTemplate")) {
          found.add(new Template(file, kind, doc.tree()));
        }
      }
    }
    if (found.isEmpty() && files.size() == 1 && firstKind != null) {
      throw new CliException(
          files.get(0)
              + ": kind is \""
              + firstKind
              + "\"; expected AnalysisTemplate or ClusterAnalysisTemplate");
    }
    if (found.isEmpty()) {
      throw new CliException(
          "no AnalysisTemplate or ClusterAnalysisTemplate in "
              + files.stream().map(Path::toString).collect(Collectors.joining(", ")));
    }
    return new AnalysisTemplateFiles(found);
  }

  /** The template to run: the first one given. */
  Template root() {
    return templates.get(0);
  }

  /**
   * The spec of the template to run with the templates it nests merged in: its own when it nests
   * none. A reference that is not among the files, or a cycle, is refused naming it.
   */
  JsonNode flattenedSpec() {
    Template root = root();
    if (root.spec().path("templates").isEmpty()) {
      return root.spec();
    }
    try {
      AnalysisTemplateSpec flat = AnalysisTemplates.flatten(root.ref(), readSpec(root), lookup());
      return Json.tree(flat);
    } catch (AnalysisTemplates.Unresolvable e) {
      List<String> problems = e.problems().stream().map(p -> "spec." + p).toList();
      throw new CliException(root.file() + ": " + root.ref() + ": " + String.join("; ", problems));
    }
  }

  private AnalysisTemplates.Lookup lookup() {
    return new AnalysisTemplates.Lookup() {
      @Override
      public Optional<AnalysisTemplateSpec> find(String name, boolean clusterScope) {
        Template found = byRef.get(new AnalysisTemplates.Ref(name, clusterScope));
        return found == null ? Optional.empty() : Optional.of(readSpec(found));
      }

      @Override
      public String whyMissing() {
        return "is not in the files given; pass its file with another -f";
      }
    };
  }

  private static AnalysisTemplateSpec readSpec(Template t) {
    try {
      return Json.MAPPER.treeToValue(t.spec(), AnalysisTemplateSpec.class);
    } catch (JsonProcessingException e) {
      throw new CliException(
          t.file()
              + ": "
              + t.ref()
              + ": spec cannot be read: "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
  }
}
