package dev.ramp.engine.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pod template checked as the Kubernetes API server checks a Deployment's, so that a Rollout is
 * refused at once rather than its ReplicaSets later. The rules follow Kubernetes' own, in {@code
 * pkg/apis/core/validation/validation.go} ({@code ValidatePodTemplateSpec}, {@code
 * validateContainers}, {@code validateContainerPorts}, {@code ValidateResourceRequirements}) and
 * {@code k8s.io/apimachinery/pkg/util/validation} (DNS-1123 labels, IANA service names, label
 * values), and {@code k8s.io/apimachinery/pkg/api/resource} ({@code ParseQuantity}). The shape of
 * the template (its fields and their types) is the CRD schema's, checked before these rules.
 */
final class PodTemplateCheck {
  static final String T = "spec.template";

  /** IsDNS1123Label: lower-case alphanumerics and '-', at most 63 characters. */
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** IsValidPortName (IANA_SVC_NAME): at most 15, a letter, no "--" and no '-' at either end. */
  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** IsValidLabelValue: at most 63, alphanumerics at both ends, '-', '_' and '.' inside. */
  private static final Pattern LABEL_VALUE =
      Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  /** ParseQuantity's grammar: a signed decimal number and a binary, decimal or exponent suffix. */
  private static final Pattern QUANTITY =
      Pattern.compile(
          "([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?");

  private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");

  /** IsQualifiedName's name part: at most 63, alphanumerics at both ends, '-', '_', '.'. */
  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  /** IsDNS1123Subdomain: dot-separated DNS-1123 labels, at most 253 characters. */
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private PodTemplateCheck() {}

  /** IsValidLabelValue. */
  static boolean labelValue(String v) {
    return v.length() <= 63 && LABEL_VALUE.matcher(v).matches();
  }

  /** IsQualifiedName, the rule for label and annotation keys: [prefix/]name. */
  static boolean qualifiedName(String key) {
    int slash = key.lastIndexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    String prefix = slash < 0 ? null : key.substring(0, slash);
    return name.length() <= 63
        && QUALIFIED_NAME.matcher(name).matches()
        && (prefix == null
            || (prefix.length() <= 253 && DNS1123_SUBDOMAIN.matcher(prefix).matches()));
  }

  /** Adds the template's problems to {@code errors}; a missing template is SpecCheck's. */
  static void check(JsonNode template, List<String> errors) {
    if (template == null || !template.isObject()) {
      return;
    }
    JsonNode labels = template.path("metadata").path("labels");
    labels
        .fields()
        .forEachRemaining(
            e -> {
              String v = e.getValue().asText();
              if (v.length() > 63 || !LABEL_VALUE.matcher(v).matches()) {
                errors.add(
                    T
                        + ".metadata.labels["
                        + e.getKey()
                        + "]: \""
                        + v
                        + "\" is not a valid label value (at most 63 characters: letters, digits,"
                        + " '-', '_', '.', beginning and ending with a letter or digit)");
              }
            });
    JsonNode spec = template.path("spec");
    JsonNode containers = spec.path("containers");
    if (!containers.isArray() || containers.isEmpty()) {
      errors.add(T + ".spec.containers: at least one container is required");
    }
    Set<String> names = new HashSet<>();
    containers(spec.path("initContainers"), T + ".spec.initContainers", names, errors);
    containers(containers, T + ".spec.containers", names, errors);
    String restart = spec.path("restartPolicy").asText("");
    if (!restart.isEmpty() && !restart.equals("Always")) {
      errors.add(
          T
              + ".spec.restartPolicy: \""
              + restart
              + "\" is not supported; a Rollout's pods use"
              + " Always (as a Deployment's)");
    }
    volumes(spec, errors);
  }

