package org.quotaware.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogTextTest {

    @Test
    void plainTextIsKeptAsItIs() {
        String plain = "key:alice at /api/pricelists, é ü 漢";
        assertThat(LogText.of(plain)).isSameAs(plain);
        assertThat(LogText.of(null)).isEqualTo("null");
    }

    @Test
    void controlCharactersAndSeparatorsAreEscapedAndAnEscapeCannotBeForged() {
        assertThat(LogText.of("a\r\nb\tc\u0000\u001b\u007f\u0085\u2028\u2029"))
                .isEqualTo("a\\r\\nb\\tc\\u0000\\u001b\\u007f\\u0085\\u2028\\u2029");
        assertThat(LogText.of("a\\nb")).as("a backslash and an n, not a newline").isEqualTo("a\\\\nb");
    }
}
