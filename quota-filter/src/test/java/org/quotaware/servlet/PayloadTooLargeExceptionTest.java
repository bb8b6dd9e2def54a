package org.quotaware.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadTooLargeExceptionTest {

    @Test
    void isFoundHoweverDeepAFrameworkWrappedIt() {
        PayloadTooLargeException tooLarge = new PayloadTooLargeException(1024);
        RuntimeException wrapped = new IllegalStateException("error reading entity",
                new UncheckedIOException(new IOException("read failed", tooLarge)));

        assertThat(PayloadTooLargeException.in(wrapped)).containsSame(tooLarge);
        assertThat(PayloadTooLargeException.in(tooLarge)).containsSame(tooLarge);
    }

    @Test
    void isAbsentFromOtherFailuresEvenCyclicOnes() {
        RuntimeException a = new IllegalStateException("a");
        RuntimeException b = new IllegalArgumentException("b", a);
        a.initCause(b);

        assertThat(PayloadTooLargeException.in(a)).isEmpty();
        assertThat(PayloadTooLargeException.in(new IOException("disk full"))).isEmpty();
        assertThat(PayloadTooLargeException.in(null)).isEmpty();
    }
}
