package dev.ramp.plugins.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.ramp.plugin.sdk.launch.PluginLauncher;
import dev.ramp.plugin.sdk.launch.PluginProcess;
import dev.ramp.plugin.v1.CallContext;
import dev.ramp.plugin.v1.HeaderMatch;
import dev.ramp.plugin.v1.RouteMatch;
import dev.ramp.plugin.v1.RouterRequest;
import dev.ramp.plugin.v1.SetHeaderRouteRequest;
import dev.ramp.plugin.v1.SetMirrorRouteRequest;
import dev.ramp.plugin.v1.SetWeightRequest;
import dev.ramp.plugin.v1.StringMatch;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc;
import dev.ramp.plugin.v1.TrafficRouterPluginGrpc.TrafficRouterPluginBlockingStub;
import dev.ramp.plugin.v1.VerifyWeightRequest;
import dev.ramp.plugin.v1.VerifyWeightResponse;
import dev.ramp.plugin.v1.WeightVerification;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin JAR as the controller runs it (a child JVM started by the SDK's launcher and runner,
 * called over its Unix socket) in front of a real NGINX that each test starts in its own prefix,
 * with two upstreams on 127.0.0.1 that count the requests NGINX sends them. The plugin reloads
 * NGINX with a script the test controls: while the file {@code hold} exists it does nothing, so
 * "the workers have not reloaded yet" is a state the test sets, not a race it hopes for.
 */
class NginxPluginIT {
  static final List<String> MANAGED = List.of("tax-user", "shadow");

  @TempDir static Path dir;
  static PluginProcess plugin;
  static Backend stable;
  static Backend canary;
  static final List<String> pluginOutput = new CopyOnWriteArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();

  LocalNginx nginx;
  int port;

  @BeforeAll
  static void start() throws IOException {
    assumeThat(LocalNginx.NGINX).as("Debian's nginx (apt-get install nginx)").isExecutable();
    LocalNginx.configure(dir);
    stable = new Backend("stable");
    canary = new Backend("canary");
    plugin = launch();
  }

  static PluginProcess launch() throws IOException {
    return new PluginLauncher(pluginOutput::add)
        .launch(
            PluginJars.spec(
                Map.of(
                    "RAMP_NGINX_RELOAD_COMMAND", LocalNginx.reloadScript(dir).toString(),
                    "RAMP_NGINX_INCLUDE_DIR", dir.resolve("ramp").toString())));
  }

  @AfterAll
  static void stop() {
    if (plugin != null) {
      plugin.close();
    }
    Stream.of(stable, canary).filter(b -> b != null).forEach(Backend::close);
  }

  @BeforeEach
  void startNginx() throws IOException {
    Files.deleteIfExists(dir.resolve("hold"));
    try (Stream<Path> files = Files.list(dir.resolve("ramp"))) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    port = LocalNginx.freePort();
    nginx = LocalNginx.start(dir);
    stable.reset();
    canary.reset();
  }

  @AfterEach
  void stopNginx() throws InterruptedException {
    if (nginx != null) {
      nginx.close();
    }
  }

  String config() {
    return "{\"includeFile\": \"checkout.conf\", \"listen\": \"127.0.0.1:"
        + port
        + "\", \"stable\": \""
        + stable.address()
        + "\", \"canary\": [\""
        + canary.address()
        + "\"]}";
  }

  static TrafficRouterPluginBlockingStub stub() {
    return TrafficRouterPluginGrpc.newBlockingStub(plugin.channel())
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  RouterRequest request(String operation) {
    return request(operation, config());
  }

  static RouterRequest request(String operation, String config) {
    return RouterRequest.newBuilder()
        .setContext(
            CallContext.newBuilder()
                .setRolloutUid("u-1")
                .setNamespace("shop")
                .setRolloutName("checkout")
                .setOperation(operation)
                .setAttempt(1)
                .setIdempotencyKey("u-1/" + operation)
                .setPluginName(PluginJars.NAME))
        .setRolloutJson("{}")
        .setConfigJson(config)
        .addAllManagedRoutes(MANAGED)
        .build();
  }

  void setWeight(int weight, int max) {
    stub()
        .setWeight(
            SetWeightRequest.newBuilder()
                .setRequest(request("SetWeight"))
                .setDesiredWeight(weight)
                .setMaxWeight(max)
                .build());
  }

  VerifyWeightResponse verify(int weight, int max) {
    return stub()
        .verifyWeight(
            VerifyWeightRequest.newBuilder()
                .setRequest(request("VerifyWeight"))
                .setDesiredWeight(weight)
                .setMaxWeight(max)
                .build());
  }

  void awaitVerified(int weight, int max) {
    await("VerifyWeight " + weight + "/" + max)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                verify(weight, max).getVerification()
                    == WeightVerification.WEIGHT_VERIFICATION_VERIFIED);
  }

