package dev.ramp.engine.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class OwnWritesTest {
  static final String KEY = "shop/checkout";

  final OwnWrites<ConfigMap> writes = new OwnWrites<>();
  final AtomicInteger gets = new AtomicInteger();

  static ConfigMap at(String version) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("checkout")
        .withNamespace("shop")
        .withResourceVersion(version)
        .endMetadata()
        .build();
  }

  Supplier<ConfigMap> server(String version) {
    return () -> {
      gets.incrementAndGet();
      return version == null ? null : at(version);
    };
  }

  @Test
  void withoutAWriteTheCacheIsRead() {
    assertThat(writes.read(KEY, at("7"), server("9")).getMetadata().getResourceVersion())
        .isEqualTo("7");
    assertThat(gets).hasValue(0);
  }

  @Test
  void aCacheThatHasNotSeenTheWriteIsOverruledUntilItHasTheSameVersion() {
    writes.wrote(KEY, "7", at("8"));
    assertThat(writes.read(KEY, at("7"), server("8")).getMetadata().getResourceVersion())
        .isEqualTo("8");
    // The informer delivers our own versions: nothing foreign.
    writes.observed(KEY, at("7"));
    writes.observed(KEY, at("8"));
    assertThat(writes.read(KEY, at("7"), server("8")).getMetadata().getResourceVersion())
        .isEqualTo("8");
    assertThat(writes.read(KEY, at("8"), server("8")).getMetadata().getResourceVersion())
        .isEqualTo("8");
    assertThat(writes.size()).isZero();
    assertThat(gets).hasValue(0);
  }

  @Test
  void aChainOfWritesIsFollowedAndItsOlderVersionsAreOurs() {
    writes.wrote(KEY, "7", at("8"));
    writes.wrote(KEY, "8", at("9"));
    writes.observed(KEY, at("8"));
    assertThat(writes.read(KEY, at("8"), server("9")).getMetadata().getResourceVersion())
        .isEqualTo("9");
    assertThat(gets).hasValue(0);
  }

  @Test
  void anotherWritersVersionMakesTheNextReadAskTheServerOnce() {
    writes.wrote(KEY, "7", at("8"));
    // A user's abort, written after ours: versions are opaque, so which is newer is not guessed.
    writes.observed(KEY, at("12"));
    assertThat(writes.read(KEY, at("8"), server("12")).getMetadata().getResourceVersion())
        .isEqualTo("12");
    assertThat(gets).hasValue(1);
    // The server's copy is kept until the cache has it.
    assertThat(writes.read(KEY, at("8"), server("12")).getMetadata().getResourceVersion())
        .isEqualTo("12");
    assertThat(gets).hasValue(1);
    assertThat(writes.read(KEY, at("12"), server("12")).getMetadata().getResourceVersion())
        .isEqualTo("12");
    assertThat(writes.size()).isZero();
  }

  @Test
  void aConflictMakesTheNextReadAskTheServer() {
    writes.conflicted(KEY);
    assertThat(writes.read(KEY, at("7"), server("10")).getMetadata().getResourceVersion())
        .isEqualTo("10");
    assertThat(gets).hasValue(1);
  }

  @Test
  void anObjectDeletedOnTheServerIsGone() {
    writes.wrote(KEY, "7", at("8"));
    writes.conflicted(KEY);
    assertThat(writes.read(KEY, at("8"), server(null))).isNull();
    assertThat(writes.size()).isZero();
    writes.wrote(KEY, "7", at("8"));
    writes.deleted(KEY);
    assertThat(writes.read(KEY, null, server("8"))).isNull();
  }

  @Test
  void anotherWriterSeenBeforeOurWriteWasRecordedIsNotLost() {
    // A user's abort lands between the server applying our patch and the write being recorded.
    writes.observed(KEY, at("12"));
    writes.wrote(KEY, "7", at("8"));
    assertThat(writes.read(KEY, at("12"), server("12")).getMetadata().getResourceVersion())
        .isEqualTo("12");
    assertThat(gets).hasValue(1);
  }

  @Test
  void anObjectGoneFromTheCacheIsAskedForBeforeItsKeptCopyIsUsed() {
    writes.wrote(KEY, "7", at("8"));
    assertThat(writes.read(KEY, null, server(null))).isNull();
    assertThat(gets).hasValue(1);
  }
}