  private static void containers(JsonNode list, String field, Set<String> names, List<String> e) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      String at = field + "[" + i + "]";
      String name = c.path("name").asText("");
      if (name.isEmpty()) {
        e.add(at + ".name: a container name is required");
      } else if (!dns1123Label(name)) {
        e.add(at + ".name: \"" + name + "\" " + DNS_LABEL_RULE);
      } else if (!names.add(name)) {
        e.add(at + ".name: \"" + name + "\" is used by another container; names must be unique");
      }
      String image = c.path("image").asText("");
      if (image.isBlank()) {
        e.add(at + ".image: an image is required");
      } else if (!image.equals(image.strip())) {
        e.add(at + ".image: \"" + image + "\" has leading or trailing spaces");
      }
      ports(c.path("ports"), at + ".ports", e);
      resources(c.path("resources"), at + ".resources", e);
      JsonNode env = c.path("env");
      for (int j = 0; j < env.size(); j++) {
        String n = env.get(j).path("name").asText("");
        if (n.isEmpty() || n.contains("=") || !n.chars().allMatch(ch -> ch >= 32 && ch < 127)) {
          e.add(
              at
                  + ".env["
                  + j
                  + "].name: \""
                  + n
                  + "\" is not a valid variable name (printable"
                  + " ASCII other than '=')");
        }
      }
    }
  }

  static final String DNS_LABEL_RULE =
      "is not a valid name: at most 63 characters, lower-case letters, digits and '-', beginning"
          + " and ending with a letter or digit (RFC 1123)";

  static boolean dns1123Label(String name) {
    return name.length() <= 63 && DNS1123_LABEL.matcher(name).matches();
  }

  private static void ports(JsonNode ports, String field, List<String> errors) {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < ports.size(); i++) {
      JsonNode p = ports.get(i);
      String at = field + "[" + i + "]";
      JsonNode port = p.get("containerPort");
      if (port == null || port.isNull()) {
        errors.add(at + ".containerPort: a port number is required");
      } else if (port.asLong() < 1 || port.asLong() > 65535) {
        errors.add(at + ".containerPort: " + port.asText() + " is outside 1-65535");
      }
      JsonNode host = p.get("hostPort");
      if (host != null && !host.isNull() && (host.asLong() < 0 || host.asLong() > 65535)) {
        errors.add(at + ".hostPort: " + host.asText() + " is outside 1-65535");
      }
      String protocol = p.path("protocol").asText("");
      if (!protocol.isEmpty() && !PROTOCOLS.contains(protocol)) {
        errors.add(at + ".protocol: \"" + protocol + "\" is not TCP, UDP or SCTP");
      }
      String name = p.path("name").asText("");
      if (!name.isEmpty() && !portName(name)) {
        errors.add(
            at
                + ".name: \""
                + name
                + "\" is not a valid port name (at most 15 characters:"
                + " lower-case letters, digits and '-', with a letter, no '--', not at an end)");
      } else if (!name.isEmpty() && !names.add(name)) {
        errors.add(at + ".name: \"" + name + "\" is used by another port of the container");
      }
    }
  }

  private static boolean portName(String name) {
    return name.length() <= 15
        && PORT_NAME.matcher(name).matches()
        && !name.contains("--")
        && name.chars().anyMatch(Character::isLetter);
  }

  private static void resources(JsonNode resources, String field, List<String> errors) {
    JsonNode limits = resources.path("limits");
    JsonNode requests = resources.path("requests");
    quantities(limits, field + ".limits", errors);
    quantities(requests, field + ".requests", errors);
    for (Iterator<Map.Entry<String, JsonNode>> it = requests.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> r = it.next();
      BigDecimal request = quantity(r.getValue());
      BigDecimal limit = quantity(limits.get(r.getKey()));
      if (request != null && limit != null && request.compareTo(limit) > 0) {
        errors.add(
            field
                + ".requests."
                + r.getKey()
                + ": "
                + r.getValue().asText()
                + " is more than"
                + " the limit "
                + limits.get(r.getKey()).asText());
      }
    }
  }

  private static void quantities(JsonNode map, String field, List<String> errors) {
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> q = it.next();
      BigDecimal value = quantity(q.getValue());
      String at = field + "." + q.getKey();
      if (value == null) {
        errors.add(
            at
                + ": \""
                + q.getValue().asText()
                + "\" is not a quantity (such as 500m, 1, 2.5,"
                + " 128Mi, 1G)");
      } else if (value.signum() < 0) {
        errors.add(at + ": " + q.getValue().asText() + " is negative");
      }
    }
  }

  /** A quantity's value, or null when the text is not one (ParseQuantity's grammar). */
  static BigDecimal quantity(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    String text = node.isNumber() ? node.decimalValue().toPlainString() : node.asText();
    Matcher m = QUANTITY.matcher(text);
    if (!m.matches()) {
      return null;
    }
    BigDecimal number = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
    String suffix = m.group(2) == null ? "" : m.group(2);
    if (suffix.startsWith("e") || suffix.startsWith("E")) {
      int exp;
      try {
        exp = Integer.parseInt(suffix.substring(1));
      } catch (NumberFormatException e) {
        return null;
      }
      return Math.abs(exp) > 100 ? null : number.scaleByPowerOfTen(exp);
    }
    if (suffix.endsWith("i")) {
      int power = "KMGTPE".indexOf(suffix.charAt(0)) + 1;
      return number.multiply(BigDecimal.valueOf(2).pow(10 * power));
    }
    int exp =
        switch (suffix) {
          case "n" -> -9;
          case "u" -> -6;
          case "m" -> -3;
          case "k" -> 3;
          case "M" -> 6;
          case "G" -> 9;
          case "T" -> 12;
          case "P" -> 15;
          case "E" -> 18;
          default -> 0;
        };
    return number.scaleByPowerOfTen(exp);
  }

  private static void volumes(JsonNode spec, List<String> errors) {
    Set<String> names = new HashSet<>();
    JsonNode volumes = spec.path("volumes");
    for (int i = 0; i < volumes.size(); i++) {
      String name = volumes.get(i).path("name").asText("");
      String at = T + ".spec.volumes[" + i + "].name";
      if (!dns1123Label(name)) {
        errors.add(at + ": \"" + name + "\" " + DNS_LABEL_RULE);
      } else if (!names.add(name)) {
        errors.add(at + ": \"" + name + "\" is used by another volume");
      }
    }
    for (String kind : List.of("initContainers", "containers")) {
      JsonNode list = spec.path(kind);
      for (int i = 0; i < list.size(); i++) {
        JsonNode mounts = list.get(i).path("volumeMounts");
        for (int j = 0; j < mounts.size(); j++) {
          String name = mounts.get(j).path("name").asText("");
          if (!names.contains(name)) {
            errors.add(
                T
                    + ".spec."
                    + kind
                    + "["
                    + i
                    + "].volumeMounts["
                    + j
                    + "].name: no volume \""
                    + name
                    + "\" in "
                    + T
                    + ".spec.volumes");
          }
        }
      }
    }
  }
}
