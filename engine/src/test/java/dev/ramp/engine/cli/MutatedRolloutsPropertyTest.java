package dev.ramp.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ramp.engine.model.Rollout;
import dev.ramp.engine.model.RolloutCondition;
import dev.ramp.engine.rollout.Observed;
import dev.ramp.engine.rollout.Plan;
import dev.ramp.engine.rollout.RolloutReconciler;
import dev.ramp.engine.rollout.SpecCheck;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated and mutated Rollouts through validation and one reconcile each: a valid Rollout (the
 * mistaken manifests' base, a routed canary with header and mirror routes, Argo's blue-green and
 * analysis-step examples) with one to four mutations under {@code spec} — a field removed, renamed
 * with a typo, given a value of another type or an extreme one (fractions, 2^31, 10^30, durations
 * of millennia), or an unknown field added. For each: reading it as the informer does never fails,
 * every refusal names a field path and no Java class, and the reconcile never fails on it (an
 * exception would be caught and reported as "cannot be reconciled", which the property refuses too:
 * every spec is refused by validation or planned).
 */
class MutatedRolloutsPropertyTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final KubernetesSerialization KUBE = new KubernetesSerialization();
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final List<ObjectNode> BASES = bases();
  static final Pattern CLASS_NAME =
      Pattern.compile("\\b(java|javax|com|io|dev|org|jdk|sun)\\.[a-z]|Exception|\\$[A-Z]");
  static final Pattern FIELD_PATH = Pattern.compile("spec([.\\[][^ ]*)?");

  static final JsonNodeFactory N = JsonNodeFactory.instance;
  static final List<JsonNode> VALUES =
      List.of(
          N.textNode(""),
          N.textNode("x"),
          N.textNode("10s"),
          N.textNode("50"),
          N.textNode("25%"),
          N.textNode("9999999999999999h"),
          N.textNode("9000000000000h"),
          N.textNode("2026-13-45T99:00:00Z"),
          N.numberNode(-1),
          N.numberNode(0),
          N.numberNode(1),
          N.numberNode(2147483648L),
          N.numberNode(new BigInteger("99999999999999999999999")),
          N.numberNode(new BigDecimal("1e30")),
          N.numberNode(new BigDecimal("50.5")),
          N.booleanNode(true),
          N.arrayNode(),
          N.objectNode(),
          N.nullNode(),
          N.arrayNode().add(1).add("a"),
          N.objectNode().put("bogus", 1));

  private static List<ObjectNode> bases() {
    List<ObjectNode> out = new ArrayList<>();
    try {
      out.add((ObjectNode) YAML.readTree(MistakenManifests.VALID));
      for (String file :
          List.of(
              "canary-gatewayapi/rollout.yaml",
              "argo/rollout-bluegreen.yaml",
              "argo/rollout-analysis-step.yaml",
              "canary-with-plugin/rollout.yaml")) {
        for (JsonNode doc :
            YAML.readValues(
                    YAML.createParser(Files.readString(Path.of("..", "examples", file))),
                    JsonNode.class)
                .readAll()) {
          if (doc.path("kind").asText().equals("Rollout")) {
            out.add((ObjectNode) doc);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** One mutation: what to do, where (an index into the spec's paths), with which value. */
  record Mutation(int op, int where, int value, int typo) {}

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Mutation> one =
        Combinators.combine(
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, VALUES.size() - 1),
                Arbitraries.integers().between(0, 1_000))
            .as(Mutation::new);
    return one.list().ofMinSize(1).ofMaxSize(4);
  }

  @Property(tries = 1200, seed = "20261130")
  void everyMutatedRolloutIsRefusedByFieldOrPlanned(
      @ForAll("mutations") List<Mutation> mutations, @ForAll("baseIndex") int base) {
    ObjectNode doc = BASES.get(base).deepCopy();
    for (Mutation m : mutations) {
      apply(doc, m);
    }
    Rollout rollout = KUBE.convertValue(doc, Rollout.class);
    rollout.getMetadata().setNamespace("default");
    rollout.getMetadata().setGeneration(1L);
    rollout.getMetadata().setUid("uid-" + base);

    List<SpecCheck.Problem> problems = SpecCheck.validate(rollout);
    for (SpecCheck.Problem p : problems) {
      assertThat(p.field()).as(p.toString()).matches(FIELD_PATH);
      assertThat(p.message()).as(p.toString()).isNotBlank().doesNotContainPattern(CLASS_NAME);
    }
    Plan plan =
        new RolloutReconciler().reconcile(new Observed(rollout, List.of(), names(doc), NOW));
    RolloutCondition invalid = plan.status().condition("InvalidSpec");
    if (invalid != null) {
      assertThat(invalid.message)
          .matches("spec[.\\[:].*")
          .doesNotContain("cannot be reconciled")
          .doesNotContainPattern(CLASS_NAME);
    }
    Statistics.collect(problems.isEmpty() ? "valid" : "refused");
  }

  @Provide
  Arbitrary<Integer> baseIndex() {
    return Arbitraries.integers().between(0, BASES.size() - 1);
  }

  /** Every text in the document: the Services a reconcile observes (so none is "not found"). */
  static Set<String> names(JsonNode doc) {
    Set<String> out = new HashSet<>();
    doc.findValues("canaryService").forEach(v -> out.add(v.asText()));
    doc.findValues("stableService").forEach(v -> out.add(v.asText()));
    doc.findValues("activeService").forEach(v -> out.add(v.asText()));
    doc.findValues("previewService").forEach(v -> out.add(v.asText()));
    return out;
  }

  static void apply(ObjectNode doc, Mutation m) {
    List<JsonNode[]> places = new ArrayList<>(); // {parent, key-or-index as text node}
    collect(doc.path("spec"), places);
    if (places.isEmpty()) {
      return;
    }
    JsonNode[] place = places.get(m.where() % places.size());
    JsonNode parent = place[0];
    JsonNode value = VALUES.get(m.value()).deepCopy();
    if (parent instanceof ObjectNode o) {
      String key = place[1].asText();
      switch (m.op()) {
        case 0 -> o.remove(key);
        case 1 -> o.set(typo(key, m.typo()), o.remove(key));
        case 2 -> o.set(key, value);
        case 3 -> o.set("bogus" + m.typo() % 3, value);
        default -> o.set(key, wrap(o.get(key), m.typo()));
      }
    } else if (parent instanceof ArrayNode a) {
      int i = place[1].asInt();
      switch (m.op()) {
        case 0 -> a.remove(i);
        case 2, 4 -> a.set(i, value);
        default -> a.add(a.get(i).deepCopy());
      }
    }
  }

  /** The value put inside a list or an object of one field (a wrong nesting). */
  private static JsonNode wrap(JsonNode value, int how) {
    return how % 2 == 0 ? N.arrayNode().add(value) : N.objectNode().set("value", value);
  }

  private static String typo(String key, int how) {
    if (key.length() < 2) {
      return key + "x";
    }
    int at = how % (key.length() - 1);
    return switch (how % 3) {
      case 0 -> key.substring(0, at) + key.substring(at + 1); // a letter dropped
      case 1 -> key.substring(0, at) + key.charAt(at + 1) + key.charAt(at) + key.substring(at + 2);
      default -> key.toLowerCase(java.util.Locale.ROOT) + "s";
    };
  }

  private static void collect(JsonNode node, List<JsonNode[]> places) {
    if (node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        places.add(new JsonNode[] {node, N.textNode(key)});
        collect(node.get(key), places);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        places.add(new JsonNode[] {node, N.numberNode(i)});
        collect(node.get(i), places);
      }
    }
  }
}
