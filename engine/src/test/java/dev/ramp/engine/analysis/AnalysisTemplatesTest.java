package dev.ramp.engine.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ramp.engine.model.AnalysisArgument;
import dev.ramp.engine.model.AnalysisRunSpec;
import dev.ramp.engine.model.AnalysisTemplateSpec;
import dev.ramp.engine.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Argo's cases from {@code utils/analysis/helpers_test.go} (TestFlattenTemplates,
 * TestNewAnalysisRunFromTemplates, TestMergeArgs) are the oracle; Argo's list of templates is a
 * spec with templates[] here. The cases marked "Ramp" cover nesting, cycles and where Ramp differs.
 * JSON is written with ' for " to keep the table readable.
 */
class AnalysisTemplatesTest {

  /** Templates by name; a name starting with "cluster-" is a ClusterAnalysisTemplate. */
  static final Map<String, String> TEMPLATES =
      Map.ofEntries(
          Map.entry(
              "single",
              "{'metrics':[{'name':'foo','successCondition':'{{args.test}}'}],"
                  + "'args':[{'name':'test','value':'true'}]}"),
          Map.entry(
              "foo",
              "{'metrics':[{'name':'foo','successCondition':'true'}],"
                  + "'dryRun':[{'metricName':'foo'}],'measurementRetention':[{'metricName':'foo'}]}"),
          Map.entry(
              "bar",
              "{'metrics':[{'name':'bar','successCondition':'true'}],"
                  + "'dryRun':[{'metricName':'bar'}],'measurementRetention':[{'metricName':'bar'}]}"),
          Map.entry(
              "cluster-bar",
              "{'metrics':[{'name':'bar','successCondition':'true'}],"
                  + "'dryRun':[{'metricName':'bar'}],'measurementRetention':[{'metricName':'bar'}]}"),
          Map.entry("foo-again", "{'metrics':[{'name':'foo','successCondition':'true'}]}"),
          Map.entry("dry-foo-1", "{'metrics':[{'name':'foo'}],'dryRun':[{'metricName':'foo'}]}"),
          Map.entry("dry-foo-2", "{'metrics':[{'name':'bar'}],'dryRun':[{'metricName':'foo'}]}"),
          Map.entry(
              "keep-foo-1",
              "{'metrics':[{'name':'foo'}],'measurementRetention':[{'metricName':'foo'}]}"),
          Map.entry(
              "keep-foo-2",
              "{'metrics':[{'name':'bar'}],'measurementRetention':[{'metricName':'foo'}]}"),
          Map.entry("arg-foo-true", "{'args':[{'name':'foo','value':'true'}]}"),
          Map.entry("arg-bar-true", "{'args':[{'name':'bar','value':'true'}]}"),
          Map.entry("arg-foo-false", "{'args':[{'name':'foo','value':'false'}]}"),
          Map.entry("arg-foo-none", "{'args':[{'name':'foo'}]}"),
          Map.entry(
              "arg-foo-secret",
              "{'args':[{'name':'foo','valueFrom':{'secretKeyRef':{'name':'s','key':'k'}}}]}"),
          // Ramp: nesting.
          Map.entry("a", "{'metrics':[{'name':'a'}],'templates':[{'templateName':'b'}]}"),
          Map.entry(
              "b",
              "{'metrics':[{'name':'b'}],"
                  + "'templates':[{'templateName':'cluster-c','clusterScope':true}]}"),
          Map.entry("cluster-c", "{'metrics':[{'name':'c'}],'args':[{'name':'x','value':'1'}]}"),
          Map.entry("top", "{'templates':[{'templateName':'left'},{'templateName':'right'}]}"),
          Map.entry("left", "{'metrics':[{'name':'l'}],'templates':[{'templateName':'d'}]}"),
          Map.entry("right", "{'metrics':[{'name':'r'}],'templates':[{'templateName':'d'}]}"),
          Map.entry("d", "{'metrics':[{'name':'d'}]}"),
          Map.entry("loop-1", "{'templates':[{'templateName':'loop-2'}]}"),
          Map.entry("loop-2", "{'templates':[{'templateName':'loop-1'}]}"),
          Map.entry("self", "{'metrics':[{'name':'s'}],'templates':[{'templateName':'self'}]}"),
          Map.entry("gap", "{'templates':[{'templateName':'nowhere','clusterScope':true}]}"));

