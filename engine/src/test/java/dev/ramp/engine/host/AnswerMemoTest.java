package dev.ramp.engine.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ramp.engine.plugin.CallKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AnswerMemoTest {
  final AnswerMemo memo = new AnswerMemo();
  final AtomicInteger calls = new AtomicInteger();

  String call() {
    return "answer " + calls.incrementAndGet();
  }

  static CallKey key(String idempotencyKey, int attempt) {
    return new CallKey("acme/gate", "Run", idempotencyKey, attempt);
  }

  @Test
  void aRepeatOfTheSameKeyGetsTheSameAnswerUntilItIsRecorded() {
    assertThat(memo.answer(key("k", 1), this::call)).isEqualTo("answer 1");
    assertThat(memo.answer(key("k", 1), this::call)).isEqualTo("answer 1");
    assertThat(calls).hasValue(1);
    memo.recorded(List.of(key("k", 1)));
    assertThat(memo.answer(key("k", 1), this::call)).isEqualTo("answer 2");
  }

  @Test
  void anotherAttemptOrKeyIsAnotherCall() {
    memo.answer(key("k", 1), this::call);
    assertThat(memo.answer(key("k", 2), this::call)).isEqualTo("answer 2");
    assertThat(memo.answer(key("j", 1), this::call)).isEqualTo("answer 3");
    assertThat(memo.answer(new CallKey("acme/gate", "Abort", "k", 1), this::call))
        .isEqualTo("answer 4");
  }

  @Test
  void aCallWithoutAnAnswerIsNotKept() {
    assertThatThrownBy(
            () ->
                memo.answer(
                    key("k", 1),
                    () -> {
                      calls.incrementAndGet();
                      throw new IllegalStateException("deadline exceeded");
                    }))
        .hasMessage("deadline exceeded");
    assertThat(memo.answer(key("k", 1), this::call)).isEqualTo("answer 2");
  }

  @Test
  void withoutAnIdempotencyKeyNothingIsKept() {
    memo.answer(key("", 1), this::call);
    memo.answer(key("", 1), this::call);
    assertThat(calls).hasValue(2);
  }

  @Test
  void aCrashForgetsAndTheOldestGoFirstWhenFull() {
    memo.answer(key("k", 1), this::call);
    memo.forget();
    assertThat(memo.answer(key("k", 1), this::call)).isEqualTo("answer 2");
    for (int i = 0; i < AnswerMemo.CAPACITY; i++) {
      memo.answer(key("fill-" + i, 1), () -> "x");
    }
    assertThat(memo.size()).isEqualTo(AnswerMemo.CAPACITY);
    assertThat(memo.answer(key("k", 1), this::call)).isEqualTo("answer 3");
    assertThat(memo.answer(key("fill-" + (AnswerMemo.CAPACITY - 1), 1), this::call)).isEqualTo("x");
  }

  @Test
  void aRecordedLaterAttemptDropsTheEarlierOnes() {
    memo.answer(key("k", 1), this::call);
    memo.answer(key("j", 1), this::call);
    memo.recorded(List.of(key("k", 2)));
    assertThat(memo.size()).isEqualTo(1);
    assertThat(memo.answer(key("j", 1), this::call)).isEqualTo("answer 2");
  }
}
