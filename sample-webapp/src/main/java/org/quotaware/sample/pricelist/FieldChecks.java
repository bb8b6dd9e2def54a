package org.quotaware.sample.pricelist;

import static org.quotaware.sample.pricelist.AnalysisLimits.echo;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;
import java.util.regex.Pattern;

/** The checks of one row's price and currency; a failed check adds its {@link Issue} and yields {@code null}. */
final class FieldChecks {

    private static final Pattern PRICE = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");

    private FieldChecks() {
    }

    static BigDecimal price(String raw, List<Issue> issues) {
        String value = raw.strip();
        if (!PRICE.matcher(value).matches()) {
            issues.add(new Issue(Issue.Code.BAD_PRICE, value.isEmpty() ? "price is empty"
                    : "price '" + echo(value) + "' is not a decimal number like 12.50"));
            return null;
        }
        BigDecimal amount = new BigDecimal(value);
        if (amount.signum() < 0) {
            issues.add(new Issue(Issue.Code.NEGATIVE_PRICE, "price " + echo(value) + " is negative"));
            return null;
        }
        return amount;
    }

    static String currency(String raw, List<Issue> issues) {
        String code = raw.strip();
        if (!CURRENCY_CODE.matcher(code).matches()) {
            issues.add(new Issue(Issue.Code.INVALID_CURRENCY, code.isEmpty() ? "currency is empty"
                    : "currency '" + echo(code) + "' is not three upper-case letters"));
            return null;
        }
        try {
            Currency.getInstance(code);
            return code;
        } catch (IllegalArgumentException e) {
            issues.add(new Issue(Issue.Code.UNKNOWN_CURRENCY, "currency '" + code + "' is not an ISO 4217 code"));
            return null;
        }
    }

    static String blankToNull(String value) {
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }
}