  static final AnalysisTemplates.Lookup LOOKUP =
      (name, clusterScope) ->
          Optional.ofNullable(TEMPLATES.get(name))
              .filter(t -> name.startsWith("cluster-") == clusterScope)
              .map(json -> read(json, AnalysisTemplateSpec.class));

  static Stream<Arguments> flattenCases() {
    return Stream.of(
        // Argo: TestFlattenTemplates.
        flat("Handle empty list", refs(), "{}"),
        flat("No changes on single template", refs("single"), TEMPLATES.get("single")),
        flat(
            "Merge multiple metrics successfully",
            refs("foo", "bar"),
            "{'metrics':[{'name':'foo','successCondition':'true'},"
                + "{'name':'bar','successCondition':'true'}],"
                + "'dryRun':[{'metricName':'foo'},{'metricName':'bar'}],"
                + "'measurementRetention':[{'metricName':'foo'},{'metricName':'bar'}]}"),
        flat(
            "Merge analysis templates and cluster templates successfully",
            refs("foo", "cluster-bar"),
            "{'metrics':[{'name':'foo','successCondition':'true'},"
                + "{'name':'bar','successCondition':'true'}],"
                + "'dryRun':[{'metricName':'foo'},{'metricName':'bar'}],"
                + "'measurementRetention':[{'metricName':'foo'},{'metricName':'bar'}]}"),
        fails(
            "Merge fail with name collision",
            refs("foo", "foo-again"),
            "metrics: two metrics have the same name 'foo'"),
        fails(
            "Merge fail with dry-run name collision",
            refs("dry-foo-1", "dry-foo-2"),
            "dryRun: two Dry-Run metric rules have the same name 'foo'"),
        fails(
            "Merge fail with measurement retention metrics name collision",
            refs("keep-foo-1", "keep-foo-2"),
            "measurementRetention: two Measurement Retention metric rules have the same name 'foo'"),
        flat(
            "Merge multiple args successfully",
            refs("arg-foo-true", "arg-bar-true"),
            "{'args':[{'name':'foo','value':'true'},{'name':'bar','value':'true'}]}"),
        flat(
            "Merge args with same name but only one has value",
            refs("arg-foo-true", "arg-foo-none"),
            "{'args':[{'name':'foo','value':'true'}]}"),
        flat(
            "Merge args with same name, the first without value (Argo's 'prevArg.Value == nil')",
            refs("arg-foo-none", "arg-foo-true"),
            "{'args':[{'name':'foo','value':'true'}]}"),
        fails(
            "Error: merge args with same name and both have values",
            refs("arg-foo-true", "arg-foo-false"),
            "args: Argument `foo` specified multiple times with different values: 'true', 'false'"),
        // Ramp.
        flat(
            "Ramp: nested templates, each followed by the ones it nests",
            refs("a", "d"),
            "{'metrics':[{'name':'a'},{'name':'b'},{'name':'c'},{'name':'d'}],"
                + "'args':[{'name':'x','value':'1'}]}"),
        flat(
            "Ramp: a template nested twice counts once (Argo's FilterUniqueTemplates)",
            refs("top"),
            "{'metrics':[{'name':'l'},{'name':'d'},{'name':'r'}]}"),
        flat(
            "Ramp: walk order, not AnalysisTemplates before ClusterAnalysisTemplates",
            refs("cluster-bar", "foo"),
            "{'metrics':[{'name':'bar','successCondition':'true'},"
                + "{'name':'foo','successCondition':'true'}],"
                + "'dryRun':[{'metricName':'bar'},{'metricName':'foo'}],"
                + "'measurementRetention':[{'metricName':'bar'},{'metricName':'foo'}]}"),
        flat(
            "Ramp: a valueFrom is not lost to a later bare declaration",
            refs("arg-foo-secret", "arg-foo-none"),
            TEMPLATES.get("arg-foo-secret")),
        fails(
            "Ramp: a cycle is refused, named",
            refs("loop-1"),
            "templates[0]: templates nest in a cycle: AnalysisTemplate loop-1 -> "
                + "AnalysisTemplate loop-2 -> AnalysisTemplate loop-1"),
        fails(
            "Ramp: missing templates are named, every one",
            refs("missing", "gap"),
            "templates[0]: AnalysisTemplate missing is not found; templates[1]: "
                + "ClusterAnalysisTemplate nowhere (nested in AnalysisTemplate gap) is not found"),
        fails(
            "Ramp: the scope is part of the name",
            "{'templates':[{'templateName':'foo','clusterScope':true}]}",
            "templates[0]: ClusterAnalysisTemplate foo is not found"),
        fails(
            "Ramp: a reference without a name",
            "{'templates':[{'clusterScope':true}]}",
            "templates[0]: this reference has no templateName"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flattenCases")
  void flatten(String name, String root, String expected, String error) {
    AnalysisTemplateSpec spec = read(root, AnalysisTemplateSpec.class);
    if (error != null) {
      assertThatThrownBy(() -> AnalysisTemplates.flatten(spec, LOOKUP))
          .isInstanceOf(AnalysisTemplates.Unresolvable.class)
          .hasMessageStartingWith(error);
      return;
    }
    try {
      assertThat(Json.tree(AnalysisTemplates.flatten(spec, LOOKUP))).isEqualTo(tree(expected));
    } catch (AnalysisTemplates.Unresolvable e) {
      throw new AssertionError(e.getMessage(), e);
    }
    assertThat(Json.tree(spec)).as("the input is not changed").isEqualTo(tree(root));
  }

  @Test
  void aTemplateThatNestsItselfIsACycleWhenItsNameIsGiven() {
    AnalysisTemplateSpec self = read(TEMPLATES.get("self"), AnalysisTemplateSpec.class);
    assertThatThrownBy(
            () -> AnalysisTemplates.flatten(new AnalysisTemplates.Ref("self", false), self, LOOKUP))
        .hasMessage(
            "templates[0]: templates nest in a cycle: AnalysisTemplate self -> AnalysisTemplate"
                + " self");
  }

  static Stream<Arguments> runCases() {
    String secret = "{'secretKeyRef':{'name':'name','key':'key'}}";
    return Stream.of(
        // Argo: TestNewAnalysisRunFromTemplates.
        run(
            "run from templates: the caller's value and valueFrom",
            "{'metrics':[{'name':'success-rate'}],'args':[{'name':'my-arg'},{'name':'my-secret'}]}",
            "[{'name':'my-arg','value':'my-val'},{'name':'my-secret','valueFrom':" + secret + "}]",
            "{'metrics':[{'name':'success-rate'}],'args':[{'name':'my-arg','value':'my-val'},"
                + "{'name':'my-secret','valueFrom':"
                + secret
                + "}]}"),
        run(
            "Fail Merge Args",
            "{'args':[{'name':'my-arg'},{'name':'unresolved'}]}",
            "[{'name':'my-arg','value':'my-val'}]",
            "!args: args.unresolved was not resolved"),
        // Argo: TestMergeArgs.
        run("nil list", "{}", null, "{}"),
        run("empty list", "{'args':[]}", null, "{'args':[]}"),
        run(
            "use defaults",
            "{'args':[{'name':'foo','value':'bar'},{'name':'my-secret','valueFrom':"
                + secret
                + "}]}",
            null,
            "{'args':[{'name':'foo','value':'bar'},{'name':'my-secret','valueFrom':"
                + secret
                + "}]}"),
        run(
            "overwrite defaults",
            "{'args':[{'name':'foo','value':'bar'}]}",
            "[{'name':'foo','value':'overwrite'}]",
            "{'args':[{'name':'foo','value':'overwrite'}]}"),
        run(
            "not resolved",
            "{'args':[{'name':'foo'}]}",
            "[{'name':'foo'}]",
            "!args: args.foo was not resolved"),
        run(
            "extra arg",
            "{'args':[{'name':'foo'}]}",
            "[{'name':'foo','value':'my-value'},{'name':'extra-arg','value':'extra-value'}]",
            "{'args':[{'name':'foo','value':'my-value'}]}"),
        // Ramp: one source per arg.
        run(
            "Ramp: the caller's value replaces a valueFrom",
            "{'args':[{'name':'foo','valueFrom':" + secret + "}]}",
            "[{'name':'foo','value':'v'}]",
            "{'args':[{'name':'foo','value':'v'}]}"),
        run(
            "Ramp: every unresolved arg is named",
            "{'args':[{'name':'a'},{'name':'b'}]}",
            "[]",
            "!args: args.a was not resolved; args: args.b was not resolved"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runCases")
  void runSpec(String name, String flattened, String args, String expected) throws IOException {
    AnalysisTemplateSpec spec = read(flattened, AnalysisTemplateSpec.class);
    List<AnalysisArgument> given =
        args == null
            ? null
            : Json.MAPPER.readValue(args.replace('\'', '"'), new TypeReference<>() {});
    if (expected.startsWith("!")) {
      assertThatThrownBy(() -> AnalysisTemplates.runSpec(spec, given))
          .isInstanceOf(AnalysisTemplates.Unresolvable.class)
          .hasMessage(expected.substring(1));
      return;
    }
    try {
      assertThat(Json.tree(AnalysisTemplates.runSpec(spec, given))).isEqualTo(tree(expected));
    } catch (AnalysisTemplates.Unresolvable e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  @Test
  void theCallersDryRunAndRetentionRulesComeFirstAndMustNotRepeatTheTemplates() throws Exception {
    AnalysisTemplateSpec flat =
        AnalysisTemplates.flatten(
            read("{'templates':[{'templateName':'foo'}]}", AnalysisTemplateSpec.class), LOOKUP);
    AnalysisRunSpec run =
        AnalysisTemplates.runSpec(
            flat,
            List.of(),
            List.of(read("{'metricName':'f.*'}", AnalysisTemplateSpec.DryRun.class)),
            List.of());
    assertThat(run.dryRun).extracting(r -> r.metricName).containsExactly("f.*", "foo");
    assertThat(run.measurementRetention).extracting(r -> r.metricName).containsExactly("foo");
    assertThatThrownBy(
            () ->
                AnalysisTemplates.runSpec(
                    flat,
                    List.of(),
                    List.of(),
                    List.of(
                        read(
                            "{'metricName':'foo','limit':3}",
                            AnalysisTemplateSpec.MeasurementRetention.class))))
        .hasMessage(
            "measurementRetention: two Measurement Retention metric rules have the same name"
                + " 'foo'");
  }

  private static Arguments flat(String name, String root, String expected) {
    return Arguments.of(name, root, expected, null);
  }

  private static Arguments fails(String name, String root, String error) {
    return Arguments.of(name, root, null, error);
  }

  private static Arguments run(String name, String flattened, String args, String expected) {
    return Arguments.of(name, flattened, args, expected);
  }

  /** A root spec nesting the given templates, in order. */
  private static String refs(String... names) {
    StringBuilder json = new StringBuilder("{'templates':[");
    for (int i = 0; i < names.length; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{'templateName':'")
          .append(names[i])
          .append("','clusterScope':")
          .append(names[i].startsWith("cluster-"))
          .append('}');
    }
    return json.append("]}").toString();
  }

  private static JsonNode tree(String json) {
    return read(json, JsonNode.class);
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return Json.MAPPER.readValue(json.replace('\'', '"'), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
