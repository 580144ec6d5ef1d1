package dev.ramp.engine.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginConfigSnapshotTest {

  private static PluginConfigSnapshot parse(String key, String yaml) {
    return PluginConfigSnapshot.parse(Map.of(key, yaml), 10);
  }

  private static String refusal(String yaml) {
    PluginConfigSnapshot snapshot = parse("stepPlugins", yaml);
    assertThat(snapshot.entries()).isEmpty();
    assertThat(snapshot.refused()).hasSize(1);
    return snapshot.refused().get(0).reason();
  }

  @Test
  void readsEveryFieldOfAnEntry() {
    PluginConfigSnapshot snapshot =
        parse(
            "stepPlugins",
            """
            - name: acme/jenkins
              location: file:///opt/ramp/plugins/jenkins.jar
              sha256: ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789
              args: ["--verbose", 3]
              env: {JENKINS_URL: "https://ci.example", RETRIES: 2}
              disabled: true
              callDeadline: 45s
              maxConcurrentCalls: 2
              startTimeout: 500ms
              jvmOptions: ["-Xmx96m"]
              kubernetesAccess: true
            """);

    assertThat(snapshot.refused()).isEmpty();
    PluginEntry entry = snapshot.entries().get(0);
    assertThat(entry.kind()).isEqualTo(PluginKind.STEP);
    assertThat(entry.name()).isEqualTo("acme/jenkins");
    assertThat(entry.location()).isEqualTo(Path.of("/opt/ramp/plugins/jenkins.jar").toUri());
    assertThat(entry.isJar()).isTrue();
    assertThat(entry.sha256())
        .isEqualTo("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    assertThat(entry.args()).containsExactly("--verbose", "3");
    assertThat(entry.env()).containsEntry("JENKINS_URL", "https://ci.example");
    assertThat(entry.env()).containsEntry("RETRIES", "2");
    assertThat(entry.disabled()).isTrue();
    assertThat(entry.limits())
        .isEqualTo(new PluginLimits(Duration.ofSeconds(45), 2, Duration.ofMillis(500)));
    assertThat(entry.jvmOptions()).containsExactly("-Xmx96m");
    assertThat(entry.kubernetesAccess()).isTrue();
  }

  @Test
  void fillsInDefaultsAndAcceptsABareAbsolutePath() {
    PluginConfigSnapshot snapshot =
        PluginConfigSnapshot.parse(
            Map.of(
                "trafficRouterPlugins", "- {name: acme/mesh, location: /usr/bin/mesh-plugin}",
                "metricProviderPlugins", "- {name: acme/prom, location: 'file:///bin/prom'}",
                "logLevel", "debug"),
            10);

    assertThat(snapshot.refused()).isEmpty();
    assertThat(snapshot.entries())
        .extracting(PluginEntry::kind, PluginEntry::name, PluginEntry::location)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                PluginKind.TRAFFIC_ROUTER, "acme/mesh", Path.of("/usr/bin/mesh-plugin").toUri()),
            org.assertj.core.groups.Tuple.tuple(
                PluginKind.METRIC_PROVIDER, "acme/prom", Path.of("/bin/prom").toUri()));
    PluginEntry mesh = snapshot.entries().stream().filter(e -> !e.isJar()).findFirst().get();
    assertThat(mesh.limits()).isEqualTo(PluginLimits.defaults());
    assertThat(mesh.disabled()).isFalse();
    assertThat(snapshot.entries()).noneMatch(PluginEntry::kubernetesAccess);
    assertThat(mesh.sha256()).isNull();
  }

  @Test
  void aBadEntryIsRefusedAloneAndTheOthersStay() {
    PluginConfigSnapshot snapshot =
        parse(
            "stepPlugins",
            """
            - name: acme/good
              location: /bin/good
            - name: acme/bad
              location: /bin/bad
              callDeadline: soon
            - name: acme/also-good
              location: /bin/also-good
            """);

    assertThat(snapshot.entries())
        .extracting(PluginEntry::name)
        .containsExactly("acme/good", "acme/also-good");
    assertThat(snapshot.refused()).hasSize(1);
    PluginConfigSnapshot.Refused refused = snapshot.refused().get(0);
    assertThat(refused.name()).isEqualTo("acme/bad");
    assertThat(refused.reason())
        .contains("acme/bad", "callDeadline 'soon'", "like 500ms, 30s, 2m or 1h");
    assertThat(snapshot.refusedOf(PluginKind.STEP, "acme/bad")).isEqualTo(refused);
  }

  @Test
  void invalidYamlUnderOneKeyLeavesTheOtherKeys() {
    PluginConfigSnapshot snapshot =
        PluginConfigSnapshot.parse(
            Map.of(
                "stepPlugins", "- name: [unclosed",
                "metricProviderPlugins", "- {name: acme/prom, location: /bin/prom}"),
            10);

    assertThat(snapshot.entries()).extracting(PluginEntry::name).containsExactly("acme/prom");
    assertThat(snapshot.refused())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).startsWith("stepPlugins is not valid YAML"));
  }

  @Test
  void aKeyThatIsNotAListIsRefused() {
    PluginConfigSnapshot snapshot = parse("stepPlugins", "name: acme/x\nlocation: /bin/x\n");
    assertThat(snapshot.refused())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("must be a YAML list", "object"));
  }

  @Test
  void otherSchemesAreRefusedNamingTheSupportedOnes() {
    assertThat(refusal("- {name: acme/x, location: 's3://bucket/x.jar'}"))
        .contains("'s3://bucket/x.jar'", "scheme 's3'", "file:// and https:// URLs");
  }

  @Test
  void httpsLocationsNeedASha256AndPlainHttpOnlyToLoopback() {
    assertThat(refusal("- {name: acme/x, location: 'https://example.com/x.jar'}"))
        .contains("'https://example.com/x.jar'", "needs a sha256");
    assertThat(
            refusal(
                "- {name: acme/x, location: 'http://example.com/x.jar', sha256: "
                    + "a".repeat(64)
                    + "}"))
        .contains("use https://");
    PluginConfigSnapshot snapshot =
        parse(
            "stepPlugins",
            "- {name: acme/x, location: 'https://example.com/x.jar', sha256: "
                + "A".repeat(64)
                + "}\n- {name: acme/y, location: 'http://127.0.0.1:8080/y', sha256: "
                + "b".repeat(64)
                + "}");
    assertThat(snapshot.refused()).isEmpty();
    assertThat(snapshot.entries()).allMatch(PluginEntry::isRemote);
  }

  @Test
  void relativeLocationsAndFileUrlsWithAHostAreRefused() {
    assertThat(refusal("- {name: acme/x, location: plugins/x}"))
        .contains("'plugins/x'", "file:// or https:// URL or an absolute path");
    assertThat(refusal("- {name: acme/x, location: 'file://opt/x'}")).contains("three slashes");
  }

  @Test
  void refusesBadNamesChecksumsAndFields() {
    assertThat(refusal("- {name: Jenkins, location: /bin/x}")).contains("'Jenkins'", "org/name");
    assertThat(refusal("- {location: /bin/x}")).contains("name is required");
    assertThat(refusal("- {name: acme/x}")).contains("acme/x", "location is required");
    assertThat(refusal("- {name: acme/x, location: /bin/x, sha256: abc}"))
        .contains("sha256 'abc'", "64 hex digits");
    assertThat(refusal("- {name: acme/x, location: /bin/x, disable: true}"))
        .contains("unknown field 'disable'", "disabled");
    assertThat(refusal("- {name: acme/x, location: /bin/x, disabled: 'yes please'}"))
        .contains("disabled must be true or false");
    assertThat(refusal("- {name: acme/x, location: /bin/x, args: --fast}"))
        .contains("args must be a list of strings");
    assertThat(refusal("- {name: acme/x, location: /bin/x, startTimeout: 0s}"))
        .contains("startTimeout '0s' must be more than zero");
  }

  @Test
  void theEnvMayNotOverrideTheContractsVariables() {
    assertThat(refusal("- {name: acme/x, location: /bin/x, env: {RAMP_PLUGIN_COOKIE: x}}"))
        .contains("may not set RAMP_PLUGIN_COOKIE");
    assertThat(refusal("- {name: acme/x, location: /bin/x, env: {'1BAD': x}}"))
        .contains("'1BAD' is not a valid variable name");
  }

  @Test
  void kubernetesAccessIsAFlagOfEveryKindAndOnlyTheHostSetsKubeconfig() {
    PluginConfigSnapshot snapshot =
        PluginConfigSnapshot.parse(
            Map.of(
                "stepPlugins", "- {name: acme/step, location: /bin/s, kubernetesAccess: true}",
                "trafficRouterPlugins",
                    "- {name: acme/router, location: /bin/r, kubernetesAccess: true}",
                "metricProviderPlugins",
                    "- {name: acme/metric, location: /bin/m, kubernetesAccess: false}"),
            10);
    assertThat(snapshot.refused()).isEmpty();
    assertThat(snapshot.entries())
        .extracting(PluginEntry::kind, PluginEntry::kubernetesAccess)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(PluginKind.STEP, true),
            org.assertj.core.groups.Tuple.tuple(PluginKind.TRAFFIC_ROUTER, true),
            org.assertj.core.groups.Tuple.tuple(PluginKind.METRIC_PROVIDER, false));

    assertThat(refusal("- {name: acme/x, location: /bin/x, kubernetesAccess: 'true'}"))
        .isEqualTo("step plugin acme/x: kubernetesAccess must be true or false, got 'true'");
    assertThat(refusal("- {name: acme/x, location: /bin/x, kubernetesAccess: 1}"))
        .contains("kubernetesAccess must be true or false, got '1'");
    assertThat(refusal("- {name: acme/x, location: /bin/x, kubernetesAcess: true}"))
        .contains("unknown field 'kubernetesAcess'", "kubernetesAccess");
    assertThat(refusal("- {name: acme/x, location: /bin/x, env: {KUBECONFIG: /root/.kube/x}}"))
        .contains("env may not set KUBECONFIG", "kubernetesAccess: true");
    assertThat(PluginConfigSnapshot.CONTRACT_VARIABLES).contains("KUBECONFIG");
  }

  @Test
  void grantingOrWithdrawingKubernetesAccessIsAChangeThatRestartsThePlugin() {
    PluginEntry without =
        parse("stepPlugins", "- {name: acme/x, location: /bin/x}").entries().get(0);
    PluginEntry with =
        parse("stepPlugins", "- {name: acme/x, location: /bin/x, kubernetesAccess: true}")
            .entries()
            .get(0);
    assertThat(with).isNotEqualTo(without);
    assertThat(with.withDisabled(true).kubernetesAccess()).isTrue();
    assertThat(
            parse("stepPlugins", "- {name: acme/x, location: /bin/x, kubernetesAccess: false}")
                .entries()
                .get(0))
        .isEqualTo(without);
  }

  @Test
  void theBulkheadMustStayBelowTheReconcilePool() {
    assertThat(refusal("- {name: acme/x, location: /bin/x, maxConcurrentCalls: 10}"))
        .contains("maxConcurrentCalls 10 must be between 1 and 9", "10 reconcile workers");
    assertThat(refusal("- {name: acme/x, location: /bin/x, maxConcurrentCalls: 0}"))
        .contains("maxConcurrentCalls 0");
    assertThat(
            parse("stepPlugins", "- {name: acme/x, location: /bin/x, maxConcurrentCalls: 9}")
                .entries())
        .hasSize(1);
    assertThatThrownBy(() -> PluginConfigSnapshot.parse(Map.of(), 1))
        .hasMessageContaining("reconcileWorkers must be at least 2")
        .hasMessageContaining("got 1");
  }

  @Test
  void aDuplicateNameIsRefusedAndTheFirstKept() {
    PluginConfigSnapshot snapshot =
        parse(
            "stepPlugins",
            "- {name: acme/x, location: /bin/x}\n- {name: acme/x, location: /bin/y}");
    assertThat(snapshot.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.location()).isEqualTo(Path.of("/bin/x").toUri()));
    assertThat(snapshot.refused())
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("acme/x appears more than once"));
  }

  @Test
  void theShippedExampleConfigParses() throws Exception {
    Path file = Path.of("..", "config", "ramp-config.yaml");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(file));
    var yaml =
        new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    @SuppressWarnings("unchecked")
    Map<String, String> data =
        (Map<String, String>) yaml.readValue(file.toFile(), Map.class).get("data");

    PluginConfigSnapshot snapshot = PluginConfigSnapshot.parse(data, 10);

    assertThat(snapshot.refused()).isEmpty();
    assertThat(snapshot.entries()).isNotEmpty();
  }

  @Test
  void anAbsentOrEmptyConfigIsEmpty() {
    assertThat(PluginConfigSnapshot.parse(null, 10)).isEqualTo(PluginConfigSnapshot.empty());
    assertThat(PluginConfigSnapshot.parse(Map.of("stepPlugins", ""), 10).entries()).isEmpty();
    assertThat(PluginConfigSnapshot.parse(Map.of("stepPlugins", "[]"), 10).entries()).isEmpty();
    assertThat(List.of(PluginKind.values()))
        .extracting(PluginKind::configKey)
        .containsExactly("stepPlugins", "trafficRouterPlugins", "metricProviderPlugins");
  }
}
