package dev.ramp.plugins.webhook;

import dev.ramp.plugin.api.InvalidConfigException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets for header values and where they may be sent. A Rollout never holds a credential: it
 * names one as {@code ${secret:NAME}}, and the value comes from the plugin's environment ({@code
 * RAMP_WEBHOOK_SECRET_NAME}), which the operator sets in the plugin's {@code env} in {@code
 * ramp-config}. The operator also lists, in {@code RAMP_WEBHOOK_ALLOWED_URL_PREFIXES}, where
 * secrets may go, so that a Rollout cannot send the Jenkins token to a server of its own.
 */
final class SecretPolicy {

  static final String SECRET_ENV_PREFIX = "RAMP_WEBHOOK_SECRET_";
  static final String ALLOWED_PREFIXES_ENV = "RAMP_WEBHOOK_ALLOWED_URL_PREFIXES";

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{secret:([^}]*)}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
  private static final String MARKER = "${secret:";

  /** Header values with secrets filled in, and the names of the secrets used. */
  record Headers(Map<String, String> values, List<String> secrets) {}

  private final Map<String, String> env;

  SecretPolicy(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** Refuses a malformed reference in a header value. */
  static void checkReferences(String field, String value) {
    Matcher m = REFERENCE.matcher(value);
    String rest = m.replaceAll("");
    for (m.reset(); m.find(); ) {
      if (!NAME.matcher(m.group(1)).matches()) {
        throw new InvalidConfigException(
            field,
            "\""
                + m.group()
                + "\": a secret name uses only letters, digits and _, e.g."
                + " ${secret:JENKINS_TOKEN}");
      }
    }
    if (rest.contains(MARKER)) {
      throw new InvalidConfigException(field, "unterminated ${secret:...} reference");
    }
  }

  /** Refuses a secret reference outside header values (URLs and bodies end up in messages). */
  static void refuseReference(String field, String text) {
    if (text != null && text.contains(MARKER)) {
      throw new InvalidConfigException(
          field, "secrets (${secret:NAME}) may be used in header values only");
    }
  }

  /** Fills in the secrets of rendered header values. */
  Headers resolve(String field, Map<String, String> headers) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> used = new ArrayList<>();
    headers.forEach(
        (name, value) -> {
          Matcher m = REFERENCE.matcher(value);
          StringBuilder out = new StringBuilder();
          while (m.find()) {
            String secret = m.group(1);
            String resolved = env.get(SECRET_ENV_PREFIX + secret);
            if (resolved == null) {
              throw new InvalidConfigException(
                  field + "." + name,
                  "secret "
                      + secret
                      + " is not defined; the operator must set "
                      + SECRET_ENV_PREFIX
                      + secret
                      + " in this plugin's env in ramp-config");
            }
            used.add(secret);
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
          }
          m.appendTail(out);
          values.put(name, out.toString());
        });
    return new Headers(values, List.copyOf(used));
  }

  /**
   * Masks every configured secret's value in a text: a backend that echoes the request (an error
   * page quoting the Authorization header) must not put a token into a Rollout's status.
   */
  String redact(String text) {
    String out = text;
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (e.getKey().startsWith(SECRET_ENV_PREFIX) && !e.getValue().isEmpty()) {
        out =
            out.replace(
                e.getValue(), "${secret:" + e.getKey().substring(SECRET_ENV_PREFIX.length()) + "}");
      }
    }
    return out;
  }

  /** Refuses to send secrets to a URL the operator has not allowed. */
  void checkDestination(String field, URI url, List<String> secrets) {
    if (secrets.isEmpty()) {
      return;
    }
    String target = url.toString();
    List<String> prefixes = allowedPrefixes();
    for (String prefix : prefixes) {
      if (target.startsWith(prefix)) {
        return;
      }
    }
    throw new InvalidConfigException(
        field,
        "refusing to send secret(s) "
            + secrets
            + " to "
            + HttpCalls.display(url)
            + ": the operator must allow its prefix in "
            + ALLOWED_PREFIXES_ENV
            + " in this plugin's env in ramp-config (allowed now: "
            + (prefixes.isEmpty() ? "none" : String.join(", ", prefixes))
            + ")");
  }

  /**
   * The allowed prefixes. Each must end its host with ":" (any port) or its authority with "/" (a
   * path), so that "https://jenkins.example.com" cannot also allow
   * "https://jenkins.example.com.attacker.net".
   */
  List<String> allowedPrefixes() {
    String raw = env.getOrDefault(ALLOWED_PREFIXES_ENV, "");
    List<String> prefixes = new ArrayList<>();
    for (String part : raw.split(",")) {
      String prefix = part.trim();
      if (prefix.isEmpty()) {
        continue;
      }
      int schemeEnd = prefix.indexOf("://");
      String scheme = schemeEnd < 0 ? "" : prefix.substring(0, schemeEnd);
      String rest = schemeEnd < 0 ? "" : prefix.substring(schemeEnd + 3);
      int hostEnd = indexOfAny(rest, ":/");
      if (!(scheme.equals("http") || scheme.equals("https"))
          || hostEnd <= 0
          || rest.substring(0, hostEnd).contains("@")) {
        throw new InvalidConfigException(
            ALLOWED_PREFIXES_ENV,
            "\""
                + prefix
                + "\" is not a URL prefix the plugin can check; write the scheme and host"
                + " followed by \":\" or \"/\", e.g. https://jenkins.example.com/job/ or"
                + " http://127.0.0.1:");
      }
      prefixes.add(prefix);
    }
    return prefixes;
  }

  private static int indexOfAny(String text, String chars) {
    for (int i = 0; i < text.length(); i++) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
