package dev.autogateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MemoTest {
    @Test
    void remembers_answers_until_full_then_only_computes() {
        AtomicInteger calls = new AtomicInteger();
        Memo<String, Integer> memo = new Memo<>(2, k -> {
            calls.incrementAndGet();
            return k.length();
        });

        assertThat(memo.get("a")).isEqualTo(1);
        assertThat(memo.get("a")).isEqualTo(1);
        assertThat(memo.get("bb")).isEqualTo(2);
        assertThat(calls).as("two keys, each computed once").hasValue(2);

        assertThat(memo.get("ccc")).isEqualTo(3);
        assertThat(memo.get("ccc")).isEqualTo(3);
        assertThat(calls).as("full: a third key is computed every time, not stored").hasValue(4);
        assertThat(memo.get("a")).isEqualTo(1);
        assertThat(calls).as("what it holds is still answered from memory").hasValue(4);
    }

    @Test
    void parses_a_model_string_longer_than_it_keeps_without_remembering_it() {
        String longName = "m".repeat(Memo.MAX_KEY_CHARS + 1);
        assertThat(ModelQuery.parse(longName).names()).containsExactly(longName);
        assertThat(ModelQuery.parse(longName)).isNotSameAs(ModelQuery.parse(longName));
        assertThat(ModelQuery.parse("gpt-4o")).isSameAs(ModelQuery.parse("gpt-4o"));
    }
}