  void setHeaderRoute(StringMatch value) {
    stub()
        .setHeaderRoute(
            SetHeaderRouteRequest.newBuilder()
                .setRequest(request("SetHeaderRoute"))
                .setName("tax-user")
                .addMatch(
                    HeaderMatch.newBuilder().setHeaderName("X-Tax-User").setHeaderValue(value))
                .build());
  }

  static StringMatch exact(String value) {
    return StringMatch.newBuilder().setExact(value).build();
  }

  Path include() {
    return dir.resolve("ramp/checkout.conf");
  }

  long writtenGeneration() throws IOException {
    return IncludeFile.state(Files.readString(include())).orElseThrow().generation();
  }

  /** Until NGINX's workers answer the include's generation (route changes are not verified). */
  void awaitServed() throws IOException {
    long generation = writtenGeneration();
    Nginx.Process probe = new Nginx.Process(List.of());
    URI url = URI.create("http://127.0.0.1:" + port + "/ramp-generation");
    await("NGINX serving generation " + generation)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> probe.servedGeneration(url) == generation);
  }

  /** Sends {@code n} requests; the answers by who gave them. */
  Map<String, Integer> send(int n, Map<String, String> headers) throws Exception {
    Map<String, Integer> answers = new HashMap<>();
    for (int i = 0; i < n; i++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x/" + i));
      headers.forEach(b::header);
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      answers.merge(r.body(), 1, Integer::sum);
    }
    return answers;
  }

  @Test
  void weightsOutOfMaxWeightReachTheUpstreams() throws Exception {
    setWeight(20, 100);
    awaitVerified(20, 100);
    Map<String, Integer> answers = send(1000, Map.of());
    assertThat(answers.getOrDefault("canary", 0)).isBetween(170, 230);
    assertThat(answers.get("canary") + answers.get("stable")).isEqualTo(1000);

    setWeight(1000, 1000);
    awaitVerified(100, 100);
    assertThat(send(100, Map.of())).containsExactly(Map.entry("canary", 100));
    assertThat(Files.readString(include())).doesNotContain("weight=0");

    setWeight(0, 1000);
    awaitVerified(0, 100);
    assertThat(send(100, Map.of())).containsExactly(Map.entry("stable", 100));
  }

  @Test
  void aHeaderRouteSendsExactlyTheMatchingRequestsToTheCanary() throws Exception {
    setWeight(0, 100);
    setHeaderRoute(exact("henrik"));
    awaitServed();
    assertThat(send(200, Map.of("X-Tax-User", "henrik"))).containsExactly(Map.entry("canary", 200));
    assertThat(send(100, Map.of("X-Tax-User", "Henrik"))).containsExactly(Map.entry("stable", 100));
    assertThat(send(200, Map.of())).containsExactly(Map.entry("stable", 200));

    setHeaderRoute(StringMatch.newBuilder().setPrefix("hen").build());
    awaitServed();
    assertThat(send(50, Map.of("X-Tax-User", "henning"))).containsExactly(Map.entry("canary", 50));

    // No match: the route is removed.
    stub()
        .setHeaderRoute(
            SetHeaderRouteRequest.newBuilder()
                .setRequest(request("SetHeaderRoute"))
                .setName("tax-user")
                .build());
    awaitServed();
    assertThat(send(100, Map.of("X-Tax-User", "henrik"))).containsExactly(Map.entry("stable", 100));
    assertThat(Files.readString(include())).doesNotContain("map ");
  }

  @Test
  void aMirrorCopiesItsShareToTheCanaryAndTheAnswersComeFromStable() throws Exception {
    setWeight(0, 100);
    stub()
        .setMirrorRoute(
            SetMirrorRouteRequest.newBuilder()
                .setRequest(request("SetMirrorRoute"))
                .setName("shadow")
                .setPercentage(50)
                .addMatch(
                    RouteMatch.newBuilder().setPath(StringMatch.newBuilder().setPrefix("/x/")))
                .build());
    awaitServed();
    assertThat(send(1000, Map.of())).containsExactly(Map.entry("stable", 1000));
    assertThat(canary.settled()).isBetween(450L, 550L);
    assertThat(stable.settled()).isEqualTo(1000);
  }

  @Test
  void removeManagedRoutesTakesEveryRouteOutAndKeepsTheWeight() throws Exception {
    setWeight(0, 100);
    setHeaderRoute(exact("henrik"));
    stub()
        .setMirrorRoute(
            SetMirrorRouteRequest.newBuilder()
                .setRequest(request("SetMirrorRoute"))
                .setName("shadow")
                .addMatch(RouteMatch.newBuilder().setMethod(exact("GET")))
                .build());
    assertThat(Files.readString(include())).contains("mirror /_ramp_shop_checkout_mirror;");

    stub().removeManagedRoutes(request("RemoveManagedRoutes"));
    awaitServed();
    String text = Files.readString(include());
    assertThat(text).doesNotContain("map ", "mirror /", "split_clients");
    assertThat(IncludeFile.state(text).orElseThrow().headerRoutes()).isEmpty();
    assertThat(send(100, Map.of("X-Tax-User", "henrik"))).containsExactly(Map.entry("stable", 100));
    assertThat(canary.settled()).isZero();
  }

  @Test
  void verifyWeightWaitsForTheWorkersNotForTheFile() throws Exception {
    setWeight(20, 100);
    awaitVerified(20, 100);
    long served = writtenGeneration();

    Files.createFile(dir.resolve("hold")); // the reload does nothing: old workers keep serving
    setWeight(30, 100);
    assertThat(IncludeFile.state(Files.readString(include())).orElseThrow().weight()).isEqualTo(30);
    VerifyWeightResponse answer = verify(30, 100);
    assertThat(answer.getVerification())
        .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_NOT_VERIFIED);
    assertThat(answer.getMessage())
        .isEqualTo(
            "NGINX's workers serve generation "
                + served
                + ", the include holds "
                + (served + 1)
                + ": the reload has not taken effect yet");
    assertThat(verify(20, 100).getVerification())
        .as("the include no longer holds 20")
        .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_NOT_VERIFIED);

    nginx.reload();
    awaitVerified(30, 100);
    assertThat(verify(30, 100).getMessage())
        .isEqualTo("NGINX serves generation " + (served + 1) + ": 30/100 to the canary");
  }

  @Test
  void aRestartedPluginReadsItsStateBackFromTheInclude() throws Exception {
    setWeight(20, 100);
    setHeaderRoute(exact("henrik"));
    awaitVerified(20, 100);
    long generation = writtenGeneration();
    plugin.close();
    plugin = launch();

    assertThat(verify(20, 100).getVerification())
        .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_VERIFIED);
    setWeight(20, 100); // already so: no new generation
    assertThat(writtenGeneration()).isEqualTo(generation);
    setWeight(40, 100);
    awaitVerified(40, 100);
    assertThat(writtenGeneration()).isEqualTo(generation + 1);
    assertThat(Files.readString(include())).contains("$http_x_tax_user");
  }

  @Test
  void nginxNotRunningIsUnavailableAndThePreviousIncludeIsKept() throws Exception {
    setWeight(20, 100);
    awaitVerified(20, 100);
    String before = Files.readString(include());
    nginx.close();

    assertThatThrownBy(() -> setWeight(40, 100))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription())
                  .startsWith("NGINX is not running (")
                  .contains("nginx.pid")
                  .endsWith("; the previous include is kept");
            });
    assertThat(Files.readString(include())).isEqualTo(before);
    assertThatThrownBy(() -> verify(20, 100))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).startsWith("NGINX does not answer at");
            });
  }

  @Test
  void aConfigurationNginxRefusesIsInvalidAndThePreviousRoutingStays() throws Exception {
    setWeight(20, 100);
    awaitVerified(20, 100);
    String before = Files.readString(include());

    assertThatThrownBy(() -> setHeaderRoute(StringMatch.newBuilder().setRegex("(henrik").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .startsWith("NGINX refused the configuration (")
                  .contains("[emerg]", "(henrik", "checkout.conf")
                  .endsWith("; the previous include is kept");
            });
    assertThat(Files.readString(include())).isEqualTo(before);
    assertThat(verify(20, 100).getVerification())
        .isEqualTo(WeightVerification.WEIGHT_VERIFICATION_VERIFIED);
    assertThat(send(100, Map.of("X-Tax-User", "henrik")).get("canary")).isBetween(15, 25);
  }

  @Test
  void aBadConfigIsRefusedWithTheFieldsName() {
    assertThatThrownBy(
            () ->
                stub()
                    .setWeight(
                        SetWeightRequest.newBuilder()
                            .setRequest(
                                request(
                                    "SetWeight",
                                    "{\"includeFile\": \"x.conf\", \"stable\": \"a:1\","
                                        + " \"canary\": \"b:2\"}"))
                            .setDesiredWeight(10)
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "listen: is required: the server's listen address, e.g. 127.0.0.1:8080");
            });
    assertThatThrownBy(
            () ->
                stub()
                    .setWeight(
                        SetWeightRequest.newBuilder()
                            .setRequest(
                                request(
                                    "SetWeight",
                                    "{\"includeFile\": \"../../etc/x.conf\", \"listen\": \"8080\","
                                        + " \"stable\": \"a:1\", \"canary\": \"b:2\"}"))
                            .setDesiredWeight(10)
                            .build()))
        .hasMessageContaining("includeFile: '../../etc/x.conf' must be a file inside");
  }
}
