package dev.ramp.plugins.gatewayapi;

import static dev.ramp.plugins.gatewayapi.Fixtures.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.plugin.api.PluginException;
import dev.ramp.plugin.api.TrafficRouting.DesiredWeight;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Read, edit, write with the resourceVersion read; again on a conflict, a bounded number of times.
 */
class RouteUpdaterTest {

  private final FakeStore store = new FakeStore();
  private final RouteUpdater updater = new RouteUpdater(store);
  private final HttpRouteEdits edits = HttpRouteEdits.INSTANCE;
  private final Target checkout = new Target(RouteKind.HTTP, "checkout", true, "httpRoute");

  private HTTPRoute setWeight(int weight) {
    return updater.edit(
        edits,
        checkout,
        "shop",
        route ->
            edits.setWeight(route, HttpRouteEditsTest.SERVICES, DesiredWeight.percent(weight)));
  }

  @Test
  void aWriterBetweenTheReadAndTheWriteMakesItReadAndEditAgain() {
    store.create(http("checkout.yaml"));
    store.beforeUpdate(
        other ->
            other.modify(
                HTTPRoute.class,
                "shop",
                "checkout",
                route -> {
                  route.getSpec().getHostnames().add("www.shop.example.com");
                  return route;
                }));

    HTTPRoute written = setWeight(20);

    assertThat(store.conflicts).isEqualTo(1);
    assertThat(store.updates).isEqualTo(2);
    HTTPRoute stored = store.stored(HTTPRoute.class, "shop", "checkout");
    assertThat(stored).isEqualTo(written);
    assertThat(stored.getSpec().getHostnames())
        .as("the other writer's change is kept")
        .containsExactly("shop.example.com", "www.shop.example.com");
    assertThat(HttpRouteEditsTest.weights(stored, "api"))
        .containsEntry("checkout-canary", 20)
        .containsEntry("checkout-stable", 80);
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(3L);
  }

  @Test
  void conflictsWithoutEndGiveUpAfterTheLastAttempt() {
    store.create(http("checkout.yaml"));
    List<Integer> attempts = new ArrayList<>();
    keepInterfering(attempts);

    assertThatThrownBy(() -> setWeight(20))
        .isInstanceOf(PluginException.class)
        .hasMessage(
            "updating HTTPRoute shop/checkout: another writer changed the route between each of 5"
                + " reads and writes (409 Conflict); the controller will try again")
        .extracting(e -> ((PluginException) e).reason())
        .isEqualTo(PluginException.Reason.FAILED_PRECONDITION);
    assertThat(store.conflicts).isEqualTo(RouteUpdater.MAX_ATTEMPTS);
  }

  private void keepInterfering(List<Integer> attempts) {
    store.beforeUpdate(
        other -> {
          attempts.add(attempts.size());
          other.modify(
              HTTPRoute.class,
              "shop",
              "checkout",
              route -> {
                route.getMetadata().getAnnotations().put("touched", "" + attempts.size());
                return route;
              });
          keepInterfering(attempts);
        });
  }

  @Test
  void anEditThatChangesNothingWritesNothing() {
    store.create(http("checkout-weight-20.yaml"));

    setWeight(20);

    assertThat(store.updates).isZero();
    assertThat(store.stored(HTTPRoute.class, "shop", "checkout").getMetadata().getGeneration())
        .isEqualTo(1L);
  }

  @Test
  void aMissingRouteIsTheConfigsFaultNamingTheField() {
    assertThatThrownBy(() -> setWeight(20))
        .isInstanceOf(PluginException.class)
        .hasMessage(
            "httpRoute: no HTTPRoute 'checkout' in namespace 'shop'; create it first or fix the"
                + " name")
        .extracting(e -> ((PluginException) e).reason())
        .isEqualTo(PluginException.Reason.INVALID_CONFIG);
  }

  @Test
  void aForbiddenWriteSaysWhichPermissionsTheControllerNeeds() {
    store.create(http("checkout.yaml"));
    store.beforeUpdate(other -> other.failNext(403));

    assertThatThrownBy(() -> setWeight(20))
        .isInstanceOf(PluginException.class)
        .hasMessageStartingWith("the Kubernetes API refused updating HTTPRoute shop/checkout (403)")
        .hasMessageContaining("get, list and update on httproutes and grpcroutes")
        .extracting(e -> ((PluginException) e).reason())
        .isEqualTo(PluginException.Reason.FAILED_PRECONDITION);
  }

  @Test
  void anApiServerThatDoesNotAnswerIsUnavailable() {
    store.failNext(0);
    assertThatThrownBy(() -> setWeight(20))
        .extracting(e -> ((PluginException) e).reason())
        .isEqualTo(PluginException.Reason.UNAVAILABLE);
    store.failNext(503);
    assertThatThrownBy(() -> setWeight(20))
        .hasMessageStartingWith(
            "the Kubernetes API did not serve reading HTTPRoute shop/checkout (503)");
  }

  @Test
  void aWriteTheApiServerFindsInvalidIsTheConfigs() {
    store.create(http("checkout.yaml"));
    store.beforeUpdate(other -> other.failNext(422));

    assertThatThrownBy(() -> setWeight(20))
        .extracting(e -> ((PluginException) e).reason())
        .isEqualTo(PluginException.Reason.INVALID_CONFIG);
  }
}
