package dev.ramp.engine.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.io.IOException;

/**
 * The Rollout's spec, field for field as Argo Rollouts names it.
 *
 * <p>{@code template} is kept as the JSON the user wrote (not a re-serialized PodTemplateSpec), so
 * that the pod-template hash never changes when Ramp's model or defaults change; its schema in the
 * CRD is Kubernetes' PodTemplateSpec, so an API server checks it as it checks a Deployment's.
 *
 * <p>Read through {@link Reader}, which keeps the spec exactly as written ({@link #written()}):
 * validation checks that text against the CRD schema (unknown fields, wrong types, fractions where
 * an integer belongs), which the typed fields alone cannot show once Jackson has coerced them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonDeserialize(using = RolloutSpec.Reader.class)
public class RolloutSpec {
  @SpecReplicas public Integer replicas;
  public LabelSelector selector;

  @SchemaFrom(type = PodTemplateSpec.class)
  public JsonNode template;

  public Integer minReadySeconds;
  public Integer revisionHistoryLimit;
  public Integer progressDeadlineSeconds;
  public Boolean progressDeadlineAbort;
  public Boolean paused;

  /** Set by the restart action: pods older than this are replaced (Argo's field). */
  public String restartAt;

  public RolloutStrategy strategy;

  /** History limits of the Rollout's AnalysisRuns (Argo's {@code spec.analysis}). */
  public AnalysisRunStrategy analysis;

  /** Argo's workload reference; not supported by Ramp (InvalidSpec). */
  @PreserveUnknownFields public JsonNode workloadRef;

  /** The spec as it was read (null when built in code). */
  @JsonIgnore private transient JsonNode written;

  /** The spec as it was written, when it was read from JSON or YAML; else null. */
  public JsonNode written() {
    return written;
  }

  /**
   * Reads a spec and keeps its text. A spec whose fields cannot be bound (a string where a number
   * belongs) is still read, with only its text: validation names the field, where a failed read
   * would drop the whole Rollout from an informer without a word.
   */
  static final class Reader extends JsonDeserializer<RolloutSpec> {
    /** Binds the fields without this reader (a mix-in removes it), else it would call itself. */
    private static final ObjectMapper PLAIN =
        new ObjectMapper().addMixIn(RolloutSpec.class, Plain.class);

    @JsonDeserialize
    private abstract static class Plain {}

    @Override
    public RolloutSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode tree = p.readValueAsTree();
      RolloutSpec spec;
      try {
        spec = PLAIN.treeToValue(tree, RolloutSpec.class);
      } catch (IOException | IllegalArgumentException e) {
        spec = new RolloutSpec();
      }
      spec.written = tree;
      return spec;
    }

    @Override
    public RolloutSpec getNullValue(DeserializationContext ctxt) {
      return null;
    }
  }
}
