package org.quotaware.sample.pricelist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FieldChecksTest {

    /** The expressions the checks replace. */
    private static final Pattern PRICE = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "12", "12.50", "1.", ".5", ".", "+", "-", "+1", "-2.5", "+.5", "-.", "1.2.3",
            "1e5", "1,5", " 1", "1 ", "++1", "1+", "abc", "\u0663", "EUR", "Eur", "EU", "EURO", "E1R", "ÉUR", "eur"})
    void acceptWhatTheRegularExpressionsAccepted(String value) {
        assertThat(FieldChecks.isPlainDecimal(value)).isEqualTo(PRICE.matcher(value).matches());
        assertThat(FieldChecks.isThreeUpperCaseLetters(value)).isEqualTo(CURRENCY_CODE.matcher(value).matches());
    }
}
